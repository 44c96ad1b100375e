/// Short elementwise loops the model runs per row: the halting unit's σ and its backward, and the
/// mean-field mix (each row added into h_t, c_t with its p^n) and its backward.
enum ElementwiseKernel<Scalar: KernelScalar> {
    @inline(__always)
    static func sigmoid(_ x: UnsafeMutablePointer<Scalar>, count: Int) {
        for j in 0..<count { x[j] = Scalar.sigmoid(x[j]) }
    }

    @inline(__always)
    static func addScaledPair(_ a: Scalar, _ x1: UnsafePointer<Scalar>, into y1: UnsafeMutablePointer<Scalar>,
                              _ x2: UnsafePointer<Scalar>, into y2: UnsafeMutablePointer<Scalar>, count: Int) {
        for q in 0..<count {
            y1[q] += a * x1[q]
            y2[q] += a * x2[q]
        }
    }

    @inline(__always)
    static func addScaledThroughTanh(_ a: Scalar, w: UnsafePointer<Scalar>, tanhC t: UnsafePointer<Scalar>,
                                     dc: UnsafeMutablePointer<Scalar>, dw: UnsafeMutablePointer<Scalar>, count: Int) {
        for q in 0..<count {
            dc[q] += a * w[q] * (1 - t[q] * t[q])
            dw[q] += a * t[q]
        }
    }
}

extension Float {
    /// x ← σ(x), elementwise.
    @inline(never)
    public static func sigmoid(_ x: UnsafeMutablePointer<Float>, count: Int) {
        ElementwiseKernel.sigmoid(x, count: count)
    }

    /// y1 += a·x1 and y2 += a·x2 over `count` entries, in one pass.
    @inline(never)
    public static func addScaledPair(_ a: Float, _ x1: UnsafePointer<Float>, into y1: UnsafeMutablePointer<Float>,
                                     _ x2: UnsafePointer<Float>, into y2: UnsafeMutablePointer<Float>, count: Int) {
        ElementwiseKernel.addScaledPair(a, x1, into: y1, x2, into: y2, count: count)
    }

    /// The path of dz = dL/d(w · tanh c) back: dc += dz·w·(1 − tanh²c) and dw += dz·tanh c.
    @inline(never)
    public static func addScaledThroughTanh(_ a: Float, w: UnsafePointer<Float>, tanhC: UnsafePointer<Float>,
                                            dc: UnsafeMutablePointer<Float>, dw: UnsafeMutablePointer<Float>,
                                            count: Int) {
        ElementwiseKernel.addScaledThroughTanh(a, w: w, tanhC: tanhC, dc: dc, dw: dw, count: count)
    }
}

extension Double {
    @inline(never)
    public static func sigmoid(_ x: UnsafeMutablePointer<Double>, count: Int) {
        ElementwiseKernel.sigmoid(x, count: count)
    }

    @inline(never)
    public static func addScaledPair(_ a: Double, _ x1: UnsafePointer<Double>, into y1: UnsafeMutablePointer<Double>,
                                     _ x2: UnsafePointer<Double>, into y2: UnsafeMutablePointer<Double>, count: Int) {
        ElementwiseKernel.addScaledPair(a, x1, into: y1, x2, into: y2, count: count)
    }

    @inline(never)
    public static func addScaledThroughTanh(_ a: Double, w: UnsafePointer<Double>, tanhC: UnsafePointer<Double>,
                                            dc: UnsafeMutablePointer<Double>, dw: UnsafeMutablePointer<Double>,
                                            count: Int) {
        ElementwiseKernel.addScaledThroughTanh(a, w: w, tanhC: tanhC, dc: dc, dw: dw, count: count)
    }
}
