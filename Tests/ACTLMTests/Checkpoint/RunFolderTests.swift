import Foundation
import XCTest
import ACTLM

final class RunFolderTests: XCTestCase {
    func testNewestLatestCheckpointUnderTheRoot() throws {
        let root = try CorpusFixtures.temporaryDirectory(for: self).path
        XCTAssertThrowsError(try RunFolder.newestCheckpoint(under: root)) { error in
            XCTAssertEqual(error as? TrainingError, .noCheckpoint(directory: root))
            XCTAssertTrue("\(error)".contains("no run folder there has a latest.ckpt"))
        }
        let old = try RunFolder.create(root: root, name: "old"), new = try RunFolder.create(root: root, name: "new")
        _ = try RunFolder.create(root: root, name: "empty")
        for (folder, age) in [(old, 100.0), (new, 10.0)] {
            _ = FileManager.default.createFile(atPath: folder.latest, contents: Data([1]))
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -age)],
                                                  ofItemAtPath: folder.latest)
        }
        XCTAssertEqual(try RunFolder.newestCheckpoint(under: root), new.latest)
    }

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
