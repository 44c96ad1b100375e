/// Every byte's ponder, surprise and predictive entropy over the first `capacity` bytes of a text, in text
/// order: what `PonderSignalMetrics` needs to say how well ρ, N, the losses and the entropy mark word
/// boundaries. Fed the rows of
/// a `TextScorer` run (eval) or made from a checkpoint's `PonderTrace` (inspect, the run report).
///
/// Exact ROC AUCs need every value, so memory grows with the text, up to `capacity` bytes (about 26 bytes
/// kept per byte of a two-layer model); bytes past it are counted but not kept.
public struct PonderSignals: Sendable {
    /// 1 MiB: five times the held-out Wikipedia of `make experiment`, and small enough that `eval` of
    /// a long text from standard input stays within a few tens of MB.
    public static let defaultCapacity = 1 << 20

    public let layers: Int
    public let capacity: Int
    /// Bytes of the text seen, kept or not.
    public private(set) var textBytes: Int64 = 0
    /// False when the source had no losses (a trace written before they were recorded).
    public let hasLosses: Bool

    var bytes: [UInt8] = []               // [n]
    var classes: [CharacterClass] = []    // [n] each byte's class after the byte before it
    var bits: [Float] = []                // [n] −log2 p(byte | bytes before); NaN where nothing predicted it
    var entropy: [Float] = []             // [n] −Σ p log2 p of the prediction made at the byte; NaN if none
    var rho: [[Float]]                    // [L][n]
    var steps: [[Int32]]                  // [L][n]
    private var previous = TextScorer.before

    public init(layers: Int, capacity: Int = PonderSignals.defaultCapacity) {
        precondition(layers >= 1 && capacity >= 0, "PonderSignals needs a layer and a capacity of 0 or more")
        self.layers = layers
        self.capacity = capacity
        hasLosses = true
        rho = Array(repeating: [], count: layers)
        steps = Array(repeating: [], count: layers)
    }

    /// Bytes kept.
    public var count: Int { bytes.count }

    /// Adds the next row of the text.
    public mutating func add(_ row: PonderMapRow) {
        precondition(row.layers == layers, "a row of \(row.layers) layers for signals of \(layers)")
        textBytes += 1
        let kind = CharacterClass.classify(previous: previous, current: row.byte)
        previous = row.byte
        guard bytes.count < capacity else { return }
        bytes.append(row.byte)
        classes.append(kind)
        bits.append(row.bits ?? .nan)
        entropy.append(row.entropy ?? .nan)
        for l in 0..<layers {
            rho[l].append(row.rho[l])
            steps[l].append(row.steps[l])
        }
    }

    /// The recorded excerpt of a checkpoint, which is the start of its held-out text (so its first byte
    /// follows a newline, as the scorer has it). A trace without losses gives signals without them.
    public init(trace: PonderTrace) {
        self.init(layers: trace.layers, capacity: trace.text.count, hasLosses: trace.bits != nil)
        let rho = (0..<layers).map { Array(trace.rho(layer: $0)) }
        let steps = (0..<layers).map { Array(trace.steps(layer: $0)) }
        for (i, byte) in trace.text.enumerated() {
            add(PonderMapRow(offset: Int64(i), byte: byte, bits: trace.bits.flatMap { $0[i].isNaN ? nil : $0[i] },
                             rho: rho.map { $0[i] }, steps: steps.map { $0[i] },
                             entropy: trace.entropy.flatMap { $0[i].isNaN ? nil : $0[i] }))
        }
    }

    private init(layers: Int, capacity: Int, hasLosses: Bool) {
        self.layers = layers
        self.capacity = capacity
        self.hasLosses = hasLosses
        rho = Array(repeating: [], count: layers)
        steps = Array(repeating: [], count: layers)
    }

    /// The positions the metrics measure: every kept byte whose own surprise and next-step loss are both
    /// known (all but the text's first and last byte, and the last byte kept), or, without losses, every
    /// kept byte.
    func measured() -> [Int] {
        guard hasLosses else { return Array(bytes.indices) }
        return bytes.indices.dropLast().filter { bits[$0].isFinite && bits[$0 + 1].isFinite }
    }

    public func metrics() -> PonderSignalMetrics { PonderSignalMetrics(self) }
}
