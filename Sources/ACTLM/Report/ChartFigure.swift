/// Several charts side by side in one SVG with one legend below them all, for charts that share their
/// series (the same runs against bytes and against minutes): a figure for a README or a paper.
public struct ChartFigure: Sendable {
    public var charts: [LineChart]

    public init(charts: [LineChart]) {
        self.charts = charts
    }

    public func svg() -> String {
        let width = charts.reduce(0) { $0 + $1.width }
        let height = charts.map(\.height).max() ?? 0
        let series = charts.first?.series ?? []
        let legend = ChartLegend(series.map { ($0.name, $0.style, $0.points.isEmpty) }, width: width)
        let total = height + legend.height
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(svgNumber(width)) \(svgNumber(total))\" "
            + "width=\"\(svgNumber(width))\" height=\"\(svgNumber(total))\" \(LineChart.font)>\n"
        out += "<title>" + xmlEscaped(charts.map(\.title).joined(separator: "; ")) + "</title>\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        var x = 0.0
        for chart in charts {
            out += "<g transform=\"translate(\(svgNumber(x)) 0)\" aria-label=\"" + xmlEscaped(chart.title) + "\">\n"
                + chart.body() + "</g>\n"
            x += chart.width
        }
        return out + legend.svg(y: height) + "</svg>\n"
    }
}
