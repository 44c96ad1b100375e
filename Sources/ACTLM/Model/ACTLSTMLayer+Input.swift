/// A layer's input, forward and backward: layer 1 looks each byte's row of W_x up; a layer above projects
/// the output of the layer below, W_x·u_t + b, one GEMM per chunk of time steps, which the wavefront
/// shares out between the thread of the layer below and this layer's (and passes the gradient down so too).
extension ACTLSTMLayer {
    /// Makes W_x ready for a window's `projectForward` calls, on the thread that makes them (the layer below's).
    func beginProjecting(_ θ: UnsafePointer<Scalar>, length: Int) {
        inputWeights.prepare(θ + parameters.inputWeights.lowerBound, rows: length * batch)
    }

    /// x_t's projection for the whole window: b plus W_x's row for each byte; of the `columns` of the 4H
    /// given, so that threads can share it out (each column adds alike whatever the share).
    func lookupForward(_ θ: UnsafePointer<Scalar>, bytes: UnsafePointer<UInt8>, length: Int, columns: Range<Int>) {
        let G = 4 * H, xProjection = cache.xProjection
        let Wx = θ + parameters.inputWeights.lowerBound, bias = θ + parameters.bias.lowerBound
        for i in 0..<(length * batch) {
            let row = xProjection + i * G, w = Wx + Int(bytes[i]) * G
            for j in columns { row[j] = w[j] + bias[j] }
        }
    }

    /// The byte rows of W_x each add the gradient of their positions' projection, in position order: of
    /// the `columns` given, as `lookupForward`.
    func lookupBackward(_ g: UnsafeMutablePointer<Scalar>, bytes: UnsafePointer<UInt8>, length: Int,
                        columns: Range<Int>) {
        let G = 4 * H, dXProjection = gradients.dXProjection, gWx = g + parameters.inputWeights.lowerBound
        for i in 0..<(length * batch) {
            let dx = dXProjection + i * G, w = gWx + Int(bytes[i]) * G
            for q in columns { w[q] += dx[q] }
        }
    }

    /// The input projection W_x·u_t + b of the time steps `times`, in one GEMM, from `below` [T·B, H]: of
    /// the `columns` of the 4H given (all by default), as the wavefront shares it out between two threads.
    func projectForward(_ θ: UnsafePointer<Scalar>, times: Range<Int>, below: UnsafePointer<Scalar>,
                        columns: Range<Int>? = nil) {
        let H = self.H, G = 4 * H, first = times.lowerBound * batch, rows = times.count * batch
        let columns = columns ?? 0..<G, j0 = columns.lowerBound
        let bias = θ + parameters.bias.lowerBound + j0, xProjection = cache.xProjection + j0
        for i in first..<(first + rows) { (xProjection + i * G).update(from: bias, count: columns.count) }
        inputWeights.multiply(m: rows, a: below + first * H, lda: H, beta: 1, c: cache.xProjection + first * G,
                              ldc: G, columns: columns)
    }

    /// dL/du = dL/d(W_x·u)·W_xᵀ of the time steps `times` (all done), in one GEMM, into `dBelow` [T·B, H]:
    /// of its `columns` (all by default), as `projectForward`.
    func projectBackward(times: Range<Int>, dBelow: UnsafeMutablePointer<Scalar>, columns: Range<Int>? = nil) {
        let H = self.H, G = 4 * H, first = times.lowerBound * batch, rows = times.count * batch
        let columns = columns ?? 0..<H
        inputWeightsTransposed.multiply(m: rows, a: gradients.dXProjection + first * G, lda: G, beta: 0,
                                        c: dBelow + first * H, ldc: H, columns: columns)
    }

    /// The FLOPs of the time steps `times`' input projection, or of the gradient it passes down: 2·rows·4H·H.
    func projectionFlops(_ times: Range<Int>) -> Double {
        2 * Double(times.count * batch * 4 * H * H)
    }

    /// dW_x = Σ_positions u_tᵀ dL/d(W_x·u_t) in one GEMM over the whole window, from `below` [T·B, H].
    func projectWeightGradients(_ g: UnsafeMutablePointer<Scalar>, length: Int, below: UnsafePointer<Scalar>) {
        let H = self.H, G = 4 * H, positions = length * batch
        products.gemm(transposeA: true, transposeB: false, m: H, n: G, k: positions, a: below, lda: H,
                      b: gradients.dXProjection, ldb: G, beta: 1, c: g + parameters.inputWeights.lowerBound, ldc: G)
        flops += 2 * Double(positions * G * H)
    }
}
