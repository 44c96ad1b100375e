import CGEMM

/// Elementwise work between the products (Adam's update) split into contiguous parts on the kernels'
/// thread pool (`actlm_parallel`), the first on the caller's thread. Each element is computed alike in any
/// part, so the split never changes the bits.
enum ParallelParts {
    /// Calls `body(range)` for `parts` even, contiguous shares of `0..<count`, and returns when all are done.
    /// When the pool is busy with another caller's job, the caller runs every share itself.
    static func split(_ count: Int, parts: Int, _ body: (Range<Int>) -> Void) {
        let parts = max(1, min(parts, count))
        guard parts > 1 else {
            body(0..<count)
            return
        }
        func share(_ part: Int) -> Range<Int> { (part * count / parts)..<((part + 1) * count / parts) }
        let ran = withoutActuallyEscaping(body) { body -> Int32 in
            var job: (Int) -> Void = { body(share($0)) }
            return withUnsafeMutablePointer(to: &job) { job in
                actlm_parallel(Int32(parts), { job, part, _ in
                    job!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(part))
                }, job)
            }
        }
        if ran == 0 {
            for part in 0..<parts { body(share(part)) }
        }
    }
}
