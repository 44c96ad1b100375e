import XCTest
@testable import ACTLM

final class PathPartsTests: XCTestCase {
    func testDirectoryAndName() {
        for (path, directory, name) in [("runs/a/latest.ckpt", "runs/a", "latest.ckpt"), ("latest.ckpt", ".", "latest.ckpt"),
                                        ("/latest.ckpt", "/", "latest.ckpt"), ("/tmp/x", "/tmp", "x"),
                                        ("./x", ".", "x")] {
            XCTAssertEqual(PathParts.directory(of: path), directory, path)
            XCTAssertEqual(PathParts.name(of: path), name, path)
        }
    }
}
