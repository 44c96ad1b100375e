/// What a checkpoint may claim. Every command that opens a checkpoint goes through `validated()`, which
/// holds the contents to what this actlm itself writes, whoever wrote the file, before anything is sized
/// from them:
///
/// 1. the settings (the small JSON sections, read within a fixed size) within the limits `actlm train`
///    accepts, and the model's settings equal in the "config" and "training" sections;
/// 2. every section's length, as the section table claims it, equal to the exact length a model of
///    those settings has (or within its most, for the history and the trace), before any is inflated;
/// 3. what opening needs planned against the machine's memory;
/// 4. each section inflated and decoded within that length, its counts agreeing with the settings and
///    each other, and its values possible: every weight, moment, carried state, time and ponder
///    statistic finite and in its range.
///
/// A checkpoint that passes runs as one this actlm wrote; any other gets a `CheckpointError` naming the
/// file, the section and the field.
extension CheckpointFile {
    /// The model, and the training state when the file has one (a model-only file has none).
    public struct Validated {
        public let config: ModelConfig
        public let parameters: [Float]
        public let training: TrainingCheckpoint?
    }

    /// The one check every command applies to a checkpoint it opens (see above).
    public func validated() throws -> Validated {
        var check = CheckpointValidation(file: self)
        let config = try check.config()
        guard has(TrainingCheckpoint.Tag.training) else {
            let shape = CheckpointShape(config: config, options: nil)
            try check.lengths(shape)
            return Validated(config: config, parameters: try check.parameters(shape), training: nil)
        }
        let training = try check.training(config: config)
        return Validated(config: config, parameters: training.parameters, training: training)
    }
}

/// The raw length of each section a model of given settings has: exact where the settings decide it,
/// the most it can be for the metrics history and the ponder trace.
struct CheckpointShape {
    let config: ModelConfig
    let options: TrainingOptions?
    let parameterCount: Int

    /// `config` (and `options`) must be within the limits of `ModelConfig.problem` (`TrainingOptions.problem`),
    /// so that no count here can overflow.
    init(config: ModelConfig, options: TrainingOptions?) {
        self.config = config
        self.options = options
        parameterCount = ParameterLayout(config: config).count
    }

    typealias Tag = TrainingCheckpoint.Tag

    /// One metrics record at the least: the fixed fields, and a count and a mean ρ for each layer.
    var metricsRecordBytes: Int { 73 + 8 * config.layers }

    /// The most bytes of the ponder trace's excerpt (the first of the validation bytes).
    var traceText: Int { options.map { min($0.traceChars, $0.validChars, 1 << 32) } ?? 0 }

    /// A count-prefixed array of the parameters.
    var parametersLength: Int { 8 + 4 * parameterCount }
    /// Version, β1, β2, ε, λ, step, and the two moments.
    var adamLength: Int { 4 + 16 + 8 + 2 * parametersLength }

    /// (section, the lengths it may have exactly or none, most length) for every section the file must have.
    func lengths(step: Int) -> [(tag: String, exact: [Int], most: Int)] {
        let L = config.layers, H = config.hidden
        func exact(_ tag: String, _ n: Int) -> (tag: String, exact: [Int], most: Int) { (tag, [n], n) }
        var all = [exact(CheckpointFile.Tag.parameters, parametersLength)]
        guard let options else { return all }
        let B = options.batch, t = traceText
        all += [
            exact(Tag.adam, adamLength),
            exact(Tag.positions, 8 + 8 * B),
            exact(Tag.networkState, 8 + 4 * L * 2 * B * H),
            exact(Tag.random, 32),
            // The current statistics, or those of version 1 (fewer classes).
            (Tag.ponderStats, [PonderStats.encodedLength(layers: L, maxPonder: config.maxPonder),
                               PonderStats.encodedLength(layers: L, maxPonder: config.maxPonder,
                                                         classes: PonderStats.version1Classes)],
             PonderStats.encodedLength(layers: L, maxPonder: config.maxPonder)),
            // Version, layers, then the text, ρ, N, bits and entropy, each count-prefixed.
            (Tag.ponderTrace, [], 48 + t * (9 + 8 * L)),
            // A record every step or so, and one more for each session that stopped at once.
            (Tag.metrics, [], 12 + (2 * min(step, Int(Int32.max)) + 1_024) * metricsRecordBytes),
        ]
        return all
    }
}

/// The checks of `CheckpointFile.validated`, in order.
struct CheckpointValidation {
    let file: CheckpointFile
    let name: String
    typealias Tag = TrainingCheckpoint.Tag

    init(file: CheckpointFile) {
        self.file = file
        name = file.path ?? "checkpoint"
    }

    func invalid(_ section: String, _ field: String, _ detail: String) -> CheckpointError {
        .invalidValue(path: name, section: section, field: field, detail: detail)
    }

    /// Throws unless every value is finite (and, with `atLeast`, not below it), naming the first that is not.
    func requireFinite<C: Collection>(_ values: C, atLeast minimum: Double? = nil, _ section: String,
                                      _ field: String) throws where C.Element: BinaryFloatingPoint {
        for (i, value) in values.enumerated() where !value.isFinite || (minimum.map { Double(value) < $0 } ?? false) {
            throw invalid(section, "\(field)[\(i)]", "\(value) where only a finite number"
                          + (minimum.map { " of at least \($0)" } ?? "") + " can be")
        }
    }

    /// Throws unless every value lies within ±`bound`, naming the first that does not and `why`.
    func requireWithin<C: Collection>(_ values: C, _ bound: Double, _ section: String, _ field: String,
                                      _ why: String) throws where C.Element: BinaryFloatingPoint {
        for (i, value) in values.enumerated() where !(abs(Double(value)) <= bound) {
            throw invalid(section, "\(field)[\(i)]", "\(value) where \(why)")
        }
    }

    /// The largest weight a checkpoint may hold. Adam moves a weight by about the learning rate per step,
    /// so training never gets near it; below it no sum the model computes overflows a Float (H ≤ 16384
    /// terms of at most 10¹⁵ times a state of at most 10¹⁰), so a model that passes runs to finite outputs.
    static let largestWeight = 1e15

    // MARK: Settings

    /// The model's settings, within the limits actlm trains and runs.
    func config() throws -> ModelConfig {
        let config = try file.decodeJSON(ModelConfig.self, CheckpointFile.Tag.config, atMost: 64 << 10)
        if let problem = config.problem { throw invalid(CheckpointFile.Tag.config, problem.field, problem.message) }
        return config
    }

    private struct FormatOnly: Decodable { var format: UInt32 }

    /// Every section's claimed length against the shape, then the memory opening needs against the machine.
    func lengths(_ shape: CheckpointShape, step: Int = 0) throws {
        var total = 0.0
        for (tag, exact, most) in shape.lengths(step: step) {
            guard let claimed = file.claimedLength(tag) else {
                throw CheckpointError.missingSection(path: name, section: tag)
            }
            if !exact.isEmpty, !exact.contains(claimed) {
                throw invalid(tag, "its length", "the section table claims \(claimed) bytes where a model of "
                              + describe(shape) + " has exactly \(exact[0])")
            }
            if claimed > most {
                throw CheckpointError.sectionTooLarge(path: name, section: tag, length: claimed, limit: most)
            }
            total += Double(claimed)
        }
        // Each section's raw bytes and what they decode to, at once at worst.
        let machine = TrainingMemory.machineBytes
        if 2 * total > machine {
            throw invalid(CheckpointFile.Tag.config, "hidden", "a model of \(describe(shape)) has "
                          + "\(grouped(shape.parameterCount)) parameters; opening it needs "
                          + "\(TrainingMemory.gigabytes(2 * total)) of memory, more than this machine's "
                          + "\(TrainingMemory.gigabytes(machine))")
        }
    }

    private func describe(_ shape: CheckpointShape) -> String {
        RunDescription.shape(shape.config) + (shape.options.map { ", B=\($0.batch)" } ?? "")
    }

    // MARK: Sections

    func parameters(_ shape: CheckpointShape) throws -> [Float] {
        let tag = CheckpointFile.Tag.parameters
        let parameters = try file.decode(tag, atMost: shape.parametersLength) { try $0.readFloatArray() }
        guard parameters.count == shape.parameterCount else {
            throw invalid(tag, "its count", "\(parameters.count) parameters where the configuration needs "
                          + "\(shape.parameterCount)")
        }
        try requireWithin(parameters, Self.largestWeight, tag, "parameters",
                          "a weight must be finite and within ±\(Self.largestWeight), far beyond what training reaches")
        return parameters
    }

    /// The whole training checkpoint, each section checked as above.
    mutating func training(config: ModelConfig) throws -> TrainingCheckpoint {
        let section = Tag.training
        let format = try file.decodeJSON(FormatOnly.self, section).format
        if format > TrainingCheckpoint.trainingFormat {
            throw CheckpointError.newerVersion(path: name, version: format, supported: TrainingCheckpoint.trainingFormat)
        }
        let summary = try file.decodeJSON(TrainingCheckpoint.Summary.self, section)
        let options = summary.options
        if let problem = options.problem { throw invalid(section, "options." + problem.field, problem.message) }
        guard options.model == config else {
            throw invalid(section, "options.model", "the model's settings \(options.model) differ from the "
                          + "\"config\" section's \(config)")
        }
        try checkSummary(summary, config: config)

        let shape = CheckpointShape(config: config, options: options)
        try lengths(shape, step: summary.step)
        let parameters = try self.parameters(shape)
        let adam = try file.decode(Tag.adam, atMost: shape.adamLength) { try Adam(from: &$0) }
        try checkAdam(adam, shape: shape, step: summary.step)
        let positions = try self.positions(options: options, trainBytes: summary.corpus.trainBytes)
        let networkState = try self.networkState(config: config, options: options, chars: summary.chars)
        let random = try file.decode(Tag.random) { reader in
            RandomSource(state: (try reader.readUInt64(), try reader.readUInt64(),
                                 try reader.readUInt64(), try reader.readUInt64()))
        }
        guard random.state != (0, 0, 0, 0) else {
            throw invalid(Tag.random, "state", "all four words are 0, a state the generator never leaves")
        }
        let history = try file.decode(Tag.metrics) { try MetricsLog.decodeHistory(from: &$0) }
        try checkHistory(history, config: config, step: summary.step)
        let stats = try file.decode(Tag.ponderStats) {
            try PonderStats(from: &$0, expecting: config.layers, maxPonder: config.maxPonder)
        }
        try checkStats(stats)
        let trace = try file.decode(Tag.ponderTrace) { try PonderTrace(from: &$0) }
        try checkTrace(trace, shape: shape)

        var checkpoint = TrainingCheckpoint(
            options: options, corpus: summary.corpus, step: summary.step, chars: summary.chars,
            elapsedSeconds: summary.elapsedSeconds, bestValidBPC: summary.bestValidBPC, validation: summary.validation,
            parameters: parameters, adam: adam, positions: positions, networkState: networkState, random: random,
            history: history, ponderStats: stats, ponderTrace: trace)
        checkpoint.writtenBy = summary.actlmVersion
        return checkpoint
    }

    /// Each stream's place in the training bytes, one per stream of the batch.
    private func positions(options: TrainingOptions, trainBytes: Int64) throws -> [Int64] {
        let positions = try file.decode(Tag.positions) { try $0.readUInt64Array().map { Int64(bitPattern: $0) } }
        guard positions.count == options.batch else {
            throw invalid(Tag.positions, "its count", "\(positions.count) stream positions for a batch of \(options.batch)")
        }
        for (b, position) in positions.enumerated() where position < 0 || position >= trainBytes {
            throw invalid(Tag.positions, "position[\(b)]", "\(position), outside the corpus's "
                          + "\(trainBytes) training bytes")
        }
        return positions
    }

    /// The recurrent state carried to the next window, [L, 2, B, H], each value within what it can reach.
    private func networkState(config: ModelConfig, options: TrainingOptions, chars: Int) throws -> [Float] {
        let networkState = try file.decode(Tag.networkState) { try $0.readFloatArray() }
        let stateCount = config.layers * 2 * options.batch * config.hidden
        guard networkState.count == stateCount else {
            throw invalid(Tag.networkState, "its count", "\(networkState.count) values where the model carries \(stateCount)")
        }
        // h, a mean of o·tanh(c) over the ponder steps, lies in [−1, 1] (and a rounding); c grows by at
        // most 1 per byte a stream reads.
        let n = options.batch * config.hidden
        for l in 0..<config.layers {
            try requireWithin(networkState[2 * l * n..<(2 * l + 1) * n], 1.001, Tag.networkState,
                              "h of layer \(l + 1)", "h = o·tanh(c) lies in [−1, 1]")
            try requireWithin(networkState[(2 * l + 1) * n..<(2 * l + 2) * n], Double(chars) + 1, Tag.networkState,
                              "c of layer \(l + 1)", "c changes by at most 1 per byte and the run has read \(chars)")
        }
        return networkState
    }

    private func checkSummary(_ summary: TrainingCheckpoint.Summary, config: ModelConfig) throws {
        let section = Tag.training
        func require(_ condition: Bool, _ field: String, _ detail: @autoclosure () -> String) throws {
            if !condition { throw invalid(section, field, detail()) }
        }
        try require(summary.step >= 0 && summary.step <= TrainingOptions.largestStep, "step",
                    "step \(summary.step), outside 0...\(TrainingOptions.largestStep)")
        try require(summary.chars >= 0 && summary.chars <= 1 << 60, "chars", "\(summary.chars) bytes read")
        try require(summary.elapsedSeconds.isFinite && summary.elapsedSeconds >= 0, "elapsedSeconds",
                    "\(summary.elapsedSeconds) seconds of training")
        let corpus = summary.corpus
        try require(!corpus.path.isEmpty, "corpus.path", "the corpus has no path")
        try require(corpus.trainBytes > 0, "corpus.trainBytes", "\(corpus.trainBytes) training bytes")
        try require(corpus.validBytes >= 0, "corpus.validBytes", "\(corpus.validBytes) validation bytes")
        if let best = summary.bestValidBPC {
            try require(best.isFinite && best >= 0, "bestValidBPC", "a best validation bpc of \(best)")
        }
        if let v = summary.validation {
            try require(v.step >= 0 && v.step <= summary.step, "validation.step",
                        "a validation at step \(v.step) of a run at step \(summary.step)")
            try require(v.bpc.isFinite && v.bpc >= 0, "validation.bpc", "a validation bpc of \(v.bpc)")
            try require(v.chars >= 0, "validation.chars", "\(v.chars) validation bytes")
            try require(v.meanRho.count == config.layers, "validation.meanRho",
                        "\(v.meanRho.count) layers' mean ρ for a model of \(config.layers)")
            try requireFinite(v.meanRho, atLeast: 0, section, "validation.meanRho")
        }
    }

    private func checkAdam(_ adam: Adam, shape: CheckpointShape, step: Int) throws {
        let section = Tag.adam
        func require(_ condition: Bool, _ field: String, _ detail: @autoclosure () -> String) throws {
            if !condition { throw invalid(section, field, detail()) }
        }
        try require(adam.parameterCount == shape.parameterCount, "its count",
                    "\(adam.parameterCount) moments for \(shape.parameterCount) parameters")
        try require(adam.beta1 >= 0 && adam.beta1 < 1, "beta1", "β1 = \(adam.beta1), outside [0, 1)")
        try require(adam.beta2 >= 0 && adam.beta2 < 1, "beta2", "β2 = \(adam.beta2), outside [0, 1)")
        try require(adam.epsilon > 0 && adam.epsilon.isFinite, "epsilon", "ε = \(adam.epsilon)")
        try require(adam.weightDecay >= 0 && adam.weightDecay.isFinite, "weightDecay", "λ = \(adam.weightDecay)")
        try require(adam.step == step, "step", "\(adam.step) optimizer updates in a run at step \(step)")
        try requireFinite(adam.m, section, "m")
        try requireFinite(adam.v, atLeast: 0, section, "v")
        // m and v are running means of g and g²: by Cauchy–Schwarz m² ≤ K²·v, with
        // K² = (1 − β1)² / ((1 − β2)(1 − β1²/β2)) when β1² < β2 (about 53 for the defaults). A moment
        // beyond it would make the next update as large as it likes.
        let b1 = Double(adam.beta1), b2 = Double(adam.beta2)
        if b1 * b1 < b2 {
            let k2 = (1 - b1) * (1 - b1) / ((1 - b2) * (1 - b1 * b1 / b2)) * 1.01
            for i in adam.m.indices where Double(adam.m[i]) * Double(adam.m[i]) > k2 * Double(adam.v[i]) + 1e-30 {
                throw invalid(section, "m[\(i)]", "m = \(adam.m[i]) with v = \(adam.v[i]): a running mean of gradients "
                              + "cannot exceed \(k2.squareRoot()) √v")
            }
        }
    }

    private func checkHistory(_ history: [MetricsRecord], config: ModelConfig, step: Int) throws {
        // Losses, rates and means may be NaN (a record before any window) or infinite (the step that
        // diverged), but no measurement comes near ±10¹⁰⁰, where the report's axes would overflow.
        // Counts, times and speeds are finite (the report prints the speed as a whole number).
        for (i, record) in history.enumerated() {
            func require(_ condition: Bool, _ field: String, _ detail: @autoclosure () -> String) throws {
                if !condition { throw invalid(Tag.metrics, "record[\(i)].\(field)", detail()) }
            }
            try require(record.step >= 0 && record.step <= step, "step",
                        "a record at step \(record.step) in a run at step \(step)")
            try require(record.chars >= 0, "chars", "\(record.chars) bytes read")
            try require(record.elapsedSeconds.isFinite && record.elapsedSeconds >= 0, "elapsedSeconds",
                        "\(record.elapsedSeconds) seconds")
            try require(record.charsPerSecond >= 0 && record.charsPerSecond <= 1e15, "charsPerSecond",
                        "\(record.charsPerSecond) bytes per second")
            try require(record.meanRho.count == config.layers, "meanRho",
                        "\(record.meanRho.count) layers' mean ρ for a model of \(config.layers)")
            let measured = [("trainBPC", record.trainBPC), ("validBPC", record.validBPC ?? 0),
                            ("learningRate", record.learningRate), ("gradNorm", record.gradNorm),
                            ("charsPerSecond", record.charsPerSecond)]
                + record.meanRho.enumerated().map { ("meanRho[\($0.offset)]", $0.element) }
            for (field, value) in measured where value.isFinite && abs(value) > 1e100 {
                try require(false, field, "\(value), beyond any measurement")
            }
        }
    }

    /// Statistics as recording makes them: per entry, n bytes took between n and M·n steps in all and
    /// pondered ρ = N + R between n and (M + 1)·n; per layer, the byte, class and step tables count the
    /// same bytes. (The report divides by these counts and turns ratios into whole percentages.)
    private func checkStats(_ stats: PonderStats) throws {
        let section = Tag.ponderStats, M = Double(stats.maxPonder)
        try requireFinite(stats.rhoByByte, atLeast: 0, section, "rhoByByte")
        try requireFinite(stats.stepsByByte, atLeast: 0, section, "stepsByByte")
        try requireFinite(stats.rhoByClass, atLeast: 0, section, "rhoByClass")
        try requireFinite(stats.stepsByClass, atLeast: 0, section, "stepsByClass")
        func entries(_ rho: [Double], _ steps: [Double], _ counts: [UInt64], _ table: String) throws {
            for i in counts.indices {
                let n = Double(counts[i])
                guard counts[i] <= 1 << 53, steps[i] >= n, steps[i] <= M * n,
                      rho[i] >= 0.999 * n, rho[i] <= 1.001 * (M + 1) * n else {
                    throw invalid(section, "\(table)[\(i)]", "\(counts[i]) bytes with \(steps[i]) ponder steps and "
                                  + "ρ \(rho[i]) in all, where each byte takes 1 to M = \(stats.maxPonder) steps")
                }
            }
        }
        try entries(stats.rhoByByte, stats.stepsByByte, stats.countByByte, "countByByte")
        try entries(stats.rhoByClass, stats.stepsByClass, stats.countByClass, "countByClass")
        for layer in 0..<stats.layers {
            func total(_ table: [UInt64], _ width: Int) -> UInt64 {
                table[layer * width..<(layer + 1) * width].reduce(0) { $0 + $1 }  // each ≤ 2^53: no overflow
            }
            let histogram = stats.stepHistogram[layer * stats.maxPonder..<(layer + 1) * stats.maxPonder]
            guard histogram.allSatisfy({ $0 <= 1 << 53 }) else {
                throw invalid(section, "stepHistogram", "a count above 2^53 in layer \(layer + 1)")
            }
            let bytes = total(stats.countByByte, PonderStats.byteValues)
            let classes = total(stats.countByClass, PonderStats.classCount)
            let steps = total(stats.stepHistogram, stats.maxPonder)
            guard bytes == classes, classes == steps else {
                throw invalid(section, "layer \(layer + 1)", "\(bytes) bytes by value, \(classes) by class and "
                              + "\(steps) in the histogram of ponder steps, where all three count the same bytes")
            }
        }
    }

    private func checkTrace(_ trace: PonderTrace, shape: CheckpointShape) throws {
        let section = Tag.ponderTrace, M = shape.config.maxPonder
        guard trace.layers == shape.config.layers else {
            throw invalid(section, "layers", "a trace of \(trace.layers) layers for a model of \(shape.config.layers)")
        }
        guard trace.text.count <= shape.traceText else {
            throw invalid(section, "text", "an excerpt of \(trace.text.count) bytes where the run keeps at most "
                          + "\(shape.traceText)")
        }
        try requireFinite(trace.rho, atLeast: 0, section, "rho")
        if let i = trace.rho.firstIndex(where: { Double($0) > 1.001 * Double(M + 1) }) {
            throw invalid(section, "rho[\(i)]", "ρ = \(trace.rho[i]) where M = \(M) allows at most \(M + 1)")
        }
        if let i = trace.steps.firstIndex(where: { $0 < 0 || $0 > M }) {
            throw invalid(section, "steps[\(i)]", "N = \(trace.steps[i]) where M = \(M)")
        }
        // A byte's surprise in bits: NaN where nothing predicted it, else finite and not negative.
        if let bits = trace.bits, let i = bits.firstIndex(where: { !$0.isNaN && !($0 >= 0 && $0.isFinite) }) {
            throw invalid(section, "bits[\(i)]", "\(bits[i]) bits of surprise")
        }
        // An entropy over 256 bytes: NaN where no prediction was made, else within 0...8 bits.
        if let entropy = trace.entropy, let i = entropy.firstIndex(where: { !$0.isNaN && !($0 >= 0 && $0 <= 8.001) }) {
            throw invalid(section, "entropy[\(i)]", "\(entropy[i]) bits of entropy over 256 bytes")
        }
    }
}
