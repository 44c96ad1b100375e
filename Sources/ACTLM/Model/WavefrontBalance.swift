/// How a window's input projections are shared between the two threads on either side of a layer
/// boundary, so that neither waits on the other.
///
/// Layer l + 1's input projection (forward, 4H columns) and the gradient it passes down (backward, H
/// columns) are each one product per chunk that either thread could run. Left to the thread below, the
/// thread above waits half of every forward chunk at M = 1 (both layers have the same recurrent work, and
/// only the one below also projects); a layer 1 that ponders longer than layer 2 is a heavier thread still.
/// So the thread below takes the columns before a split point and the thread above the rest, the split
/// set from the work each thread did in the last window. Every column's sums are the same whichever
/// thread runs them, so the split changes speed, never results.
struct WavefrontBalance {
    /// Per layer l ≥ 1 whose thread differs from layer l − 1's: the first column of its input projection
    /// (forward) and of the gradient it passes down (backward) that its own thread computes. nil where
    /// the layers share a thread (it computes all).
    let forwardSplit: [Int?]
    let backwardSplit: [Int?]

    /// Each thread below takes `share` of every projection at its boundary (rounded to whole panels).
    init(share: Double, groups: [Range<Int>], hidden H: Int) {
        self.init(groups: groups) { _, _ in (Self.columns(share: share, of: 4 * H), Self.columns(share: share, of: H)) }
    }

    /// Shared so that the two threads' loads come out even, in units of one row's recurrent product
    /// (2·4H·H FLOPs), from the rows (ponder steps of every stream) each layer ran in its last window.
    /// - `rows[l]`: layer l's rows last window; `positions`: B·T of the coming window (an estimate of
    ///   what each layer's projection and recurrent step cost, with 256 outputs for the layer on top).
    init(groups: [Range<Int>], rows: [Int], positions: Int, hidden H: Int) {
        let G = 4 * H, projection = Double(positions)
        // The output layer's logits (256 columns) and, backward, its gradient and weight gradient.
        let output = projection * Double(ModelConfig.vocabulary) / Double(G)
        func load(_ group: Range<Int>) -> (forward: Double, backward: Double) {
            var forward = 0.0, backward = 0.0
            for l in group {
                let own = Double(max(rows[l], positions))
                forward += own
                backward += 2 * own                          // the recurrent gradient, and dW_h over the window
                if l > 0 {
                    backward += projection                   // dW_x over the window
                    if l - 1 >= group.lowerBound {            // the projection within the thread
                        forward += projection
                        backward += projection
                    }
                }
                if l == rows.count - 1 {
                    forward += output
                    backward += 2 * output
                }
            }
            return (forward, backward)
        }
        /// The columns of `width` the thread below takes so the two loads come out even.
        func split(below: Double, above: Double, width: Int) -> Int {
            Self.columns(share: (above - below + projection) / (2 * projection), of: width)
        }
        self.init(groups: groups) { below, above in
            let lower = load(below), upper = load(above)
            return (split(below: lower.forward, above: upper.forward, width: G),
                    split(below: lower.backward, above: upper.backward, width: H))
        }
    }

    /// The splits `split(below, above)` gives at each boundary between two threads' groups of layers.
    private init(groups: [Range<Int>], split: (Range<Int>, Range<Int>) -> (forward: Int, backward: Int)) {
        let layers = groups.last?.upperBound ?? 0
        var forward = [Int?](repeating: nil, count: layers), backward = forward
        for (below, above) in zip(groups, groups.dropFirst()) {
            (forward[above.lowerBound], backward[above.lowerBound]) = split(below, above)
        }
        forwardSplit = forward
        backwardSplit = backward
    }

    /// `share` of `width` columns, rounded to whole panels (`PackedMatrix.columnAlignment`).
    static func columns(share: Double, of width: Int) -> Int {
        let alignment = PackedMatrix<Float>.columnAlignment, share = min(1, max(0, share))
        return min(width, Int((share * Double(width) / Double(alignment)).rounded()) * alignment)
    }
}
