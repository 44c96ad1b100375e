/// What the halting unit reads of a ponder step's state (`ModelConfig.haltingInput`, `--halting-input`):
/// the parameter layout sizes w_η from it and `HaltingUnit` forward and backward follow it. The paper
/// allows reading part of the state ("some columns of W_h may be fixed to zero").
public enum HaltingInput: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    /// [h ; c], as in the paper.
    case hiddenAndCell = "h-c"
    /// h only.
    case hidden = "h"
    /// [h ; tanh c]: the cell's state bounded to (−1, 1), as the output gate sees it.
    case hiddenAndTanhCell = "h-tanh-c"

    public var description: String { rawValue }

    /// Length of w_η for H hidden units.
    public func weightCount(hidden H: Int) -> Int {
        self == .hidden ? H : 2 * H
    }
}

/// Which halting unit decides a layer's ponder steps (`ModelConfig.haltingScope`, `--halting-scope`).
public enum HaltingScope: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    /// Every layer has a halting unit of its own and ponders on its own (docs/act-lstm.md, "A stack").
    case layer
    /// Layer 1's halting unit decides for the whole stack, as the paper's ACT around one transition of
    /// the network: every layer above takes layer 1's ponder steps with layer 1's weights p^n, and its
    /// share of ∂L/∂η goes back to layer 1's unit. Those layers have no halting unit of their own.
    case stack

    public var description: String { rawValue }
}

/// The halting unit of one ponder step over k rows, forward and backward side by side (docs/act-lstm.md,
/// "Halting"): η = σ(w_η · x + b_η), x what `HaltingInput` reads of the row's h, c and tanh c ([k, H] each).
/// w_η is [h part ; c part], H each.
public enum HaltingUnit<Scalar: NetworkScalar> {
    /// Writes η of the k rows into `eta` [k].
    @inline(__always)
    public static func forward(rows k: Int, hidden H: Int, h: UnsafePointer<Scalar>, c: UnsafePointer<Scalar>,
                        tanhC: UnsafePointer<Scalar>, weights w: UnsafePointer<Scalar>, bias: Scalar,
                        eta: UnsafeMutablePointer<Scalar>, input: HaltingInput) {
        for j in 0..<k { eta[j] = bias }
        Scalar.addRowDots(rows: k, count: H, a: h, lda: H, x: w, into: eta)
        switch input {
        case .hiddenAndCell: Scalar.addRowDots(rows: k, count: H, a: c, lda: H, x: w + H, into: eta)
        case .hiddenAndTanhCell: Scalar.addRowDots(rows: k, count: H, a: tanhC, lda: H, x: w + H, into: eta)
        case .hidden: break
        }
        Scalar.sigmoid(eta, count: k)
    }

    /// From dL/dη of the k rows (`dEta` [k]), adds the paths through η into dL/dh and dL/dc of the rows
    /// (`dh`, `dc` [k, H]; dc not including the path through h, as `Scalar.lstmCellBackward` takes it) and the
    /// gradients of w_η and b_η into `dWeights` and `dBias`. Rows with dL/dη = 0 (the ones that halted,
    /// whose η is not used) are skipped.
    @inline(__always)
    public static func backward(rows k: Int, hidden H: Int, h: UnsafePointer<Scalar>, c: UnsafePointer<Scalar>,
                         tanhC: UnsafePointer<Scalar>, eta: UnsafePointer<Scalar>, weights w: UnsafePointer<Scalar>,
                         dEta: UnsafePointer<Scalar>, dh: UnsafeMutablePointer<Scalar>, dc: UnsafeMutablePointer<Scalar>,
                         dWeights dw: UnsafeMutablePointer<Scalar>, dBias: UnsafeMutablePointer<Scalar>,
                         input: HaltingInput) {
        let wc = w + H, dwc = dw + H
        for j in 0..<k where dEta[j] != 0 {
            let e = eta[j]
            let dz = dEta[j] * e * (1 - e)   // dL/d(w_η · x + b_η)
            let hr = h + j * H, dhr = dh + j * H, dcr = dc + j * H
            Scalar.addScaledPair(dz, w, into: dhr, hr, into: dw, count: H)
            switch input {
            case .hiddenAndCell:
                Scalar.addScaledPair(dz, wc, into: dcr, c + j * H, into: dwc, count: H)
            case .hiddenAndTanhCell:
                Scalar.addScaledThroughTanh(dz, w: wc, tanhC: tanhC + j * H, dc: dcr, dw: dwc, count: H)
            case .hidden:
                break
            }
            dBias.pointee += dz
        }
    }
}
