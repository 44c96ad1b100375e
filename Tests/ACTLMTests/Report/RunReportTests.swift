import Foundation
import XCTest
import ACTLM

final class RunReportTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try CorpusFixtures.temporaryDirectory(for: self)
    }

    func testTheTrainerWritesAReportWhoseCurvesCarryEveryRecord() throws {
        let folder = try ReportFixtures.train("act", in: directory)
        let page = try XCTUnwrap(TrainingFixtures.bytes(folder.report), "report.html in the run folder")
        let xml = XMLCollector.parse(page)
        XCTAssertNil(xml.error, "the page must be well-formed XML: \(String(describing: xml.error))")
        XCTAssertEqual(xml.root?.name, "html")

        let records = try MetricsLog.read(path: folder.metrics)
        let validations = records.filter { $0.validBPC != nil }.count
        XCTAssertEqual(records.count, 6)
        XCTAssertEqual(validations, 3)
        let counts = ReportFixtures.pointCounts(page)
        XCTAssertEqual(counts["Validation bpc by bytes read"], ["act": validations])
        XCTAssertEqual(counts["Validation bpc by wall time"], ["act": validations])
        XCTAssertEqual(counts["Training bpc by bytes read"], ["act": records.count])
        XCTAssertEqual(counts["Training bpc by wall time"], ["act": records.count])
        XCTAssertEqual(counts["Mean ρ of layer 1 while training"], ["act": records.count])
        XCTAssertEqual(counts["Mean ρ of layer 2 while training"], ["act": records.count])

        // The halting warm-up is shaded; the last validation's histogram and classes per layer.
        XCTAssertTrue(xml.elements("text").contains { $0.text == "halting warm-up" })
        XCTAssertEqual(xml.elements("h4").map(\.text), ["Layer 1", "Layer 2"])
        let cells = xml.elements("td").map(\.text)
        XCTAssertTrue(cells.contains("inside word") && cells.contains("space"))
        // The ponder map of the recorded excerpt: a character per byte of the 100-byte excerpt.
        let checkpoint = try TrainingCheckpoint.read(from: folder.latest)
        let spans = xml.elements("span") { $0.attributes["class"] == "text" }
        XCTAssertEqual(checkpoint.ponderTrace.text.count, 100)
        XCTAssertEqual(spans.map(\.text).joined(),
                       String(decoding: checkpoint.ponderTrace.text, as: UTF8.self).replacingOccurrences(of: "\n", with: "↵"))
        // The word-boundary AUCs of the recorded excerpt, as inspect computes them.
        let signals = PonderSignals(trace: checkpoint.ponderTrace).metrics()
        let row = try XCTUnwrap(cells.firstIndex(of: "word boundary AUC"), "\(cells)")
        XCTAssertEqual(cells[row + 1], signals.perLayer[0].rhoAUC.map { String(format: "%.3f", $0) } ?? "–")
        XCTAssertEqual(cells[row + 5], signals.nextLossAUC.map { String(format: "%.3f", $0) } ?? "–")
        let kindRow = try XCTUnwrap(cells.firstIndex(of: "space after text (\(signals.byKind[0].bytes))"), "\(cells)")
        XCTAssertEqual(cells[kindRow + 1], signals.byKind[0].rhoAUC[0].map { String(format: "%.3f", $0) } ?? "–")
        XCTAssertTrue(cells.contains("newline (\(signals.byKind[4].bytes))"), "\(cells)")
        XCTAssertTrue(cells.contains("mean at digits (\(signals.digits))"), "\(cells)")
        // Settings and sources.
        XCTAssertTrue(cells.contains { $0.hasPrefix("L=2 H=16 M=4") }, "\(cells)")
        XCTAssertTrue(xml.elements("code").contains { $0.text == folder.metrics })
        XCTAssertTrue(xml.elements("code").contains { $0.text == folder.latest })
    }

    func testADamagedMetricsFileStillReportsAndNamesTheLinesItSkipped() throws {
        let folder = try ReportFixtures.train("damaged", in: directory)
        var lines = try String(contentsOfFile: folder.metrics, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 6)
        lines.insert("this is not JSON", at: 2)
        lines.insert("{\"step\": 9}", at: 4)
        let cut = lines.removeLast()
        let damaged = lines.joined(separator: "\n") + "\n" + cut.prefix(cut.count / 2)
        try Data(damaged.utf8).write(to: URL(fileURLWithPath: folder.metrics))

        let run = try ReportRun.load(folder.path)
        XCTAssertEqual(run.records.count, 5)
        XCTAssertEqual(run.skippedLines, [.init(line: 3, reason: "not JSON"), .init(line: 5, reason: "no \"chars\" field"),
                                          .init(line: 8, reason: "cut off (no newline at its end)")])
        let page = try RunReportPage(runs: [run]).bytes()
        let xml = XMLCollector.parse(page)
        XCTAssertNil(xml.error)
        let warning = try XCTUnwrap(xml.elements("li") { $0.attributes["class"] == "warnings" }.first?.text)
        XCTAssertTrue(warning.contains("skipped line 3 (not JSON), line 5 (no \"chars\" field), line 8 (cut off"), warning)
        XCTAssertEqual(ReportFixtures.pointCounts(page)["Training bpc by bytes read"], ["damaged": 5])
    }

    func testEmptyAndOnePointRunsSayNotEnoughDataYet() throws {
        let empty = directory.appendingPathComponent("empty").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: empty + "/metrics.jsonl", contents: Data()))
        let one = directory.appendingPathComponent("one").path
        try FileManager.default.createDirectory(atPath: one, withIntermediateDirectories: true)
        let log = try MetricsLog(directory: one)
        try log.append(ReportFixtures.record(4, valid: 5.5))

        let runs = try [ReportRun.load(empty), ReportRun.load(one)]
        let page = try RunReportPage(runs: runs).bytes()
        let xml = XMLCollector.parse(page)
        XCTAssertNil(xml.error)
        XCTAssertNil(xml.counts["polyline"], "no lines from one record")
        let messages = xml.elements("text").map(\.text).filter { $0.hasPrefix("not enough data yet") }
        XCTAssertEqual(messages.count, 6, "every chart says it: \(messages)")
        let notes = xml.elements("p").filter { $0.attributes["class"] == "empty" }.map(\.text)
        XCTAssertEqual(notes.filter { $0.hasPrefix("Not enough data yet: no checkpoint") }.count, 4)
        XCTAssertTrue(xml.elements("li").contains { $0.text.contains("no metrics recorded yet") })
    }

    func testAFolderWithoutARunIsRefusedWithAMessage() throws {
        let path = directory.appendingPathComponent("nothing").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        XCTAssertThrowsError(try ReportRun.load(path)) { error in
            XCTAssertEqual("\(error)", "\(path): not a training run to report on: it holds neither metrics.jsonl nor a "
                           + "checkpoint; name a run folder (checkpoints/<run>) or a .ckpt file.")
        }
        XCTAssertThrowsError(try ReportRun.load(path + "/absent")) { error in
            XCTAssertTrue("\(error)".hasSuffix("there is no such file or folder."), "\(error)")
        }
    }

    func testAReportThatCannotBeWrittenOnlyWarnsAndTrainingGoesOn() throws {
        // A folder where report.html should be: every write of the report fails.
        let folder = RunFolder(path: directory.path + "/runs/blocked")
        try FileManager.default.createDirectory(atPath: folder.report + "/in-the-way", withIntermediateDirectories: true)
        var warnings: [String] = []
        XCTAssertNoThrow(try ReportFixtures.train("blocked", in: directory, events: { event in
            if case let .warning(message) = event { warnings.append(message) }
        }))
        XCTAssertEqual(warnings.count, 3, "one per validation")
        XCTAssertTrue(warnings.allSatisfy { $0.hasPrefix("\(folder.report): could not write the report") }, "\(warnings)")
        XCTAssertEqual(try MetricsLog.read(path: folder.metrics).last?.step, 24, "training ran to the end")
    }
}
