import Foundation

/// The shape of one matrix product, C[m, n] ← op(A)[m, k] · op(B)[k, n].
public struct GEMMShape: Hashable, Sendable, CustomStringConvertible {
    public let transposeA: Bool
    public let transposeB: Bool
    public let m: Int
    public let n: Int
    public let k: Int
    /// B was packed beforehand (`PackedMatrix`), once for many products.
    public var packedB = false

    public init(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, packedB: Bool = false) {
        self.transposeA = transposeA
        self.transposeB = transposeB
        self.m = m
        self.n = n
        self.k = k
        self.packedB = packedB
    }

    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    public var description: String {
        "\(m)×\(n)×\(k)\(transposeA ? " Aᵀ" : "")\(transposeB ? " Bᵀ" : "")\(packedB ? " packed" : "")"
    }
}

/// Counts a network's Float matrix products by shape while a bench listens (`Network.productRecorder`),
/// so that it can time the products alone on exactly the shapes, and in the proportions, training used.
public final class ProductRecorder: @unchecked Sendable {
    private var counts: [GEMMShape: Int] = [:]
    /// The layer wavefront multiplies from several threads.
    private let lock = NSLock()

    public init() {}

    func record(_ shape: GEMMShape) {
        lock.lock()
        defer { lock.unlock() }
        counts[shape, default: 0] += 1
    }

    /// The products recorded so far, by shape.
    public var shapes: [GEMMShape: Int] {
        lock.lock()
        defer { lock.unlock() }
        return counts
    }
}
