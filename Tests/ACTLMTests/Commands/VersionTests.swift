import XCTest
import ACTLM

final class VersionTests: XCTestCase {
    /// `actlm --version` prints the version that checkpoints record as written by.
    func testTheBinaryReportsTheLibrarysVersion() throws {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        let output = try ActlmBinary.run(["--version"], in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.text, ACTLMVersion.string + "\n")
    }
}
