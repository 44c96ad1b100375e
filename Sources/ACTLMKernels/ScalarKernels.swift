/// The kernels as generic model code calls them (`Scalar.lstmCellForward(…)`): each requirement is met by
/// the Float or Double function of that name in this module, which runs the loops itself, so a call from
/// the model reaches the loops in one step and they keep this module's -Ounchecked.
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
    static func softmaxEntropy(_ z: UnsafePointer<Self>, count: Int, logSumExp: Self) -> Self
}

extension Float: ScalarKernels {}
extension Double: ScalarKernels {}
