/// A line chart as SVG: one line per series over a shared pair of axes with round ticks, grid lines,
/// axis titles with units, shaded bands for spans of x (a warm-up) and, optionally, a legend below.
/// A series of one point is drawn as its marker; a chart where no series has two points says "not
/// enough data yet" inside an empty frame instead of drawing axes around nothing.
///
/// Each series is a `<polyline>` with one coordinate pair per finite point given, so the figure
/// carries exactly the numbers it was made from.
public struct LineChart: Sendable {
    public struct Point: Equatable, Sendable {
        public var x: Double
        public var y: Double

        public init(_ x: Double, _ y: Double) {
            self.x = x
            self.y = y
        }
    }

    public struct Series: Sendable {
        public var name: String
        public var style: SeriesStyle
        public var points: [Point]

        /// Points with a non-finite coordinate (a diverged step) are left out.
        public init(name: String, style: SeriesStyle, points: [Point]) {
            self.name = name
            self.style = style
            self.points = points.filter { $0.x.isFinite && $0.y.isFinite }
        }
    }

    /// A shaded span of x, labelled at its top.
    public struct Band: Sendable {
        public var from: Double
        public var to: Double
        public var label: String

        public init(from: Double, to: Double, label: String) {
            self.from = from
            self.to = to
            self.label = label
        }
    }

    public var title: String
    public var xTitle: String
    public var yTitle: String
    public var xStyle: AxisTicks.Style
    /// Start the x-axis at 0 (bytes read, minutes), so a late start shows as one.
    public var xFromZero: Bool
    public var series: [Series]
    public var bands: [Band]
    /// Said in the empty frame when no series has two points.
    public var emptyMessage: String
    public var width: Double
    public var height: Double

    public init(title: String, xTitle: String, yTitle: String, xStyle: AxisTicks.Style = .decimal,
                xFromZero: Bool = true, series: [Series], bands: [Band] = [],
                emptyMessage: String = "not enough data yet", width: Double = 470, height: Double = 300) {
        self.title = title
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.xStyle = xStyle
        self.xFromZero = xFromZero
        self.series = series
        self.bands = bands
        self.emptyMessage = emptyMessage
        self.width = width
        self.height = height
    }

    /// True when at least one series has a line to draw.
    public var hasData: Bool { series.contains { $0.points.count >= 2 } }

    // Plot area insets, in pixels.
    static let left = 62.0, right = 20.0, top = 36.0, bottom = 50.0
    static let font = "font-family=\"Helvetica, Arial, 'DejaVu Sans', sans-serif\""

    /// The chart as a standalone `<svg>` element (namespace included, so it is also a valid file), with
    /// the legend below the plot when `legend` is true.
    public func svg(legend: Bool = true) -> String {
        let legendBox = ChartLegend(series.map { ($0.name, $0.style, $0.points.isEmpty) }, width: width)
        let total = height + (legend ? legendBox.height : 0)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(svgNumber(width)) \(svgNumber(total))\" "
            + "width=\"\(svgNumber(width))\" height=\"\(svgNumber(total))\" \(Self.font) class=\"chart\" role=\"img\" "
            + "aria-label=\"" + xmlEscaped(title) + "\">\n"
        out += "<title>" + xmlEscaped(title) + "</title>\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        out += body()
        if legend { out += legendBox.svg(y: height) }
        return out + "</svg>\n"
    }

    /// Everything but the legend, in a `width` × `height` box at the origin.
    func body() -> String {
        let x0 = Self.left, x1 = width - Self.right, y0 = Self.top, y1 = height - Self.bottom
        var out = "<text x=\"\(svgNumber(x0))\" y=\"20\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">"
            + xmlEscaped(title) + "</text>\n"
        guard hasData else { return out + emptyPlot(x0: x0, x1: x1, y0: y0, y1: y1) }
        let all = series.flatMap(\.points)
        let xs = AxisTicks(covering: min(all.map(\.x).min()!, xFromZero ? 0 : .infinity), all.map(\.x).max()!,
                           count: 4, style: xStyle)
        let ys = AxisTicks(covering: all.map(\.y).min()!, all.map(\.y).max()!, count: 5)
        func px(_ x: Double) -> Double { x0 + xs.fraction(x) * (x1 - x0) }
        func py(_ y: Double) -> Double { y1 - ys.fraction(y) * (y1 - y0) }

        for band in bands where band.to > xs.lower && band.from < xs.upper {
            let a = px(max(band.from, xs.lower)), b = px(min(band.to, xs.upper))
            out += "<rect x=\"\(svgNumber(a))\" y=\"\(svgNumber(y0))\" width=\"\(svgNumber(max(b - a, 1)))\" "
                + "height=\"\(svgNumber(y1 - y0))\" fill=\"#000000\" fill-opacity=\"0.07\" class=\"band\"/>\n"
            out += "<text x=\"\(svgNumber(a + 4))\" y=\"\(svgNumber(y0 + 14))\" font-size=\"11.5\" fill=\"#444\">"
                + xmlEscaped(band.label) + "</text>\n"
        }
        // Grid, axes, ticks.
        out += "<g stroke=\"#e4e4e4\" stroke-width=\"1\">"
        for v in ys.values { out += "<line x1=\"\(svgNumber(x0))\" y1=\"\(svgNumber(py(v)))\" x2=\"\(svgNumber(x1))\" y2=\"\(svgNumber(py(v)))\"/>" }
        for v in xs.values { out += "<line x1=\"\(svgNumber(px(v)))\" y1=\"\(svgNumber(y0))\" x2=\"\(svgNumber(px(v)))\" y2=\"\(svgNumber(y1))\"/>" }
        out += "</g>\n"
        out += "<path d=\"M\(svgNumber(x0)) \(svgNumber(y0)) V\(svgNumber(y1)) H\(svgNumber(x1))\" stroke=\"#444\" fill=\"none\"/>\n"
        out += "<g font-size=\"13\" fill=\"#333\">"
        for v in ys.values {
            out += "<text x=\"\(svgNumber(x0 - 6))\" y=\"\(svgNumber(py(v) + 4))\" text-anchor=\"end\">\(ys.label(v))</text>"
        }
        for v in xs.values {
            out += "<text x=\"\(svgNumber(px(v)))\" y=\"\(svgNumber(y1 + 17))\" text-anchor=\"middle\">\(xs.label(v))</text>"
        }
        out += "</g>\n"
        out += "<text x=\"\(svgNumber((x0 + x1) / 2))\" y=\"\(svgNumber(height - 10))\" text-anchor=\"middle\" "
            + "font-size=\"13.5\" fill=\"#222\">" + xmlEscaped(xTitle) + "</text>\n"
        out += "<text transform=\"translate(15 \(svgNumber((y0 + y1) / 2))) rotate(-90)\" text-anchor=\"middle\" "
            + "font-size=\"13.5\" fill=\"#222\">" + xmlEscaped(yTitle) + "</text>\n"

        // Lines, then markers on top: about ten per line, offset from line to line so they do not cover
        // each other where lines meet.
        for (index, s) in series.enumerated() where !s.points.isEmpty {
            out += "<g class=\"series\" data-name=\"" + xmlEscaped(s.name) + "\">"
            if s.points.count >= 2 {
                out += "<polyline fill=\"none\" stroke-linejoin=\"round\" \(s.style.strokeAttributes(width: 2.2)) points=\""
                    + s.points.map { "\(svgNumber(px($0.x))),\(svgNumber(py($0.y)))" }.joined(separator: " ") + "\"/>"
            }
            let every = max(1, s.points.count / 10)
            var i = s.points.count == 1 ? 0 : (index * every / max(series.count, 1)) % every
            while i < s.points.count {
                out += s.style.markerSVG(x: px(s.points[i].x), y: py(s.points[i].y))
                i += every
            }
            out += "</g>\n"
        }
        return out
    }

    /// A dashed box saying why there is nothing to draw, where the plot would be.
    private func emptyPlot(x0: Double, x1: Double, y0: Double, y1: Double) -> String {
        "<rect x=\"\(svgNumber(x0))\" y=\"\(svgNumber(y0))\" width=\"\(svgNumber(x1 - x0))\" "
            + "height=\"\(svgNumber(y1 - y0))\" fill=\"#f6f6f6\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>\n"
            + "<text x=\"\(svgNumber((x0 + x1) / 2))\" y=\"\(svgNumber((y0 + y1) / 2))\" text-anchor=\"middle\" "
            + "font-size=\"15\" fill=\"#555\" class=\"empty\">" + xmlEscaped(emptyMessage) + "</text>\n"
    }
}

/// The key below a chart: a sample of each series' line and marker, then its name, in as many columns
/// as fit the width.
struct ChartLegend {
    let entries: [(name: String, style: SeriesStyle, empty: Bool)]
    let width: Double
    let columns: Int
    let columnWidth: Double
    static let rowHeight = 22.0
    static let swatch = 34.0

    init(_ entries: [(String, SeriesStyle, Bool)], width: Double) {
        self.entries = entries.map { (name: $0.0, style: $0.1, empty: $0.2) }
        self.width = width
        // About 7 px per character at 13 px.
        columnWidth = self.entries.map { Double(Self.label($0).count) * 7.2 + Self.swatch + 28 }.max() ?? 1
        columns = max(1, min(self.entries.count, Int((width - LineChart.left) / columnWidth)))
    }

    static func label(_ entry: (name: String, style: SeriesStyle, empty: Bool)) -> String {
        entry.empty ? entry.name + " (no data yet)" : entry.name
    }

    var height: Double {
        entries.isEmpty ? 0 : Double((entries.count + columns - 1) / columns) * Self.rowHeight + 8
    }

    func svg(y: Double) -> String {
        let left = LineChart.left / 2
        var out = "<g class=\"legend\" font-size=\"13\" fill=\"#222\">"
        for (i, entry) in entries.enumerated() {
            let x = left + Double(i % columns) * columnWidth
            let row = y + 4 + Double(i / columns) * Self.rowHeight + Self.rowHeight / 2
            out += "<line x1=\"\(svgNumber(x))\" y1=\"\(svgNumber(row))\" x2=\"\(svgNumber(x + Self.swatch))\" "
                + "y2=\"\(svgNumber(row))\" \(entry.style.strokeAttributes(width: 2.2))/>"
            out += entry.style.markerSVG(x: x + Self.swatch / 2, y: row)
            out += "<text x=\"\(svgNumber(x + Self.swatch + 7))\" y=\"\(svgNumber(row + 4.5))\">"
                + xmlEscaped(Self.label(entry)) + "</text>"
        }
        return out + "</g>\n"
    }
}

/// `text` escaped for XML content and attribute values.
func xmlEscaped(_ text: String) -> String {
    let sink = OutputSink.memory()
    sink.writeXMLEscaped(text)
    try? sink.flush()
    return String(decoding: sink.collected, as: UTF8.self)
}
