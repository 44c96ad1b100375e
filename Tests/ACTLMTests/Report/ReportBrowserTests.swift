import Foundation
import XCTest
import ACTLM

/// The report in a real browser: headless Chromium renders it and the screenshot shows the charts.
final class ReportBrowserTests: XCTestCase {
    static let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]

    func testChromiumRendersTheReportWithItsCurvesAtWideAndNarrowWidths() throws {
        guard let chromium = Self.candidates.first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("SKIPPED the browser test of actlm report: chromium is not installed "
                          + "(apt-get install chromium; .ci/run installs it)")
        }
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let runs = try [ReportFixtures.train("act", in: directory), ReportFixtures.train("lstm", in: directory, maxPonder: 1)]
        let page = directory.appendingPathComponent("report.html").path
        try RunReportPage(runs: try runs.map { try ReportRun.load($0.path) }).write(toFile: page)

        for (width, height) in [(1200, 1600), (400, 1400)] {
            let screenshot = try Self.screenshot(page, width: width, height: height, chromium: chromium, in: directory)
            XCTAssertEqual(screenshot.width, width)
            XCTAssertGreaterThan(screenshot.distinctColors, 300, "a blank or flat screenshot at \(width) px")
            // The two runs' lines: Okabe–Ito blue and vermillion.
            for color in [SeriesStyle.forRun(0).color, SeriesStyle.forRun(1).color] {
                XCTAssertGreaterThan(screenshot.count(near: color), 50, "\(color) missing at \(width) px")
            }
        }
    }

    /// Runs Chromium with its profile, cache and home in `directory` and waits at most a minute for it.
    static func screenshot(_ page: String, width: Int, height: Int, chromium: String, in directory: URL) throws -> PNGImage {
        let output = directory.appendingPathComponent("shot-\(width).png").path
        let home = directory.appendingPathComponent("chromium-home").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let log = directory.appendingPathComponent("chromium-\(width).log").path
        XCTAssertTrue(FileManager.default.createFile(atPath: log, contents: nil))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                             "--disable-extensions", "--user-data-dir=\(home)/profile", "--screenshot=\(output)",
                             "--window-size=\(width),\(height)", URL(fileURLWithPath: page).absoluteString]
        process.environment = ["HOME": home, "XDG_CONFIG_HOME": home + "/config", "XDG_CACHE_HOME": home + "/cache",
                               "PATH": "/usr/bin:/bin"]
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let finished = TrainingFixtures.wait(seconds: 60) { !process.isRunning }
        if !finished {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try handle.close()
        let said = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        XCTAssertTrue(finished, "chromium did not finish within a minute:\n\(said)")
        XCTAssertEqual(process.terminationStatus, 0, said)
        return try PNGImage(try XCTUnwrap(TrainingFixtures.bytes(output), "chromium wrote no screenshot:\n\(said)"))
    }
}
