import ACTLMKernels

/// The ACTLMKernels loops (built with -Ounchecked, see Package.swift) for generic model code: each
/// requirement is the Float or the Double kernel of the same name.
public protocol ScalarKernels {
    static func lstmCellForward(rows k: Int, hidden H: Int, gates: UnsafeMutablePointer<Self>,
                                cPrev: UnsafePointer<Self>, c: UnsafeMutablePointer<Self>,
                                tanhC: UnsafeMutablePointer<Self>, h: UnsafeMutablePointer<Self>)
    static func lstmCellBackward(rows k: Int, hidden H: Int, gates: UnsafePointer<Self>, cPrev: UnsafePointer<Self>,
                                 tanhC: UnsafePointer<Self>, dh: UnsafePointer<Self>, dc: UnsafePointer<Self>,
                                 da: UnsafeMutablePointer<Self>, dcPrev: UnsafeMutablePointer<Self>)
    static func sigmoid(_ x: UnsafeMutablePointer<Self>, count: Int)
    static func addScaledPair(_ a: Self, _ x1: UnsafePointer<Self>, into y1: UnsafeMutablePointer<Self>,
                              _ x2: UnsafePointer<Self>, into y2: UnsafeMutablePointer<Self>, count: Int)
    static func addScaledThroughTanh(_ a: Self, w: UnsafePointer<Self>, tanhC: UnsafePointer<Self>,
                                     dc: UnsafeMutablePointer<Self>, dw: UnsafeMutablePointer<Self>, count: Int)
    static func addRowDots(rows: Int, count: Int, a: UnsafePointer<Self>, lda: Int, x: UnsafePointer<Self>,
                           into y: UnsafeMutablePointer<Self>)
    static func logSumExp(_ z: UnsafePointer<Self>, count: Int) -> Self
    static func dotOfDifferences(_ a: UnsafePointer<Self>, _ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>,
                                 _ b: UnsafePointer<Self>, _ u: UnsafePointer<Self>, _ v: UnsafePointer<Self>,
                                 count: Int) -> Self
    static func softmaxGradient(_ z: UnsafeMutablePointer<Self>, count: Int, logSumExp: Self, target: Int,
                                scale: Self, biasGradient: UnsafeMutablePointer<Self>)
}

extension Float: ScalarKernels {
    @inline(__always)
    public static func lstmCellForward(rows k: Int, hidden H: Int, gates: UnsafeMutablePointer<Float>,
                                       cPrev: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                                       tanhC: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        Kernels.lstmCellForward(rows: k, hidden: H, gates: gates, cPrev: cPrev, c: c, tanhC: tanhC, h: h)
    }

    @inline(__always)
    public static func lstmCellBackward(rows k: Int, hidden H: Int, gates: UnsafePointer<Float>,
                                        cPrev: UnsafePointer<Float>, tanhC: UnsafePointer<Float>,
                                        dh: UnsafePointer<Float>, dc: UnsafePointer<Float>,
                                        da: UnsafeMutablePointer<Float>, dcPrev: UnsafeMutablePointer<Float>) {
        Kernels.lstmCellBackward(rows: k, hidden: H, gates: gates, cPrev: cPrev, tanhC: tanhC, dh: dh, dc: dc,
                                 da: da, dcPrev: dcPrev)
    }

    @inline(__always)
    public static func sigmoid(_ x: UnsafeMutablePointer<Float>, count: Int) { Kernels.sigmoid(x, count: count) }

    @inline(__always)
    public static func addScaledPair(_ a: Float, _ x1: UnsafePointer<Float>, into y1: UnsafeMutablePointer<Float>,
                                     _ x2: UnsafePointer<Float>, into y2: UnsafeMutablePointer<Float>, count: Int) {
        Kernels.addScaledPair(a, x1, into: y1, x2, into: y2, count: count)
    }

    @inline(__always)
    public static func addScaledThroughTanh(_ a: Float, w: UnsafePointer<Float>, tanhC: UnsafePointer<Float>,
                                            dc: UnsafeMutablePointer<Float>, dw: UnsafeMutablePointer<Float>,
                                            count: Int) {
        Kernels.addScaledThroughTanh(a, w: w, tanhC: tanhC, dc: dc, dw: dw, count: count)
    }

    @inline(__always)
    public static func addRowDots(rows: Int, count: Int, a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
                                  into y: UnsafeMutablePointer<Float>) {
        Kernels.addRowDots(rows: rows, count: count, a: a, lda: lda, x: x, into: y)
    }

    @inline(__always)
    public static func logSumExp(_ z: UnsafePointer<Float>, count: Int) -> Float {
        Kernels.logSumExp(z, count: count)
    }

    @inline(__always)
    public static func dotOfDifferences(_ a: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                        _ b: UnsafePointer<Float>, _ u: UnsafePointer<Float>, _ v: UnsafePointer<Float>,
                                        count: Int) -> Float {
        Kernels.dotOfDifferences(a, x, y, b, u, v, count: count)
    }

    @inline(__always)
    public static func softmaxGradient(_ z: UnsafeMutablePointer<Float>, count: Int, logSumExp: Float, target: Int,
                                       scale: Float, biasGradient: UnsafeMutablePointer<Float>) {
        Kernels.softmaxGradient(z, count: count, logSumExp: logSumExp, target: target, scale: scale,
                                biasGradient: biasGradient)
    }
}

extension Double: ScalarKernels {
    @inline(__always)
    public static func lstmCellForward(rows k: Int, hidden H: Int, gates: UnsafeMutablePointer<Double>,
                                       cPrev: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>,
                                       tanhC: UnsafeMutablePointer<Double>, h: UnsafeMutablePointer<Double>) {
        Kernels.lstmCellForward(rows: k, hidden: H, gates: gates, cPrev: cPrev, c: c, tanhC: tanhC, h: h)
    }

    @inline(__always)
    public static func lstmCellBackward(rows k: Int, hidden H: Int, gates: UnsafePointer<Double>,
                                        cPrev: UnsafePointer<Double>, tanhC: UnsafePointer<Double>,
                                        dh: UnsafePointer<Double>, dc: UnsafePointer<Double>,
                                        da: UnsafeMutablePointer<Double>, dcPrev: UnsafeMutablePointer<Double>) {
        Kernels.lstmCellBackward(rows: k, hidden: H, gates: gates, cPrev: cPrev, tanhC: tanhC, dh: dh, dc: dc,
                                 da: da, dcPrev: dcPrev)
    }

    @inline(__always)
    public static func sigmoid(_ x: UnsafeMutablePointer<Double>, count: Int) { Kernels.sigmoid(x, count: count) }

    @inline(__always)
    public static func addScaledPair(_ a: Double, _ x1: UnsafePointer<Double>, into y1: UnsafeMutablePointer<Double>,
                                     _ x2: UnsafePointer<Double>, into y2: UnsafeMutablePointer<Double>, count: Int) {
        Kernels.addScaledPair(a, x1, into: y1, x2, into: y2, count: count)
    }

    @inline(__always)
    public static func addScaledThroughTanh(_ a: Double, w: UnsafePointer<Double>, tanhC: UnsafePointer<Double>,
                                            dc: UnsafeMutablePointer<Double>, dw: UnsafeMutablePointer<Double>,
                                            count: Int) {
        Kernels.addScaledThroughTanh(a, w: w, tanhC: tanhC, dc: dc, dw: dw, count: count)
    }

    @inline(__always)
    public static func addRowDots(rows: Int, count: Int, a: UnsafePointer<Double>, lda: Int, x: UnsafePointer<Double>,
                                  into y: UnsafeMutablePointer<Double>) {
        Kernels.addRowDots(rows: rows, count: count, a: a, lda: lda, x: x, into: y)
    }

    @inline(__always)
    public static func logSumExp(_ z: UnsafePointer<Double>, count: Int) -> Double {
        Kernels.logSumExp(z, count: count)
    }

    @inline(__always)
    public static func dotOfDifferences(_ a: UnsafePointer<Double>, _ x: UnsafePointer<Double>,
                                        _ y: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
                                        _ u: UnsafePointer<Double>, _ v: UnsafePointer<Double>,
                                        count: Int) -> Double {
        Kernels.dotOfDifferences(a, x, y, b, u, v, count: count)
    }

    @inline(__always)
    public static func softmaxGradient(_ z: UnsafeMutablePointer<Double>, count: Int, logSumExp: Double, target: Int,
                                       scale: Double, biasGradient: UnsafeMutablePointer<Double>) {
        Kernels.softmaxGradient(z, count: count, logSumExp: logSumExp, target: target, scale: scale,
                                biasGradient: biasGradient)
    }
}
