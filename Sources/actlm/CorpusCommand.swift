import ArgumentParser
import ACTLM
import Foundation

struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Check a corpus: its size, byte values, train/validation split and format.",
        discussion: """
            Reads the whole file once, in constant memory, verifying every gzip CRC and length on \
            the way, and prints what training would see. A damaged, truncated or missing file is \
            reported with the byte offset where the problem is, and the command exits non-zero.

            Formats are detected from the first bytes: gzip (also several members one after \
            another, as `cat a.gz b.gz` or pigz write them), zlib, or plain bytes. '-' reads \
            standard input.

            Examples:
              actlm corpus corpora/wiki.gz
              actlm corpus corpora/wiki.gz --valid-fraction 0.1 --json
              zcat big.gz | head -c 1000000 | actlm corpus -
            """
    )

    @Argument(help: "The corpus file (gzip, zlib or plain); '-' reads standard input.")
    var file: String

    @Flag(help: "Print one JSON object: path, format, bytes, distinct_bytes, train_bytes, valid_bytes.")
    var json = false

    @Option(name: .customLong("valid-fraction"),
            help: "The last fraction of the corpus kept for validation, never trained on.")
    var validFraction = 0.05

    @Option(name: .customLong("valid"),
            help: ArgumentHelp("Validate on this file instead; training then uses all of the corpus.",
                               valueName: "file"))
    var validPath: String?

    func run() throws {
        let info = try Corpus.scan(path: file, validFraction: validFraction, validPath: validPath)
        if json {
            print(try JSONOutput.string(Report(info)))
        } else {
            print(describe(info))
        }
    }

    private func describe(_ info: CorpusInfo) -> String {
        let validSource = info.validPath.map { "all of \($0)" }
            ?? (info.validBytes == 0 ? "none asked for"
                : "the last \(percent(info.validBytes, of: info.totalBytes)) of the corpus")
        return """
            corpus      \(info.path == "-" ? "standard input" : info.path)
            format      \(info.format.rawValue)
            bytes       \(grouped(info.totalBytes)) (\(mebibytes(info.totalBytes)))
            distinct    \(info.distinctBytes) of 256 byte values
            train       \(grouped(info.trainBytes)) bytes
            validation  \(grouped(info.validBytes)) bytes, \(validSource)
            """
    }

    private func mebibytes(_ n: Int64) -> String {
        String(format: "%.2f MiB", Double(n) / 1_048_576)
    }

    private func percent(_ part: Int64, of whole: Int64) -> String {
        String(format: "%.1f%%", 100 * Double(part) / Double(max(whole, 1)))
    }
}

/// The JSON shape of `actlm corpus --json`.
private struct Report: Encodable {
    let path: String
    let format: CorpusFormat
    let bytes: Int64
    let distinctBytes: Int
    let trainBytes: Int64
    let validBytes: Int64
    let validPath: String?

    init(_ info: CorpusInfo) {
        path = info.path
        format = info.format
        bytes = info.totalBytes
        distinctBytes = info.distinctBytes
        trainBytes = info.trainBytes
        validBytes = info.validBytes
        validPath = info.validPath
    }

    enum CodingKeys: String, CodingKey {
        case path, format, bytes
        case distinctBytes = "distinct_bytes"
        case trainBytes = "train_bytes"
        case validBytes = "valid_bytes"
        case validPath = "valid_path"
    }
}
