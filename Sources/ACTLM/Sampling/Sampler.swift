import Foundation

/// Picks the next byte from the model's 256 logits, as char-rnn's sampler does: temperature, then an
/// optional top-k cut, then one draw from the softmax. Owns its random source, so the same seed gives
/// the same text. Its scratch memory is allocated once; a call allocates nothing.
public final class Sampler {
    /// Temperatures at or below this pick the most likely byte (1/T would overflow the softmax anyway).
    public static let greedyTemperature: Float = 1e-6

    public let temperature: Float
    public let topK: Int   // 0: all bytes
    public var random: RandomSource

    private let weights: UnsafeMutableBufferPointer<Float>   // [256] unnormalised probabilities
    private let selection: UnsafeMutableBufferPointer<Float> // [256] scratch for finding the k-th largest

    /// - Parameters:
    ///   - temperature: 1 samples the model's distribution; below 1 sharpens it, above 1 flattens it;
    ///     0 always takes the most likely byte.
    ///   - topK: keep only the k most likely bytes (ties broken towards the lower byte); 0 keeps all.
    public init(temperature: Float = 1, topK: Int = 0, seed: UInt64) throws {
        guard temperature.isFinite, temperature >= 0 else { throw ViewError.invalidTemperature(temperature) }
        guard (0...ModelConfig.vocabulary).contains(topK) else { throw ViewError.invalidTopK(topK) }
        self.temperature = temperature
        self.topK = topK
        random = RandomSource(seed: seed)
        weights = .allocate(capacity: ModelConfig.vocabulary)
        selection = .allocate(capacity: ModelConfig.vocabulary)
    }

    deinit {
        weights.deallocate()
        selection.deallocate()
    }

    /// The next byte, drawn from `logits` (one per byte value: `ModelConfig.vocabulary` of them).
    public func next(logits: UnsafeBufferPointer<Float>) -> UInt8 {
        precondition(logits.count == ModelConfig.vocabulary, "one logit per byte value")
        if temperature <= Self.greedyTemperature { return argmax(logits) }
        let n = logits.count

        // Only logits at or above the k-th largest survive; among ties at that value, the lowest bytes.
        var threshold = -Float.infinity
        var tiesAllowed = n
        if topK > 0 && topK < n {
            threshold = kthLargest(logits, k: topK)
            var above = 0
            for i in 0..<n where logits[i] > threshold { above += 1 }
            tiesAllowed = topK - above
        }

        // Stable softmax: subtracting the maximum keeps every exponent at or below 0.
        let maximum = logits.max()!
        let inverseT = 1 / temperature
        var total: Float = 0
        for i in 0..<n {
            var keep = logits[i] > threshold
            if !keep && logits[i] == threshold && tiesAllowed > 0 {
                keep = true
                tiesAllowed -= 1
            }
            let w = keep ? expf((logits[i] - maximum) * inverseT) : 0
            weights[i] = w
            total += w
        }
        guard total > 0, total.isFinite else { return argmax(logits) }

        // Walk the cumulative weights to a uniform point; rounding can leave it past the last kept byte.
        let u = random.nextUnitFloat() * total
        var cumulative: Float = 0
        var last = 0
        for i in 0..<n where weights[i] > 0 {
            cumulative += weights[i]
            last = i
            if u < cumulative { return UInt8(i) }
        }
        return UInt8(last)
    }

    /// The most likely byte; the lowest one among equals.
    private func argmax(_ logits: UnsafeBufferPointer<Float>) -> UInt8 {
        var best = 0
        for i in 1..<logits.count where logits[i] > logits[best] { best = i }
        return UInt8(best)
    }

    /// Quickselect on a scratch copy: the value that k-th place holds when sorted largest first.
    private func kthLargest(_ logits: UnsafeBufferPointer<Float>, k: Int) -> Float {
        _ = selection.initialize(from: logits)
        var lo = 0
        var hi = logits.count - 1
        let target = k - 1
        while lo < hi {
            let pivot = selection[(lo + hi) / 2]
            var i = lo
            var j = hi
            while i <= j {
                while selection[i] > pivot { i += 1 }
                while selection[j] < pivot { j -= 1 }
                if i <= j {
                    selection.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if target <= j { hi = j } else if target >= i { lo = i } else { break }
        }
        return selection[target]
    }
}
