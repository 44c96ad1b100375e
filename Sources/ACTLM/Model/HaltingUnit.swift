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

/// The halting unit of a layer over one ponder step's k rows, forward and backward side by side
/// (docs/act-lstm.md, "Halting"): η = σ(w_η · x + b_η), x what `input` reads of the row's h, c and tanh c
/// ([k, H] each). w_η is [h part ; c part], H each. Made from θ for forward, from θ and its gradient for
/// backward.
public struct HaltingUnit<Scalar: NetworkScalar> {
    /// A block of k rows as forward reads them and backward reads them again, with their η.
    public struct Rows {
        public var count: Int                      // k
        public var h: UnsafePointer<Scalar>        // [k, H] h^n
        public var c: UnsafePointer<Scalar>        // [k, H] c^n
        public var tanhC: UnsafePointer<Scalar>    // [k, H] tanh c^n
        public var eta: UnsafeMutablePointer<Scalar>  // [k] η^n: forward writes it, backward reads it

        public init(count: Int, h: UnsafePointer<Scalar>, c: UnsafePointer<Scalar>, tanhC: UnsafePointer<Scalar>,
                    eta: UnsafeMutablePointer<Scalar>) {
            self.count = count
            self.h = h
            self.c = c
            self.tanhC = tanhC
            self.eta = eta
        }
    }

    public let input: HaltingInput
    public let hidden: Int                       // H
    public let weights: UnsafePointer<Scalar>    // w_η
    public let bias: UnsafePointer<Scalar>       // b_η

    public init(input: HaltingInput, hidden: Int, weights: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>) {
        self.input = input
        self.hidden = hidden
        self.weights = weights
        self.bias = bias
    }

    /// η of the rows into `x.eta`.
    @inline(__always)
    public func forward(_ x: Rows) {
        let H = hidden, k = x.count, w = weights, eta = x.eta
        for j in 0..<k { eta[j] = bias.pointee }
        Scalar.addRowDots(rows: k, count: H, a: x.h, lda: H, x: w, into: eta)
        switch input {
        case .hiddenAndCell: Scalar.addRowDots(rows: k, count: H, a: x.c, lda: H, x: w + H, into: eta)
        case .hiddenAndTanhCell: Scalar.addRowDots(rows: k, count: H, a: x.tanhC, lda: H, x: w + H, into: eta)
        case .hidden: break
        }
        Scalar.sigmoid(eta, count: k)
    }

    /// From dL/dη of the rows (`dEta` [k]), adds the paths through η into their dL/dh and dL/dc (`dh`, `dc`
    /// [k, H]; dc not including the path through h, as `Scalar.lstmCellBackward` takes it) and the gradients
    /// of w_η and b_η into `gWeights` and `gBias`. Rows with dL/dη = 0 (the ones that halted, whose η is not
    /// used) are skipped.
    @inline(__always)
    public func backward(gWeights: UnsafeMutablePointer<Scalar>, gBias: UnsafeMutablePointer<Scalar>, _ x: Rows,
                         dEta: UnsafePointer<Scalar>, dh: UnsafeMutablePointer<Scalar>,
                         dc: UnsafeMutablePointer<Scalar>) {
        let H = hidden, w = weights, wc = w + H, gwc = gWeights + H
        for j in 0..<x.count where dEta[j] != 0 {
            let e = x.eta[j]
            let dz = dEta[j] * e * (1 - e)   // dL/d(w_η · x + b_η)
            let hr = x.h + j * H, dhr = dh + j * H, dcr = dc + j * H
            Scalar.addScaledPair(dz, w, into: dhr, hr, into: gWeights, count: H)
            switch input {
            case .hiddenAndCell:
                Scalar.addScaledPair(dz, wc, into: dcr, x.c + j * H, into: gwc, count: H)
            case .hiddenAndTanhCell:
                Scalar.addScaledThroughTanh(dz, w: wc, tanhC: x.tanhC + j * H, dc: dcr, dw: gwc, count: H)
            case .hidden:
                break
            }
            gBias.pointee += dz
        }
    }
}
