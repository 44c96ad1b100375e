import Foundation
import XCTest
import ACTLM

/// `actlm export --format html`: the page run by headless Chromium on a text with multibyte UTF-8 (its
/// `?text=`), against `actlm ponder-map --format tsv`, `actlm eval` and `actlm sample` on the same text;
/// its plain JavaScript product against its WebAssembly one; screenshots at a laptop's and a phone's width.
final class BrowserPageTests: XCTestCase {
    /// As the issue asks: bits and ρ within 1e-3 (they agree to the printed 1e-4 in practice), the bpc
    /// within 1e-4.
    static let tolerance = 1e-3

    func testThePageScoresATextAsActlmDoesInChromium() throws {
        let chromium = try Self.chromium()
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        let (training, _) = try ReferenceAgreementTests.realText(bytes: 20_000)
        try Data(training).write(to: URL(fileURLWithPath: directory + "/train.txt"))
        // A few KB of real text around lines of other scripts, every UTF-8 length among them.
        let english = String(decoding: training.prefix(3_000), as: UTF8.self)
        let text = Array(("Ünïcödé: naïve café, Zürich — “quotes”, 日本語のテキスト, emoji 🙂🚀 and ∑ρ ≥ 1 − ε.\n"
                          + english + "\nΚαλημέρα κόσμε. Привет, мир! 你好，世界。🙂\n").utf8)
        try Data(text).write(to: URL(fileURLWithPath: directory + "/text.txt"))

        let train = try ActlmBinary.run(["train", "train.txt", "--run-name", "tiny"] + ReferenceAgreementTests.training,
                                        in: directory)
        XCTAssertEqual(train.status, 0, train.stderr)
        let checkpoint = "checkpoints/tiny/latest.ckpt"
        let export = try ActlmBinary.run(["export", checkpoint, "--format", "html", "-o", "model.html", "--json"],
                                         in: directory)
        XCTAssertEqual(export.status, 0, export.stderr)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(export.stdout)) as? [String: Any])
        let pageBytes = try XCTUnwrap(summary["bytes"] as? Int), parameters = try XCTUnwrap(summary["parameters"] as? Int)
        XCTAssertEqual(summary["format"] as? String, "html")
        XCTAssertEqual(pageBytes, try FileManager.default.attributesOfItem(atPath: directory + "/model.html")[.size] as? Int)
        // The float32 weights in base64 (4/3 of them) and the page's code, about 60 KB.
        XCTAssertLessThan(pageBytes, 4 * parameters * 4 / 3 + 100_000, "the page is its weights and a little more")

        let map = try ActlmBinary.run(["ponder-map", "text.txt", "--checkpoint", checkpoint, "--format", "tsv"], in: directory)
        XCTAssertEqual(map.status, 0, map.stderr)
        let eval = try ActlmBinary.run(["eval", checkpoint, "text.txt", "--json"], in: directory)
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let evaluation = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(eval.stdout)) as? [String: Any])
        let prime = String(decoding: text, as: UTF8.self)
        // 400 bytes: the sample goes past the next state reset, where the generator reads again the last 250.
        let sample = try ActlmBinary.run(["sample", "--checkpoint", checkpoint, "--prime", prime, "--length", "400",
                                          "--seed", "7", "--temperature", "0.8"], in: directory)
        XCTAssertEqual(sample.status, 0, sample.stderr)

        let query = "?text=" + Self.urlEncoded(prime) + "&sample=400&seed=7&temperature=0.8"
        let page = try Self.dumpDOM(directory + "/model.html", query: query, chromium: chromium, in: directory)
        XCTAssertTrue(page.contains("Forward pass: WebAssembly SIMD"), "the page ran its WebAssembly product")
        let config = try TrainedModel.load(directory + "/" + checkpoint).config
        var agreement = ReferenceAgreementTests.Agreement(kind: "page", config: config,
                                                          near: try .init(try Self.element("near-threshold", in: page)))
        agreement.tolerance = Self.tolerance
        agreement.compare(actlm: map.text, reference: try Self.element("ponder-tsv", in: page))
        XCTAssertEqual(agreement.rows, text.count, "a row per byte")
        XCTAssertTrue(agreement.problems.isEmpty, "\(agreement.problems.count) disagreements, the first: "
                      + agreement.problems.prefix(5).joined(separator: "; "))
        XCTAssertTrue(agreement.steps.contains { $0.count >= 2 }, "N should vary from byte to byte: \(agreement.steps)")

        let bpc = try XCTUnwrap(Double(try Self.attribute("data-value", of: "bpc", in: page)))
        let evalBPC = try XCTUnwrap(evaluation["bpc"] as? Double)
        XCTAssertEqual(bpc, evalBPC, accuracy: 1e-4)
        // The word-boundary AUC of ρ, as eval measures it (the same definition of a boundary).
        let aucs = try Self.attribute("data-value", of: "auc", in: page).split(separator: ",").compactMap { Double($0) }
        let signals = try XCTUnwrap(evaluation["signals"] as? [String: Any])
        let evalAUCs = try XCTUnwrap(signals["per_layer"] as? [[String: Any]]).compactMap { $0["rho_auc"] as? Double }
        XCTAssertEqual(aucs.count, config.layers)
        XCTAssertEqual(evalAUCs.count, config.layers)
        for (a, b) in zip(aucs, evalAUCs) { XCTAssertEqual(a, b, accuracy: 2e-3, "boundary AUC of ρ") }

        // The page's sampler is actlm's: the same seed gives the same bytes (until rounding tips a draw).
        let sampled = try Self.hexBytes(try Self.element("sample-bytes", in: page))
        let actlmSampled = Array(sample.stdout.dropFirst(text.count))
        XCTAssertEqual(sampled.count, 400)
        let same = zip(sampled, actlmSampled).prefix { $0 == $1 }.count
        let restart = config.stateReset - (text.count - 1) % config.stateReset - 1
        XCTAssertGreaterThanOrEqual(same, restart + 50, "the page's sample follows actlm sample's for the same seed, "
                                    + "past the restart after byte \(restart)")
        print(agreement.summary + String(format: "; bpc %.6f, |Δ bpc| %.1e; AUC %@ (eval %@); sample: %d of 400 bytes "
                                         + "as actlm sample's", bpc, abs(bpc - evalBPC), "\(aucs)", "\(evalAUCs)", same))

        // The plain JavaScript product, as a browser without WebAssembly SIMD runs it, agrees too.
        let scalar = try Self.dumpDOM(directory + "/model.html", query: query + "&kernel=scalar", chromium: chromium,
                                      in: directory)
        XCTAssertTrue(scalar.contains("Forward pass: JavaScript"), "the page ran its JavaScript product")
        var twins = ReferenceAgreementTests.Agreement(kind: "page, JavaScript against WebAssembly", config: config,
                                                      near: try .init(try Self.element("near-threshold", in: page)))
        twins.tolerance = Self.tolerance
        twins.compare(actlm: try Self.element("ponder-tsv", in: page), reference: try Self.element("ponder-tsv", in: scalar))
        XCTAssertTrue(twins.problems.isEmpty, twins.problems.prefix(5).joined(separator: "; "))
        print(twins.summary)

        // An edit, as typing makes one: the page reads again from its last snapshot before the first changed
        // byte only, and ends where a page opened on the new text would.
        // Five bytes of ASCII from about byte 2,000 on become eleven, two of them a character of two bytes.
        let edit = try XCTUnwrap((2_000..<text.count - 5).first { i in text[i..<i + 5].allSatisfy { $0 < 0x80 } })
        let edited = Array(text[..<edit]) + Array(" ÜBER-edit ".utf8) + Array(text[(edit + 5)...])
        try Data(edited).write(to: URL(fileURLWithPath: directory + "/edited.txt"))
        let editedMap = try ActlmBinary.run(["ponder-map", "edited.txt", "--checkpoint", checkpoint, "--format", "tsv"],
                                            in: directory)
        XCTAssertEqual(editedMap.status, 0, editedMap.stderr)
        let retyped = try Self.dumpDOM(directory + "/model.html", query: "?text=" + Self.urlEncoded(prime) + "&then="
                                       + Self.urlEncoded(String(decoding: edited, as: UTF8.self)) + "&show=\(edit)",
                                       chromium: chromium, in: directory)
        var edits = ReferenceAgreementTests.Agreement(kind: "page after an edit", config: config,
                                                      near: try .init(try Self.element("near-threshold", in: retyped)))
        edits.tolerance = Self.tolerance
        edits.compare(actlm: editedMap.text, reference: try Self.element("ponder-tsv", in: retyped))
        XCTAssertEqual(edits.rows, edited.count)
        XCTAssertTrue(edits.problems.isEmpty, edits.problems.prefix(5).joined(separator: "; "))
        let reread = try XCTUnwrap(Int(try Self.attribute("data-bytes", of: "speed", in: retyped)))
        XCTAssertEqual(reread, edited.count - edit / 64 * 64, "read again from the snapshot before byte \(edit)")
        XCTAssertTrue(retyped.contains("<td>\(edit)</td>"), "the details of the character at byte \(edit)")
        print(edits.summary + ", \(reread) bytes read again")

        // A laptop's and a phone's window: the page draws the heat map in ponder-map's colours.
        for (width, height) in [(1200, 1400), (400, 1200)] {
            let shot = try ReportBrowserTests.screenshot(directory + "/model.html", width: width, height: height,
                                                         chromium: chromium, in: URL(fileURLWithPath: directory))
            XCTAssertEqual(shot.width, width)
            XCTAssertGreaterThan(shot.distinctColors, 200, "a blank or flat screenshot at \(width) px")
            let ramp = (0..<PonderColorScale.levels).filter { shot.count(near: PonderColorScale.color(level: $0).hex, tolerance: 2) > 20 }
            XCTAssertGreaterThanOrEqual(ramp.count, 4, "ponder-map's colours at \(width) px: \(ramp)")
        }
    }

    /// A checkpoint that cannot be read gets export's usual message, and no page is written.
    func testDamagedOrForeignCheckpointsGetNoPage() throws {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        for (checkpoint, message) in try CommandFixtures.unreadableCheckpoints(in: directory) {
            let error = try ActlmBinary.failure(["export", checkpoint, "--format", "html", "-o", "out.html"], in: directory)
            XCTAssertTrue(error.contains(checkpoint) && error.contains(message), "\(checkpoint): \(error)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".actlm-") }
        XCTAssertEqual(left.sorted(), ["damaged.ckpt", "foreign.ckpt", "good.ckpt", "truncated.ckpt"])

        // A good one: the page beside the checkpoint by default, started with the placeholder text (a
        // file of the model alone has no held-out excerpt).
        let result = try ActlmBinary.run(["export", "good.ckpt", "--format", "html"], in: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.text.hasPrefix("wrote good.html: a page that runs 2 layers of 8"), result.text)
        let page = try String(contentsOfFile: directory + "/good.html", encoding: .utf8)
        XCTAssertTrue(page.contains("Type or paste any text here"))
        XCTAssertFalse(page.contains("http://") || page.contains("https://") || page.contains(" src="),
                       "nothing is fetched")
    }

    /// The text box starts with whole lines of the excerpt, up to `BrowserPage.excerptBytes`, without the
    /// fragment of a line the held-out part may start with.
    func testTheTextBoxStartsWithTheFirstWholeLinesOfTheHeldOutExcerpt() throws {
        let line = "A line of held-out text, café.\n"
        let start = try XCTUnwrap(BrowserPage.firstLines(Array(("of a line\n\n" + String(repeating: line, count: 40)).utf8)))
        XCTAssertTrue(start.hasPrefix(line) && start.hasSuffix("\n"), start)
        XCTAssertEqual(start.utf8.count, BrowserPage.excerptBytes / line.utf8.count * line.utf8.count)
        // One long line is cut at a character, never inside one.
        let long = Array(String(repeating: "é", count: 1_000).utf8)
        XCTAssertEqual(try XCTUnwrap(BrowserPage.firstLines(long)), String(repeating: "é", count: BrowserPage.excerptBytes / 2))
        XCTAssertEqual(BrowserPage.firstLines(Array("one line\n".utf8)), "one line\n")
        XCTAssertNil(BrowserPage.firstLines([]))
    }

    // MARK: Chromium

    static func chromium() throws -> String {
        guard let chromium = ReportBrowserTests.candidates.first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("SKIPPED the browser test of actlm export --format html: chromium is not installed "
                          + "(apt-get install chromium; .ci/run installs it)")
        }
        return chromium
    }

    /// The page's DOM after its scripts ran, as headless Chromium prints it (profile and home in `directory`).
    static func dumpDOM(_ page: String, query: String, chromium: String, in directory: String) throws -> String {
        let home = directory + "/chromium-home", output = directory + "/dom-\(UUID().uuidString).html"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: output, contents: nil))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                             "--user-data-dir=\(home)/profile", "--dump-dom",
                             URL(fileURLWithPath: page).absoluteString + query]
        process.environment = ["HOME": home, "XDG_CONFIG_HOME": home + "/config", "XDG_CACHE_HOME": home + "/cache",
                               "PATH": "/usr/bin:/bin"]
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: output))
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let finished = TrainingFixtures.wait(seconds: 120) { !process.isRunning }
        if !finished {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try handle.close()
        XCTAssertTrue(finished, "chromium did not finish within two minutes")
        XCTAssertEqual(process.terminationStatus, 0)
        return try String(contentsOfFile: output, encoding: .utf8)
    }

    /// The text of the element with `id` (a <pre>), its markup escapes undone.
    static func element(_ id: String, in page: String) throws -> String {
        let open = try XCTUnwrap(page.range(of: "id=\"\(id)\""), "no element \(id) in the page")
        let start = try XCTUnwrap(page.range(of: ">", range: open.upperBound..<page.endIndex)).upperBound
        let end = try XCTUnwrap(page.range(of: "</pre>", range: start..<page.endIndex)).lowerBound
        return String(page[start..<end]).replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func attribute(_ name: String, of id: String, in page: String) throws -> String {
        let open = try XCTUnwrap(page.range(of: "id=\"\(id)\""), "no element \(id) in the page")
        let tagEnd = try XCTUnwrap(page.range(of: ">", range: open.upperBound..<page.endIndex)).lowerBound
        let tag = page[open.upperBound..<tagEnd]
        let value = try XCTUnwrap(tag.range(of: name + "=\""), "\(id) has no \(name)").upperBound
        return String(tag[value...].prefix { $0 != "\"" })
    }

    static func hexBytes(_ hex: String) throws -> [UInt8] {
        let digits = Array(hex.trimmingCharacters(in: .whitespacesAndNewlines))
        return try stride(from: 0, to: digits.count, by: 2).map { try XCTUnwrap(UInt8(String(digits[$0...$0 + 1]), radix: 16)) }
    }

    static func urlEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn:
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"))!
    }
}
