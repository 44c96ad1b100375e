import Foundation
import XCTest
import ACTLM

final class LineChartTests: XCTestCase {
    func testTicksAreRoundAndCoverTheData() {
        let ticks = AxisTicks(covering: 0.13, 0.93, count: 4)
        XCTAssertEqual(ticks.step, 0.2, accuracy: 1e-12)
        XCTAssertEqual(ticks.lower, 0, accuracy: 1e-12)
        XCTAssertEqual(ticks.upper, 1, accuracy: 1e-12)
        XCTAssertEqual(ticks.values.map(ticks.label), ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])

        let bytes = AxisTicks(covering: 0, 4_700_000, count: 4, style: .metric)
        XCTAssertEqual(bytes.values.map(bytes.label), ["0", "1M", "2M", "3M", "4M", "5M"])
        let half = AxisTicks(covering: 0, 2_600, count: 5, style: .metric)
        XCTAssertEqual(half.values.map(half.label), ["0", "0.5k", "1.0k", "1.5k", "2.0k", "2.5k", "3.0k"])

        // A flat range still gets an axis around its value.
        let flat = AxisTicks(covering: 2, 2)
        XCTAssertLessThan(flat.lower, 2)
        XCTAssertGreaterThan(flat.upper, 2)
    }

    /// Whatever a metrics file holds, the axis gets a few finite ticks (these ranges trapped before).
    func testTicksOfUnplaceableValuesAreFewAndFinite() {
        for (low, high) in [(5e-324, 5e-324), (0, 0), (-1e308, 1e308), (-Double.infinity, 2), (1, .nan),
                            (.greatestFiniteMagnitude, .greatestFiniteMagnitude), (-2e-320, 3e-320)] {
            let ticks = AxisTicks(covering: low, high)
            XCTAssertTrue(ticks.step.isFinite && ticks.step > 0, "\(low) ... \(high): step \(ticks.step)")
            XCTAssertTrue((2...12).contains(ticks.values.count), "\(low) ... \(high): \(ticks.values)")
            XCTAssertTrue(ticks.values.allSatisfy(\.isFinite), "\(low) ... \(high): \(ticks.values)")
        }
    }

    func testEveryLineHasOnePointPerFiniteValueAndTheSVGIsWellFormed() throws {
        let a = (0..<37).map { LineChart.Point(Double($0) * 1000, 5 - Double($0) / 20) }
        var b = (0..<12).map { LineChart.Point(Double($0) * 3000, 4.5 - Double($0) / 30) }
        b[5].y = .nan   // a diverged step is left out, not drawn at 0
        let chart = LineChart(title: "bpc <by> bytes & time", xTitle: "bytes", yTitle: "bpc", xStyle: .metric,
                              series: [LineChart.Series(name: "act", style: .forRun(0), points: a),
                                       LineChart.Series(name: "m=1 \"base\"", style: .forRun(1), points: b)],
                              bands: [LineChart.Band(from: 0, to: 8000, label: "warm-up")])
        let svg = Array(chart.svg().utf8)
        let xml = XMLCollector.parse(svg)
        XCTAssertNil(xml.error, "\(String(describing: xml.error))")
        XCTAssertEqual(xml.root?.name, "svg")
        XCTAssertEqual(ReportFixtures.pointCounts(svg), ["bpc <by> bytes & time": ["act": 37, "m=1 \"base\"": 11]])
        let texts = xml.elements("text").map(\.text)
        for label in ["0", "10k", "20k", "30k", "40k", "bytes", "bpc", "warm-up", "act", "m=1 \"base\""] {
            XCTAssertTrue(texts.contains(label), "«\(label)» missing from \(texts)")
        }
        XCTAssertEqual(xml.counts["rect"].map { $0 >= 2 }, true, "background and the warm-up band")
        XCTAssertTrue(chart.hasData)
    }

    func testAChartWithoutTwoPointsSaysSoInsteadOfDrawingAxes() throws {
        for points in [[], [LineChart.Point(64, 5.1)]] {
            let chart = LineChart(title: "t", xTitle: "x", yTitle: "y",
                                  series: [LineChart.Series(name: "one", style: .forRun(0), points: points)],
                                  emptyMessage: "not enough data yet: fewer than two validations")
            XCTAssertFalse(chart.hasData)
            let xml = XMLCollector.parse(Array(chart.svg().utf8))
            XCTAssertNil(xml.error)
            XCTAssertNil(xml.counts["polyline"])
            XCTAssertTrue(xml.elements("text").contains { $0.text == "not enough data yet: fewer than two validations" })
            XCTAssertEqual(xml.elements("text").filter { $0.text == "0" }.count, 0, "no tick labels around nothing")
        }
    }

    func testOnePointBesideALineIsDrawnAsItsMarker() throws {
        let chart = LineChart(title: "t", xTitle: "x", yTitle: "y", series: [
            LineChart.Series(name: "two", style: .forRun(0), points: [.init(0, 1), .init(1, 2)]),
            LineChart.Series(name: "one", style: .forRun(1), points: [.init(0.5, 1.5)]),
        ])
        let xml = XMLCollector.parse(Array(chart.svg().utf8))
        XCTAssertNil(xml.error)
        XCTAssertEqual(xml.counts["polyline"], 1)
        // Run 1 is drawn with squares: one in the plot, one in the legend.
        XCTAssertEqual(xml.elements("rect") { $0.attributes["data-name"] == "one" }.count, 1)
    }

    func testRunStylesDifferInColourDashAndMarker() {
        let styles = (0..<7).map(SeriesStyle.forRun)
        XCTAssertEqual(Set(styles.map(\.color)).count, 7)
        XCTAssertEqual(Set(styles.map { $0.dash ?? "solid" }).count, 7)
        XCTAssertEqual(Set(styles.map(\.marker)).count, 7)
        XCTAssertNotEqual(SeriesStyle.forRun(7), SeriesStyle.forRun(0))
    }
}
