import CBLAS
import Foundation

/// The scalars the network computes in: Float for training, Double for gradient checks. Each brings
/// its BLAS matrix product and its elementwise kernels.
public protocol NetworkScalar: BinaryFloatingPoint, Sendable {
    init(_ value: Double)
    var double: Double { get }
}

extension Float: NetworkScalar {
    @inline(__always) public var double: Double { Double(self) }
}

extension Double: NetworkScalar {
    @inline(__always) public var double: Double { self }
}
