/// Where the model ponders: per layer, the ponder cost ρ = N + R and the step count N summed by input
/// byte value and by character class, and a histogram of N. Sums are Doubles so that millions of bytes
/// average without drift; means are computed on demand.
public struct PonderStats: Equatable, Sendable {
    public let layers: Int      // L
    public let maxPonder: Int   // M

    static let byteValues = ModelConfig.vocabulary
    static let classCount = CharacterClass.allCases.count

    // Flat tables, one row per layer.
    var rhoByByte: [Double]         // [L, 256]  Σρ
    var stepsByByte: [Double]       // [L, 256]  ΣN
    var countByByte: [UInt64]       // [L, 256]
    var rhoByClass: [Double]        // [L, classes]
    var stepsByClass: [Double]      // [L, classes]
    var countByClass: [UInt64]      // [L, classes]
    var stepHistogram: [UInt64]     // [L, M]  bytes that took N = 1...M steps

    public init(layers: Int, maxPonder: Int) {
        precondition(layers >= 1 && maxPonder >= 1, "PonderStats needs at least one layer and one step")
        self.layers = layers
        self.maxPonder = maxPonder
        rhoByByte = Array(repeating: 0, count: layers * Self.byteValues)
        stepsByByte = rhoByByte
        countByByte = Array(repeating: 0, count: layers * Self.byteValues)
        rhoByClass = Array(repeating: 0, count: layers * Self.classCount)
        stepsByClass = rhoByClass
        countByClass = Array(repeating: 0, count: layers * Self.classCount)
        stepHistogram = Array(repeating: 0, count: layers * maxPonder)
    }

    /// Adds one window of one layer. `inputs`, `rho` and `steps` are time-major `[T, B]` (index t·B + b);
    /// `previous[b]` is the byte that came just before `inputs[b]` in stream b (the last input of the
    /// previous window, or a newline at the start of a text), so classes are right across windows.
    /// Step counts outside 1...M are clamped into it.
    public mutating func record(layer: Int, inputs: UnsafeBufferPointer<UInt8>, previous: UnsafeBufferPointer<UInt8>,
                                rho: UnsafeBufferPointer<Float>, steps: UnsafeBufferPointer<Int32>) {
        let batch = previous.count
        precondition(layer >= 0 && layer < layers, "layer \(layer) out of 0..<\(layers)")
        precondition(batch > 0 && inputs.count % batch == 0 && rho.count == inputs.count && steps.count == inputs.count,
                     "record(layer:) needs [T, B] inputs, ρ and N, and B previous bytes")
        let byteRow = layer * Self.byteValues, classRow = layer * Self.classCount
        let histogramRow = layer * maxPonder
        for i in 0..<inputs.count {
            let current = inputs[i]
            let before = i < batch ? previous[i] : inputs[i - batch]
            let byteIndex = byteRow + Int(current)
            let classIndex = classRow + CharacterClass.classify(previous: before, current: current).rawValue
            let r = Double(rho[i]), n = min(max(Int(steps[i]), 1), maxPonder)
            rhoByByte[byteIndex] += r
            stepsByByte[byteIndex] += Double(n)
            countByByte[byteIndex] += 1
            rhoByClass[classIndex] += r
            stepsByClass[classIndex] += Double(n)
            countByClass[classIndex] += 1
            stepHistogram[histogramRow + n - 1] += 1
        }
    }

    /// `record` for arrays (tests, and callers that hold their outputs in arrays).
    public mutating func record(layer: Int, inputs: [UInt8], previous: [UInt8], rho: [Float], steps: [Int32]) {
        inputs.withUnsafeBufferPointer { inputs in
            previous.withUnsafeBufferPointer { previous in
                rho.withUnsafeBufferPointer { rho in
                    steps.withUnsafeBufferPointer { steps in
                        record(layer: layer, inputs: inputs, previous: previous, rho: rho, steps: steps)
                    }
                }
            }
        }
    }

    /// Adds `other`, which must have the same shape (e.g. the statistics of another part of the data).
    public mutating func merge(_ other: PonderStats) {
        precondition(layers == other.layers && maxPonder == other.maxPonder, "merging PonderStats of different shapes")
        func add<T: AdditiveArithmetic>(_ a: inout [T], _ b: [T]) { for i in a.indices { a[i] += b[i] } }
        add(&rhoByByte, other.rhoByByte)
        add(&stepsByByte, other.stepsByByte)
        add(&countByByte, other.countByByte)
        add(&rhoByClass, other.rhoByClass)
        add(&stepsByClass, other.stepsByClass)
        add(&countByClass, other.countByClass)
        add(&stepHistogram, other.stepHistogram)
    }

    public mutating func reset() {
        self = PonderStats(layers: layers, maxPonder: maxPonder)
    }

    // MARK: Reading the statistics (layers count from 0; means are nil where no byte was seen)

    /// Bytes recorded for `layer`.
    public func count(layer: Int) -> UInt64 {
        countByClass[layer * Self.classCount..<(layer + 1) * Self.classCount].reduce(0, +)
    }

    public func count(layer: Int, class c: CharacterClass) -> UInt64 {
        countByClass[layer * Self.classCount + c.rawValue]
    }

    public func count(layer: Int, byte: UInt8) -> UInt64 {
        countByByte[layer * Self.byteValues + Int(byte)]
    }

    public func meanRho(layer: Int) -> Double? {
        meanRho(layer: layer, classes: CharacterClass.allCases)
    }

    public func meanSteps(layer: Int) -> Double? {
        meanSteps(layer: layer, classes: CharacterClass.allCases)
    }

    public func meanRho(layer: Int, class c: CharacterClass) -> Double? {
        meanRho(layer: layer, classes: [c])
    }

    public func meanSteps(layer: Int, class c: CharacterClass) -> Double? {
        meanSteps(layer: layer, classes: [c])
    }

    /// Mean ρ over all bytes of the given classes together (weighted by how often each occurs).
    public func meanRho(layer: Int, classes: [CharacterClass]) -> Double? {
        pooledMean(rhoByClass, layer: layer, classes: classes)
    }

    public func meanSteps(layer: Int, classes: [CharacterClass]) -> Double? {
        pooledMean(stepsByClass, layer: layer, classes: classes)
    }

    public func meanRho(layer: Int, byte: UInt8) -> Double? {
        let i = layer * Self.byteValues + Int(byte)
        return countByByte[i] == 0 ? nil : rhoByByte[i] / Double(countByByte[i])
    }

    public func meanSteps(layer: Int, byte: UInt8) -> Double? {
        let i = layer * Self.byteValues + Int(byte)
        return countByByte[i] == 0 ? nil : stepsByByte[i] / Double(countByByte[i])
    }

    /// Mean ρ at word boundaries (`CharacterClass.wordBoundary`) divided by mean ρ inside words:
    /// above 1, the layer spends more computation where words end than within them.
    public func boundaryToInsideRatio(layer: Int) -> Double? {
        guard let boundary = meanRho(layer: layer, classes: CharacterClass.wordBoundary),
              let inside = meanRho(layer: layer, class: .wordInside), inside > 0 else { return nil }
        return boundary / inside
    }

    /// How many bytes took N = 1...M ponder steps, at index N − 1.
    public func stepHistogram(layer: Int) -> [UInt64] {
        Array(stepHistogram[layer * maxPonder..<(layer + 1) * maxPonder])
    }

    private func pooledMean(_ sums: [Double], layer: Int, classes: [CharacterClass]) -> Double? {
        var sum = 0.0, count: UInt64 = 0
        for c in classes {
            sum += sums[layer * Self.classCount + c.rawValue]
            count += countByClass[layer * Self.classCount + c.rawValue]
        }
        return count == 0 ? nil : sum / Double(count)
    }

    // MARK: Checkpoint encoding

    /// Version 2 adds the gap-space class. A version 1 table (9 classes) is read with no gap spaces: it
    /// counted them as spaces, so such a checkpoint's class means follow the old definition until its
    /// next validation replaces them.
    static let encodingVersion: UInt32 = 2
    static let version1Classes = 9

    public func encode(into writer: inout ByteWriter) {
        writer.write(Self.encodingVersion)
        writer.write(UInt32(layers))
        writer.write(UInt32(maxPonder))
        writer.write(UInt32(Self.classCount))
        writer.write(doubleArray: rhoByByte)
        writer.write(doubleArray: stepsByByte)
        writer.write(uint64Array: countByByte)
        writer.write(doubleArray: rhoByClass)
        writer.write(doubleArray: stepsByClass)
        writer.write(uint64Array: countByClass)
        writer.write(uint64Array: stepHistogram)
    }

    /// Decodes statistics of `layers` layers and M = `maxPonder` (of the model they belong to): a header
    /// claiming another shape is refused before any table is allocated from it.
    public init(from reader: inout ByteReader, expecting layers: Int, maxPonder: Int) throws {
        let start = reader.offset
        func invalid(_ what: String) -> ByteReaderError { ByteReaderError(problem: .invalid(what), offset: start) }
        let version = try reader.readUInt32()
        guard version == 1 || version == Self.encodingVersion else { throw invalid("ponder statistics version \(version)") }
        let storedLayers = Int(try reader.readUInt32()), storedPonder = Int(try reader.readUInt32())
        let classes = Int(try reader.readUInt32())
        let expected = version == 1 ? Self.version1Classes : Self.classCount
        guard storedLayers == layers, storedPonder == maxPonder, classes == expected else {
            throw invalid("statistics of \(storedLayers) layers, M = \(storedPonder) and \(classes) classes for a model "
                          + "of \(layers) layers and M = \(maxPonder) (\(expected) classes)")
        }
        self.init(layers: layers, maxPonder: maxPonder)
        func read<T>(_ array: inout [T], _ next: (inout ByteReader) throws -> [T]) throws {
            let values = try next(&reader)
            guard values.count == array.count else {
                throw invalid("a table of \(values.count) values where \(array.count) belong")
            }
            array = values
        }
        /// A class table of `classes` columns a layer, widened with zero columns for the classes added since.
        func readClasses<T: Numeric>(_ array: inout [T], _ next: (inout ByteReader) throws -> [T]) throws {
            let values = try next(&reader)
            guard values.count == layers * classes else {
                throw invalid("a table of \(values.count) values where \(layers * classes) belong")
            }
            for l in 0..<layers {
                array.replaceSubrange(l * Self.classCount..<l * Self.classCount + classes,
                                      with: values[l * classes..<(l + 1) * classes])
            }
        }
        try read(&rhoByByte) { try $0.readDoubleArray() }
        try read(&stepsByByte) { try $0.readDoubleArray() }
        try read(&countByByte) { try $0.readUInt64Array() }
        try readClasses(&rhoByClass) { try $0.readDoubleArray() }
        try readClasses(&stepsByClass) { try $0.readDoubleArray() }
        try readClasses(&countByClass) { try $0.readUInt64Array() }
        try read(&stepHistogram) { try $0.readUInt64Array() }
    }

    /// The bytes of an encoding of statistics of `layers` layers and M = `maxPonder`, in the current
    /// version, or with the `classes` of an older one.
    static func encodedLength(layers: Int, maxPonder: Int, classes: Int = classCount) -> Int {
        16 + 7 * 8 + 8 * layers * (3 * byteValues + 3 * classes + maxPonder)
    }
}
