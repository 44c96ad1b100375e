import ACTLMKernels
import Foundation

/// Adam with bias correction (Kingma & Ba 2015) over the model's one flat parameter buffer, with optional
/// decoupled weight decay (AdamW: the decay is not scaled by the adaptive denominator).
///
///     m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
///     θ ← θ − lr · ( m/(1 − β1^t) / (√(v/(1 − β2^t)) + ε) + λ·θ )
public struct Adam: Equatable, Sendable {
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    /// λ; 0 gives plain Adam.
    public var weightDecay: Float
    /// Updates taken so far (t after an update).
    public private(set) var step: Int
    /// First moment, one per parameter.
    public private(set) var m: [Float]
    /// Second moment, one per parameter.
    public private(set) var v: [Float]

    public init(parameterCount: Int, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        step = 0
        m = Array(repeating: 0, count: parameterCount)
        v = Array(repeating: 0, count: parameterCount)
    }

    public var parameterCount: Int { m.count }

    /// Below this many parameters a thread's share is not worth handing out.
    static let elementsPerThread = 1 << 16

    /// A part of the parameters that learns at `scale` times the learning rate (0 freezes it).
    public struct RateScale: Equatable, Sendable {
        public var range: Range<Int>
        public var scale: Float

        public init(_ range: Range<Int>, _ scale: Float) {
            self.range = range
            self.scale = scale
        }
    }

    /// One update of `parameters` from `gradients` (both `parameterCount` long). The parts named in
    /// `scaled` (disjoint) take steps `scale` times as large; their moments are kept as for the rest.
    /// `threads` share the parameters out (each is updated alike on any thread).
    public mutating func update(parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>,
                                learningRate: Float, scaled: [RateScale] = [], threads: Int = 1) {
        precondition(parameters.count == parameterCount && gradients.count == parameterCount,
                     "Adam: \(parameters.count) parameters and \(gradients.count) gradients for \(parameterCount) moments")
        step += 1
        // Bias corrections in Double: β^t underflows gracefully and 1 − β2^t is tiny early on.
        let correction1 = 1 - pow(Double(beta1), Double(step))
        let correction2 = 1 - pow(Double(beta2), Double(step))
        let inverseRoot2 = Float(1 / correction2.squareRoot())
        var segments: [(range: Range<Int>, rate: Float)] = []
        var next = 0
        for part in scaled.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            segments.append((next..<part.range.lowerBound, learningRate))
            segments.append((part.range, learningRate * part.scale))
            next = part.range.upperBound
        }
        segments.append((next..<parameterCount, learningRate))
        guard let theta = parameters.baseAddress, let g = gradients.baseAddress else { return }
        let b1 = beta1, b2 = beta2, c1 = 1 - beta1, c2 = 1 - beta2, eps = epsilon, decay = weightDecay
        let count = parameterCount, parts = count >= Self.elementsPerThread ? threads : 1
        m.withUnsafeMutableBufferPointer { mBuffer in
            v.withUnsafeMutableBufferPointer { vBuffer in
                let mp = mBuffer.baseAddress!, vp = vBuffer.baseAddress!
                ParallelParts.split(count, parts: parts) { share in
                    for (segment, rate) in segments {
                        let range = segment.clamped(to: share)
                        guard !range.isEmpty else { continue }
                        // √v̂ = √v / √(1 − β2^t), and the 1/(1 − β1^t) of m̂ folds into the step size.
                        let stepSize = Float(Double(rate) / correction1)
                        let keep = 1 - rate * decay
                        Kernels.adamUpdate(range, parameters: theta, gradients: g, m: mp, v: vp, beta1: b1, beta2: b2,
                                           oneMinusBeta1: c1, oneMinusBeta2: c2, stepSize: stepSize, keep: keep,
                                           inverseRoot2: inverseRoot2, epsilon: eps)
                    }
                }
            }
        }
    }

    public mutating func update(parameters: inout [Float], gradients: [Float], learningRate: Float,
                                scaled: [RateScale] = [], threads: Int = 1) {
        parameters.withUnsafeMutableBufferPointer { parameters in
            gradients.withUnsafeBufferPointer {
                update(parameters: parameters, gradients: $0, learningRate: learningRate, scaled: scaled,
                       threads: threads)
            }
        }
    }

    // MARK: Checkpoint encoding

    static let encodingVersion: UInt32 = 1

    public func encode(into writer: inout ByteWriter) {
        writer.write(Self.encodingVersion)
        writer.write(beta1)
        writer.write(beta2)
        writer.write(epsilon)
        writer.write(weightDecay)
        writer.write(step)
        writer.write(floatArray: m)
        writer.write(floatArray: v)
    }

    public init(from reader: inout ByteReader) throws {
        let start = reader.offset
        let version = try reader.readUInt32()
        guard version == Self.encodingVersion else {
            throw ByteReaderError(problem: .invalid("Adam state version \(version)"), offset: start)
        }
        beta1 = try reader.readFloat()
        beta2 = try reader.readFloat()
        epsilon = try reader.readFloat()
        weightDecay = try reader.readFloat()
        step = try reader.readInt()
        m = try reader.readFloatArray()
        v = try reader.readFloatArray()
        guard step >= 0, m.count == v.count else {
            throw ByteReaderError(problem: .invalid("Adam state of step \(step) with \(m.count) and \(v.count) moments"),
                                  offset: start)
        }
    }
}
