/// The elementwise part of one LSTM step over k rows (`ACTLSTMLayer.cellForward`, `cellBackward`),
/// forward and backward side by side. Gate columns of a row are [i | f | o | g], H each.
enum LSTMCellKernel<Scalar: KernelScalar> {
    @inline(__always)
    static func forward(rows k: Int, hidden H: Int, gates: UnsafeMutablePointer<Scalar>,
                        cPrev: UnsafePointer<Scalar>, c: UnsafeMutablePointer<Scalar>,
                        tanhC: UnsafeMutablePointer<Scalar>, h: UnsafeMutablePointer<Scalar>) {
        for r in 0..<k {
            let a = gates + r * 4 * H
            for j in 0..<(3 * H) { a[j] = Scalar.sigmoid(a[j]) }
            for j in (3 * H)..<(4 * H) { a[j] = Scalar.hyperbolicTangent(a[j]) }
            let cp = cPrev + r * H, cr = c + r * H, tr = tanhC + r * H, hr = h + r * H
            for j in 0..<H {
                let cj = a[H + j] * cp[j] + a[j] * a[3 * H + j]
                cr[j] = cj
                let t = Scalar.hyperbolicTangent(cj)
                tr[j] = t
                hr[j] = a[2 * H + j] * t
            }
        }
    }

    @inline(__always)
    static func backward(rows k: Int, hidden H: Int, gates: UnsafePointer<Scalar>, cPrev: UnsafePointer<Scalar>,
                         tanhC: UnsafePointer<Scalar>, dh: UnsafePointer<Scalar>, dc: UnsafePointer<Scalar>,
                         da: UnsafeMutablePointer<Scalar>, dcPrev: UnsafeMutablePointer<Scalar>) {
        for r in 0..<k {
            let a = gates + r * 4 * H, d = da + r * 4 * H
            let cp = cPrev + r * H, tr = tanhC + r * H, dhr = dh + r * H, dcr = dc + r * H, dcp = dcPrev + r * H
            for j in 0..<H {
                let i = a[j], f = a[H + j], o = a[2 * H + j], g = a[3 * H + j], t = tr[j]
                let dcj = dcr[j] + dhr[j] * o * (1 - t * t)
                d[j] = dcj * g * i * (1 - i)
                d[H + j] = dcj * cp[j] * f * (1 - f)
                d[2 * H + j] = dhr[j] * t * o * (1 - o)
                d[3 * H + j] = dcj * i * (1 - g * g)
                dcp[j] = dcj * f
            }
        }
    }
}

extension Float {
    /// `gates` holds the pre-activations a on entry and σ(a_i), σ(a_f), σ(a_o), tanh(a_g) on return;
    /// writes c = f ⊙ c_prev + i ⊙ g, tanh c and h = o ⊙ tanh(c) of the k rows.
    @inline(never)
    public static func lstmCellForward(rows k: Int, hidden H: Int, gates: UnsafeMutablePointer<Float>,
                                       cPrev: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                                       tanhC: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        LSTMCellKernel.forward(rows: k, hidden: H, gates: gates, cPrev: cPrev, c: c, tanhC: tanhC, h: h)
    }

    /// From dL/dh and dL/dc of the step's outputs (dc not yet including the path through h), writes the
    /// pre-activation gradients `da` [k, 4H] and dL/dc_prev.
    @inline(never)
    public static func lstmCellBackward(rows k: Int, hidden H: Int, gates: UnsafePointer<Float>,
                                        cPrev: UnsafePointer<Float>, tanhC: UnsafePointer<Float>,
                                        dh: UnsafePointer<Float>, dc: UnsafePointer<Float>,
                                        da: UnsafeMutablePointer<Float>, dcPrev: UnsafeMutablePointer<Float>) {
        LSTMCellKernel.backward(rows: k, hidden: H, gates: gates, cPrev: cPrev, tanhC: tanhC, dh: dh, dc: dc,
                                da: da, dcPrev: dcPrev)
    }
}

extension Double {
    @inline(never)
    public static func lstmCellForward(rows k: Int, hidden H: Int, gates: UnsafeMutablePointer<Double>,
                                       cPrev: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>,
                                       tanhC: UnsafeMutablePointer<Double>, h: UnsafeMutablePointer<Double>) {
        LSTMCellKernel.forward(rows: k, hidden: H, gates: gates, cPrev: cPrev, c: c, tanhC: tanhC, h: h)
    }

    @inline(never)
    public static func lstmCellBackward(rows k: Int, hidden H: Int, gates: UnsafePointer<Double>,
                                        cPrev: UnsafePointer<Double>, tanhC: UnsafePointer<Double>,
                                        dh: UnsafePointer<Double>, dc: UnsafePointer<Double>,
                                        da: UnsafeMutablePointer<Double>, dcPrev: UnsafeMutablePointer<Double>) {
        LSTMCellKernel.backward(rows: k, hidden: H, gates: gates, cPrev: cPrev, tanhC: tanhC, dh: dh, dc: dc,
                                da: da, dcPrev: dcPrev)
    }
}
