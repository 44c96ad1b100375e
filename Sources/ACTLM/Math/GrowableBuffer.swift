/// A manually managed array for the hot path: a raw pointer that the loops index without bounds checks
/// or copy-on-write, sized once from the configuration and grown (keeping its contents) only when a
/// window ponders more than any before it.
final class GrowableBuffer<Element> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    init(capacity: Int, zero: Element) {
        self.capacity = max(capacity, 1)
        pointer = .allocateAligned(self.capacity)
        pointer.initialize(repeating: zero, count: self.capacity)
        self.zero = zero
    }

    private let zero: Element

    deinit { pointer.deallocate() }

    /// Makes room for at least `count` elements; the first `keep` keep their values.
    func reserve(_ count: Int, keep: Int) {
        guard count > capacity else { return }
        let newCapacity = max(count, capacity * 3 / 2)
        let newPointer = UnsafeMutablePointer<Element>.allocateAligned(newCapacity)
        newPointer.initialize(repeating: zero, count: newCapacity)
        newPointer.update(from: pointer, count: min(keep, capacity))
        pointer.deallocate()
        pointer = newPointer
        capacity = newCapacity
    }

    func fill(_ value: Element, count: Int) {
        pointer.update(repeating: value, count: count)
    }

    @inline(__always) subscript(i: Int) -> Element {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
}

extension UnsafeMutablePointer {
    /// Uninitialised memory for `count` elements starting on a cache line (64 bytes), freed with
    /// `deallocate()`. A large block from malloc starts 16 bytes into a page, and then every other
    /// 32-byte load of the matrix kernels would straddle two cache lines.
    static func allocateAligned(_ count: Int) -> UnsafeMutablePointer<Pointee> {
        UnsafeMutableRawPointer.allocate(byteCount: Swift.max(count, 1) * MemoryLayout<Pointee>.stride, alignment: 64)
            .bindMemory(to: Pointee.self, capacity: count)
    }
}

extension UnsafeMutablePointer where Pointee: ExpressibleByIntegerLiteral {
    /// `count` zeroed elements: a buffer of fixed size, planned from the config and freed by its owner.
    static func zeroed(_ count: Int) -> UnsafeMutablePointer<Pointee> {
        let p = UnsafeMutablePointer<Pointee>.allocateAligned(count)
        p.initialize(repeating: 0, count: count)
        return p
    }
}
