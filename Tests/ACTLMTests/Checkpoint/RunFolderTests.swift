import Foundation
import XCTest
import ACTLM

final class RunFolderTests: XCTestCase {
    func testANewRunNeverReusesTheFolderOfAnother() throws {
        let root = try CorpusFixtures.temporaryDirectory(for: self).path + "/checkpoints"
        let folder = try RunFolder.create(root: root, name: "first")
        XCTAssertEqual(folder.path, root + "/first")
        XCTAssertEqual(folder.latest, root + "/first/latest.ckpt")
        XCTAssertEqual(try RunFolder.create(root: root, name: "first"), folder, "an empty folder may be reused")
        _ = FileManager.default.createFile(atPath: folder.latest, contents: Data([1]))
        XCTAssertThrowsError(try RunFolder.create(root: root, name: "first")) { error in
            XCTAssertEqual(error as? TrainingError, .runExists(path: folder.path))
            XCTAssertTrue("\(error)".contains("--resume \(folder.path)/latest.ckpt"))
        }
        XCTAssertThrowsError(try RunFolder.create(root: root, name: "a/b"))
        XCTAssertEqual(RunFolder.containing(folder.latest), folder)
    }

    func testTimestampNamesSortByTime() {
        let early = RunFolder.timestampName(Date(timeIntervalSince1970: 1_800_000_000))
        XCTAssertEqual(early, "run-20270115-080000")
        XCTAssertLessThan(early, RunFolder.timestampName(Date(timeIntervalSince1970: 1_800_000_001)))
    }
}
