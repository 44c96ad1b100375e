import Foundation

/// What one forward pass over a window cost: sums, so windows and batches add up without weighting.
public struct WindowLoss: Equatable, Sendable {
    /// Σ −ln p(target) over the predicted bytes (nats).
    public var taskNats: Double = 0
    /// Σ ρ over positions, per layer (the ponder cost P of each layer).
    public var ponder: [Double]
    /// Predicted bytes (B·T, or fewer for a short window).
    public var count: Int = 0

    public init(layers: Int) {
        ponder = Array(repeating: 0, count: layers)
    }

    /// Bits per character of the task loss.
    public var bitsPerCharacter: Double { count == 0 ? .nan : taskNats / Double(count) / M_LN2 }

    /// Mean ρ of each layer.
    public var meanPonder: [Double] { ponder.map { count == 0 ? .nan : $0 / Double(count) } }

    /// The training objective (L_task + τ P) / count that backward differentiates.
    public func objective(tau: Double) -> Double {
        (taskNats + tau * ponder.reduce(0, +)) / Double(count)
    }

    public mutating func add(_ other: WindowLoss) {
        taskNats += other.taskNats
        count += other.count
        for l in ponder.indices { ponder[l] += other.ponder[l] }
    }
}
