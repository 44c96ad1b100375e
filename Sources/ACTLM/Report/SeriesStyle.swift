/// How one run is drawn in every chart of a report: a colour, a dash pattern and a marker, all three
/// different from run to run, so runs stay apart in grey-scale print and for colour-blind readers.
///
/// Colours are the Okabe–Ito palette (Okabe & Ito 2008), ordered so the first ones are the darkest on
/// white; its yellow, too faint for a thin line on white, is left out.
public struct SeriesStyle: Equatable, Sendable {
    public enum Marker: String, CaseIterable, Sendable {
        case circle, square, triangle, diamond, cross, triangleDown, plus
    }

    public var color: String
    /// An SVG `stroke-dasharray`; nil for a solid line.
    public var dash: String?
    public var marker: Marker

    public static let palette = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"]
    static let dashes: [String?] = [nil, "7 4", "2 3", "10 3 2 3", "4 2", "12 5", "1 2"]

    /// The style of the run at `index`; after seven runs colours repeat with other dashes and markers.
    public static func forRun(_ index: Int) -> SeriesStyle {
        let markers = Marker.allCases
        return SeriesStyle(color: palette[index % palette.count],
                           dash: dashes[(index + index / palette.count) % dashes.count],
                           marker: markers[(index + 2 * (index / palette.count)) % markers.count])
    }

    /// The marker as SVG centred on (x, y), filled with the series colour (white inside the open ones).
    func markerSVG(x: Double, y: Double, size: Double = 4.5) -> String {
        let r = size, cx = svgNumber(x), cy = svgNumber(y)
        func path(_ points: [(Double, Double)]) -> String {
            "<path d=\"M" + points.map { "\(svgNumber(x + $0.0 * r)) \(svgNumber(y + $0.1 * r))" }
                .joined(separator: " L") + " Z\" fill=\"\(color)\"/>"
        }
        switch marker {
        case .circle:
            return "<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"\(svgNumber(r * 0.85))\" fill=\"\(color)\"/>"
        case .square:
            return "<rect x=\"\(svgNumber(x - r * 0.75))\" y=\"\(svgNumber(y - r * 0.75))\" width=\"\(svgNumber(r * 1.5))\" "
                + "height=\"\(svgNumber(r * 1.5))\" fill=\"\(color)\"/>"
        case .triangle: return path([(0, -1.1), (1, 0.75), (-1, 0.75)])
        case .triangleDown: return path([(0, 1.1), (1, -0.75), (-1, -0.75)])
        case .diamond: return path([(0, -1.15), (0.85, 0), (0, 1.15), (-0.85, 0)])
        case .cross, .plus:
            let d = marker == .cross ? r * 0.8 : r
            let lines = marker == .cross
                ? [(x - d, y - d, x + d, y + d), (x - d, y + d, x + d, y - d)]
                : [(x - d, y, x + d, y), (x, y - d, x, y + d)]
            return lines.map { "<line x1=\"\(svgNumber($0.0))\" y1=\"\(svgNumber($0.1))\" x2=\"\(svgNumber($0.2))\" "
                + "y2=\"\(svgNumber($0.3))\" stroke=\"\(color)\" stroke-width=\"2.2\"/>" }.joined()
        }
    }

    /// `stroke` and `stroke-dasharray` attributes for a line in this style.
    func strokeAttributes(width: Double) -> String {
        "stroke=\"\(color)\" stroke-width=\"\(svgNumber(width))\"" + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")
    }
}

/// A coordinate for SVG: one decimal, no trailing ".0", so figures stay small and diff well.
func svgNumber(_ x: Double) -> String {
    guard x.isFinite else { return "0" }
    let tenths = (x * 10).rounded()
    if tenths.truncatingRemainder(dividingBy: 10) == 0 { return String(Int(tenths / 10)) }
    return formatFixed(tenths / 10, decimals: 1)
}
