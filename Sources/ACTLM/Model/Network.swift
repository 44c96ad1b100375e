import Foundation

/// The stacked ACT-LSTM with its byte softmax, for a fixed batch size and longest window:
/// `forward` runs one window of truncated BPTT and carries the recurrent state on; `backward`
/// differentiates that window's objective (L_task + τ·P)/(B·T) with the incoming state held constant.
///
/// Generic over the scalar so gradient checks run the very same code in Double; training runs Float.
/// Use it from inside the ACTLM module (Trainer, TextRunner, Benchmark): the module specialises it for
/// Float there, which a call from another module would not get.
public final class Network<Scalar: NetworkScalar> {
    public let config: ModelConfig
    public let layout: ParameterLayout
    public let batch: Int       // B
    public let seq: Int         // T, the longest window
    public var tau: Double      // τ, the time penalty
    /// Time steps of the last forward window (≤ seq).
    public private(set) var length = 0

    public init(config: ModelConfig, batch: Int, seq: Int, tau: Double = 0) {
        self.config = config
        layout = ParameterLayout(config: config)
        self.batch = batch
        self.seq = seq
        self.tau = tau
        fatalError("Network is being written")
    }

    /// The recurrent state carried into the next window: [L, 2, B, H], per layer h then c.
    public var state: [Scalar] {
        get { fatalError() }
        set { fatalError() }
    }

    /// Zeroes the carried state (the start of a text).
    public func resetState() { fatalError() }

    /// Runs a window of `inputs.count / batch` time steps (time-major: `inputs[t·B + b]`); with `targets`
    /// (the byte after each input) it also computes the loss. Replaces the carried state with the state
    /// after the window.
    @discardableResult
    public func forward(parameters: UnsafeBufferPointer<Scalar>, inputs: UnsafeBufferPointer<UInt8>,
                        targets: UnsafeBufferPointer<UInt8>?) -> WindowLoss {
        fatalError()
    }

    /// Gradients of the last forward window's objective, written over `gradients` (layout order).
    /// Needs that forward to have had targets.
    public func backward(parameters: UnsafeBufferPointer<Scalar>, gradients: UnsafeMutableBufferPointer<Scalar>) {
        fatalError()
    }

    /// The 256 logits at `position` = t·B + b of the last forward window.
    public func logits(at position: Int) -> UnsafeBufferPointer<Scalar> { fatalError() }

    /// −ln p(target) at `position` of the last forward window (which had targets).
    public func nats(at position: Int) -> Double { fatalError() }

    /// ρ = N + R of `layer` (from 0) at every position of the last forward window: [length·B].
    public func rho(layer: Int) -> UnsafeBufferPointer<Float> { fatalError() }

    /// N, the ponder steps of `layer` at every position of the last forward window: [length·B].
    public func steps(layer: Int) -> UnsafeBufferPointer<Int32> { fatalError() }

    /// Floating-point operations of the matrix and elementwise work done so far, forward and backward.
    public private(set) var flops: Double = 0
}

extension Network {
    /// `forward` for arrays (tests and small callers).
    @discardableResult
    public func forward(parameters: [Scalar], inputs: [UInt8], targets: [UInt8]?) -> WindowLoss {
        parameters.withUnsafeBufferPointer { p in
            inputs.withUnsafeBufferPointer { x in
                if let targets {
                    return targets.withUnsafeBufferPointer { forward(parameters: p, inputs: x, targets: $0) }
                }
                return forward(parameters: p, inputs: x, targets: nil)
            }
        }
    }

    /// `backward` for arrays: returns the gradient.
    public func backward(parameters: [Scalar]) -> [Scalar] {
        var g = [Scalar](repeating: 0, count: layout.count)
        parameters.withUnsafeBufferPointer { p in
            g.withUnsafeMutableBufferPointer { backward(parameters: p, gradients: $0) }
        }
        return g
    }
}
