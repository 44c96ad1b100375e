/// Sums over a vector. A loop into one accumulator is a chain of dependent additions the compiler may not
/// reorder (floating-point addition is not associative), so it neither vectorises nor keeps the adders
/// busy; these keep eight independent partial sums (a vector register of Floats) and add them at the end.
enum Reductions<Scalar: KernelScalar> {
    /// log Σ_v exp(z_v), shifted by the maximum so no exponential overflows.
    @inline(__always)
    static func logSumExp(_ z: UnsafePointer<Scalar>, count: Int) -> Scalar {
        var m0 = z[0], m1 = z[0], m2 = z[0], m3 = z[0], m4 = z[0], m5 = z[0], m6 = z[0], m7 = z[0]
        var i = 0
        while i + 8 <= count {
            m0 = max(m0, z[i]); m1 = max(m1, z[i + 1]); m2 = max(m2, z[i + 2]); m3 = max(m3, z[i + 3])
            m4 = max(m4, z[i + 4]); m5 = max(m5, z[i + 5]); m6 = max(m6, z[i + 6]); m7 = max(m7, z[i + 7])
            i += 8
        }
        while i < count {
            m0 = max(m0, z[i])
            i += 1
        }
        let maximum = max(max(max(m0, m1), max(m2, m3)), max(max(m4, m5), max(m6, m7)))

        var s0 = Scalar(0), s1 = Scalar(0), s2 = Scalar(0), s3 = Scalar(0)
        var s4 = Scalar(0), s5 = Scalar(0), s6 = Scalar(0), s7 = Scalar(0)
        i = 0
        while i + 8 <= count {
            s0 += Scalar.exponential(z[i] - maximum); s1 += Scalar.exponential(z[i + 1] - maximum)
            s2 += Scalar.exponential(z[i + 2] - maximum); s3 += Scalar.exponential(z[i + 3] - maximum)
            s4 += Scalar.exponential(z[i + 4] - maximum); s5 += Scalar.exponential(z[i + 5] - maximum)
            s6 += Scalar.exponential(z[i + 6] - maximum); s7 += Scalar.exponential(z[i + 7] - maximum)
            i += 8
        }
        while i < count {
            s0 += Scalar.exponential(z[i] - maximum)
            i += 1
        }
        let sum = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
        return maximum + Scalar.logarithm(sum)
    }

    /// ⟨a, x⟩ over `count` entries.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Scalar>, _ x: UnsafePointer<Scalar>, count: Int) -> Scalar {
        var s0 = Scalar(0), s1 = Scalar(0), s2 = Scalar(0), s3 = Scalar(0)
        var s4 = Scalar(0), s5 = Scalar(0), s6 = Scalar(0), s7 = Scalar(0)
        var i = 0
        while i + 8 <= count {
            s0 += a[i] * x[i]; s1 += a[i + 1] * x[i + 1]; s2 += a[i + 2] * x[i + 2]; s3 += a[i + 3] * x[i + 3]
            s4 += a[i + 4] * x[i + 4]; s5 += a[i + 5] * x[i + 5]; s6 += a[i + 6] * x[i + 6]; s7 += a[i + 7] * x[i + 7]
            i += 8
        }
        while i < count {
            s0 += a[i] * x[i]
            i += 1
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
    }

    /// ⟨a, x − y⟩ + ⟨b, u − v⟩ over `count` entries each.
    @inline(__always)
    static func dotOfDifferences(
        _ a: UnsafePointer<Scalar>, _ x: UnsafePointer<Scalar>, _ y: UnsafePointer<Scalar>,
        _ b: UnsafePointer<Scalar>, _ u: UnsafePointer<Scalar>, _ v: UnsafePointer<Scalar>, count: Int
    ) -> Scalar {
        var s0 = Scalar(0), s1 = Scalar(0), s2 = Scalar(0), s3 = Scalar(0)
        var s4 = Scalar(0), s5 = Scalar(0), s6 = Scalar(0), s7 = Scalar(0)
        @inline(__always) func term(_ q: Int) -> Scalar { a[q] * (x[q] - y[q]) + b[q] * (u[q] - v[q]) }
        var i = 0
        while i + 8 <= count {
            s0 += term(i); s1 += term(i + 1); s2 += term(i + 2); s3 += term(i + 3)
            s4 += term(i + 4); s5 += term(i + 5); s6 += term(i + 6); s7 += term(i + 7)
            i += 8
        }
        while i < count {
            s0 += term(i)
            i += 1
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
    }
}

extension Float {
    /// y_i += ⟨a_i, x⟩ for the `rows` rows of a (`count` entries each, `lda` apart). Each row is summed
    /// on its own, so its result does not depend on how many rows are beside it (the halting unit's
    /// logits agree bit for bit between one stream and many).
    @inline(never)
    public static func addRowDots(rows: Int, count: Int, a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
                                  into y: UnsafeMutablePointer<Float>) {
        for i in 0..<rows { y[i] += Reductions.dot(a + i * lda, x, count: count) }
    }

    /// log Σ_v exp(z_v) over `count` entries, without overflow.
    @inline(never)
    public static func logSumExp(_ z: UnsafePointer<Float>, count: Int) -> Float {
        Reductions.logSumExp(z, count: count)
    }

    /// ⟨a, x − y⟩ + ⟨b, u − v⟩ over `count` entries each.
    @inline(never)
    public static func dotOfDifferences(_ a: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                        _ b: UnsafePointer<Float>, _ u: UnsafePointer<Float>, _ v: UnsafePointer<Float>,
                                        count: Int) -> Float {
        Reductions.dotOfDifferences(a, x, y, b, u, v, count: count)
    }
}

extension Double {
    @inline(never)
    public static func addRowDots(rows: Int, count: Int, a: UnsafePointer<Double>, lda: Int,
                                  x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        for i in 0..<rows { y[i] += Reductions.dot(a + i * lda, x, count: count) }
    }

    @inline(never)
    public static func logSumExp(_ z: UnsafePointer<Double>, count: Int) -> Double {
        Reductions.logSumExp(z, count: count)
    }

    @inline(never)
    public static func dotOfDifferences(_ a: UnsafePointer<Double>, _ x: UnsafePointer<Double>,
                                        _ y: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
                                        _ u: UnsafePointer<Double>, _ v: UnsafePointer<Double>,
                                        count: Int) -> Double {
        Reductions.dotOfDifferences(a, x, y, b, u, v, count: count)
    }
}
