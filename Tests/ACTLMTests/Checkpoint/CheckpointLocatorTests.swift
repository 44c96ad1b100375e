import Foundation
import XCTest
import ACTLM

final class CheckpointLocatorTests: XCTestCase {
    private func touch(_ path: String, minutesAgo: Double) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: Data("x".utf8))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60 * minutesAgo)],
                                              ofItemAtPath: path)
    }

    func testNewestCheckpointAnywhereUnderTheFolder() throws {
        let root = try CommandFixtures.temporaryDirectory(for: self) + "/checkpoints"
        try touch(root + "/run-1/latest.ckpt", minutesAgo: 30)
        try touch(root + "/run-1/best.ckpt", minutesAgo: 40)
        try touch(root + "/run-2/best.ckpt", minutesAgo: 5)
        try touch(root + "/run-2/deep/er/old.ckpt", minutesAgo: 50)
        try touch(root + "/run-2/notes.txt", minutesAgo: 1)
        try touch(root + "/run-2/.latest.ckpt.123-abc.tmp", minutesAgo: 0)
        try touch(root + "/run-3/.hidden.ckpt", minutesAgo: 0)
        XCTAssertEqual(try CheckpointLocator.newest(under: root), root + "/run-2/best.ckpt")

        try touch(root + "/run-2/deep/er/old.ckpt", minutesAgo: 1)
        XCTAssertEqual(try CheckpointLocator.newest(under: root), root + "/run-2/deep/er/old.ckpt")
        XCTAssertEqual(try CheckpointLocator.locate(nil, directory: root), root + "/run-2/deep/er/old.ckpt")
    }

    func testAnExplicitPathWinsAndAFolderIsSearched() throws {
        let root = try CommandFixtures.temporaryDirectory(for: self)
        try touch(root + "/checkpoints/a/latest.ckpt", minutesAgo: 1)
        try touch(root + "/elsewhere/run/best.ckpt", minutesAgo: 10)
        XCTAssertEqual(try CheckpointLocator.locate("some/file.ckpt", directory: root + "/checkpoints"), "some/file.ckpt")
        XCTAssertEqual(try CheckpointLocator.locate(root + "/elsewhere", directory: root + "/checkpoints"),
                       root + "/elsewhere/run/best.ckpt")
    }

    func testNoFolderAndAnEmptyFolderSayWhatToDo() throws {
        let root = try CommandFixtures.temporaryDirectory(for: self)
        XCTAssertThrowsError(try CheckpointLocator.newest(under: root + "/checkpoints")) { error in
            XCTAssertEqual(error as? CheckpointSearchError, .noDirectory(root + "/checkpoints", .use))
            XCTAssertTrue("\(error)".contains("actlm train"), "\(error)")
            XCTAssertTrue("\(error)".contains("--checkpoint"), "\(error)")
        }
        try touch(root + "/checkpoints/run/metrics.jsonl", minutesAgo: 1)
        XCTAssertThrowsError(try CheckpointLocator.newest(under: root + "/checkpoints")) { error in
            XCTAssertEqual(error as? CheckpointSearchError, .noCheckpoint(root + "/checkpoints", .use))
            XCTAssertTrue("\(error)".contains("no .ckpt file"), "\(error)")
        }
    }

    /// `train --resume latest` takes the newest run folder's latest.ckpt, never a best.ckpt or a temporary.
    func testNewestLatestCheckpointToResume() throws {
        let root = try CommandFixtures.temporaryDirectory(for: self) + "/checkpoints"
        XCTAssertThrowsError(try CheckpointLocator.newest(under: root, for: .resume)) { error in
            XCTAssertEqual(error as? CheckpointSearchError, .noDirectory(root, .resume))
            XCTAssertTrue("\(error)".hasPrefix("no checkpoint to resume: there is no folder \(root)/ here."), "\(error)")
            XCTAssertTrue("\(error)".contains("--checkpoint-dir"), "\(error)")
        }
        try touch(root + "/old/latest.ckpt", minutesAgo: 100)
        try touch(root + "/new/latest.ckpt", minutesAgo: 10)
        try touch(root + "/new/best.ckpt", minutesAgo: 1)
        try touch(root + "/new/.latest.ckpt.123-abc.tmp", minutesAgo: 0)
        try touch(root + "/empty/metrics.jsonl", minutesAgo: 0)
        XCTAssertEqual(try CheckpointLocator.newest(under: root, for: .resume), root + "/new/latest.ckpt")
        XCTAssertEqual(try CheckpointLocator.newest(under: root + "/", for: .resume), root + "/new/latest.ckpt")

        let empty = root + "/empty"
        XCTAssertThrowsError(try CheckpointLocator.newest(under: empty, for: .resume)) { error in
            XCTAssertEqual(error as? CheckpointSearchError, .noCheckpoint(empty, .resume))
            XCTAssertTrue("\(error)".hasPrefix("no checkpoint to resume under \(empty)/: no run folder there has a "
                                               + "latest.ckpt. Give the checkpoint's path to --resume"), "\(error)")
        }
    }

    func testTrainedModelLoadsWhatWasSaved() throws {
        let root = try CommandFixtures.temporaryDirectory(for: self)
        let model = CommandFixtures.randomModel(layers: 1, hidden: 8)
        try CommandFixtures.save(model, to: root + "/checkpoints/run/latest.ckpt")
        let loaded = try TrainedModel.load(nil, directory: root + "/checkpoints")
        XCTAssertEqual(loaded.path, root + "/checkpoints/run/latest.ckpt")
        XCTAssertEqual(loaded.config, model.config)
        XCTAssertEqual(loaded.parameters, model.parameters)
        XCTAssertEqual(loaded.shape, "1 layer of 8, M = 4")
    }

    /// `latest` and `best` name the last save and the best checkpoint of the run that saved last, for
    /// every command; a report takes `latest` as that run's folder.
    func testLatestAndBestNameTheRunThatSavedLast() throws {
        let root = try CommandFixtures.temporaryDirectory(for: self) + "/checkpoints"
        try touch(root + "/old/latest.ckpt", minutesAgo: 100)
        try touch(root + "/old/best.ckpt", minutesAgo: 1)
        try touch(root + "/new/latest.ckpt", minutesAgo: 10)
        try touch(root + "/new/best.ckpt", minutesAgo: 20)
        XCTAssertEqual(try CheckpointLocator.locate("latest", directory: root, for: .resume), root + "/new/latest.ckpt")
        XCTAssertEqual(try CheckpointLocator.locate("best", directory: root), root + "/new/best.ckpt")
        XCTAssertEqual(try CheckpointLocator.locateRun("latest", directory: root), root + "/new")
        XCTAssertEqual(try CheckpointLocator.locateRun(root + "/old", directory: root), root + "/old")
        XCTAssertEqual(CheckpointLocator.checkpoints(of: RunFolder(path: root + "/old")),
                       [root + "/old/latest.ckpt", root + "/old/best.ckpt"])

        try FileManager.default.removeItem(atPath: root + "/new/best.ckpt")
        XCTAssertEqual(CheckpointLocator.checkpoints(of: RunFolder(path: root + "/new")), [root + "/new/latest.ckpt"])
        XCTAssertThrowsError(try CheckpointLocator.locate("best", directory: root)) { error in
            XCTAssertEqual(error as? CheckpointSearchError, .noBest(root + "/new"))
            XCTAssertTrue("\(error)".contains("has not validated"), "\(error)")
        }
    }
}
