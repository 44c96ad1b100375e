import Foundation

/// One line of the training log: where training stands at `step`.
public struct MetricsRecord: Codable, Equatable, Sendable {
    public var step: Int
    /// Training bytes read so far.
    public var chars: Int
    public var elapsedSeconds: Double
    public var trainBPC: Double
    /// Held-out bpc, on the steps where validation ran.
    public var validBPC: Double?
    public var learningRate: Double
    /// ‖g‖₂ before clipping.
    public var gradNorm: Double
    /// Mean ponder cost ρ of each layer over the training windows since the last record.
    public var meanRho: [Double]
    public var charsPerSecond: Double

    public init(step: Int, chars: Int, elapsedSeconds: Double, trainBPC: Double, validBPC: Double? = nil,
                learningRate: Double, gradNorm: Double, meanRho: [Double], charsPerSecond: Double) {
        self.step = step
        self.chars = chars
        self.elapsedSeconds = elapsedSeconds
        self.trainBPC = trainBPC
        self.validBPC = validBPC
        self.learningRate = learningRate
        self.gradNorm = gradNorm
        self.meanRho = meanRho
        self.charsPerSecond = charsPerSecond
    }

    enum CodingKeys: String, CodingKey {
        case step, chars
        case elapsedSeconds = "elapsed_s"
        case trainBPC = "train_bpc"
        case validBPC = "valid_bpc"
        case learningRate = "lr"
        case gradNorm = "grad_norm"
        case meanRho = "mean_rho"
        case charsPerSecond = "chars_per_s"
    }

    /// The record as one JSON line (no newline), keys in a fixed order, step first, so `tail -f` reads
    /// well. Infinite and NaN values (a diverged step) become the strings "inf", "-inf" and "nan",
    /// which `MetricsLog.read` understands.
    public var jsonLine: String {
        func number(_ x: Double) -> String {
            if x.isNaN { return "\"nan\"" }
            if x.isInfinite { return x > 0 ? "\"inf\"" : "\"-inf\"" }
            return "\(x)"
        }
        var fields = ["\"step\":\(step)", "\"chars\":\(chars)", "\"elapsed_s\":\(number(elapsedSeconds))",
                      "\"train_bpc\":\(number(trainBPC))"]
        if let validBPC { fields.append("\"valid_bpc\":\(number(validBPC))") }
        fields += ["\"lr\":\(number(learningRate))", "\"grad_norm\":\(number(gradNorm))",
                   "\"mean_rho\":[\(meanRho.map(number).joined(separator: ","))]",
                   "\"chars_per_s\":\(number(charsPerSecond))"]
        return "{" + fields.joined(separator: ",") + "}"
    }
}

/// The run's metrics as JSON lines in `<run folder>/metrics.jsonl`, one per record, each written with a
/// single write(2) as soon as it is appended; and the same history for the checkpoint.
public final class MetricsLog {
    public static let fileName = "metrics.jsonl"

    public let path: String
    public private(set) var records: [MetricsRecord]
    private var fd: Int32

    /// Opens the log of the run in `directory` holding exactly `history`: empty for a new run, the
    /// checkpoint's history when resuming, so lines an interrupted run wrote after its last checkpoint
    /// do not linger beside the ones the resumed run writes again.
    public init(directory: String, history: [MetricsRecord] = []) throws {
        path = (directory.hasSuffix("/") ? directory : directory + "/") + MetricsLog.fileName
        records = []
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 {
            throw MetricsLogError(path: path, reason: "cannot create it: \(String(cString: strerror(errno)))")
        }
        for record in history { try append(record) }
    }

    deinit {
        close(fd)
    }

    public func append(_ record: MetricsRecord) throws {
        let line = Array((record.jsonLine + "\n").utf8)
        var written = 0
        while written < line.count {
            let count = line.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + written, line.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let reason = count < 0 ? String(cString: strerror(errno)) : "nothing written"
                throw MetricsLogError(path: path, reason: "cannot append to it: \(reason)")
            }
            written += count
        }
        records.append(record)
    }

    /// Reads a log written by `MetricsLog`; any line that is not a record is an error.
    public static func read(path: String) throws -> [MetricsRecord] {
        let contents = try readSkippingDamage(path: path)
        if let first = contents.skipped.first {
            throw MetricsLogError(path: path, reason: "line \(first.line) is not a metrics record: \(first.reason)")
        }
        return contents.records
    }

    /// A line of a metrics log that is not a record, and why.
    public struct SkippedLine: Equatable, Sendable {
        /// Counted from 1, as editors count lines.
        public var line: Int
        public var reason: String

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    /// Reads every record a log holds, passing over lines that are not one (a line cut off by a crash
    /// or a full disk, text someone added), so a damaged log still shows what it has.
    public static func readSkippingDamage(path: String) throws -> (records: [MetricsRecord], skipped: [SkippedLine]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MetricsLogError(path: path, reason: "cannot read it")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let newline = UInt8(ascii: "\n")
        let lines = data.split(separator: newline, omittingEmptySubsequences: false)
        var records: [MetricsRecord] = []
        var skipped: [SkippedLine] = []
        for (index, line) in lines.enumerated() where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
            do {
                records.append(try decoder.decode(MetricsRecord.self, from: Data(line)))
            } catch {
                let isLast = index == lines.count - 1   // no newline after it: the write did not finish
                skipped.append(SkippedLine(line: index + 1, reason: isLast ? "cut off (no newline at its end)"
                                                                           : describe(error)))
            }
        }
        return (records, skipped)
    }

    private static func describe(_ error: Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: return "no \"\(key.stringValue)\" field"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
        default: return "not JSON"
        }
    }

    // MARK: Checkpoint encoding

    static let encodingVersion: UInt32 = 1

    public func encodeHistory(into writer: inout ByteWriter) {
        MetricsLog.encode(records, into: &writer)
    }

    public static func encode(_ records: [MetricsRecord], into writer: inout ByteWriter) {
        writer.write(encodingVersion)
        writer.write(UInt64(records.count))
        for record in records {
            writer.write(record.step)
            writer.write(record.chars)
            writer.write(record.elapsedSeconds)
            writer.write(record.trainBPC)
            writer.write(record.validBPC != nil)
            writer.write(record.validBPC ?? 0)
            writer.write(record.learningRate)
            writer.write(record.gradNorm)
            writer.write(doubleArray: record.meanRho)
            writer.write(record.charsPerSecond)
        }
    }

    public static func decodeHistory(from reader: inout ByteReader) throws -> [MetricsRecord] {
        let start = reader.offset
        let version = try reader.readUInt32()
        guard version == encodingVersion else {
            throw ByteReaderError(problem: .invalid("metrics history version \(version)"), offset: start)
        }
        let count = try reader.readUInt64()
        // Each record takes at least 73 bytes: a damaged count fails here, not in a huge allocation.
        guard count <= UInt64(reader.remaining / 73) else {
            throw ByteReaderError(problem: .truncated(needed: 73, available: reader.remaining), offset: reader.offset)
        }
        var records: [MetricsRecord] = []
        records.reserveCapacity(Int(count))
        for _ in 0..<count {
            let step = try reader.readInt(), chars = try reader.readInt()
            let elapsed = try reader.readDouble(), train = try reader.readDouble()
            let hasValid = try reader.readBool(), valid = try reader.readDouble()
            let rate = try reader.readDouble(), norm = try reader.readDouble()
            let rho = try reader.readDoubleArray(), speed = try reader.readDouble()
            records.append(MetricsRecord(step: step, chars: chars, elapsedSeconds: elapsed, trainBPC: train,
                                         validBPC: hasValid ? valid : nil, learningRate: rate, gradNorm: norm,
                                         meanRho: rho, charsPerSecond: speed))
        }
        return records
    }
}

public struct MetricsLogError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String
    public var description: String {
        "\(path): metrics log: \(reason). Check that the run folder exists, is writable and has free space."
    }
}
