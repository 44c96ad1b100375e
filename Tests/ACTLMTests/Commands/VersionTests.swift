import XCTest
import ACTLM

final class SmokeTests: XCTestCase {
    func testVersionIsSet() {
        XCTAssertFalse(ACTLMVersion.string.isEmpty)
    }
}
