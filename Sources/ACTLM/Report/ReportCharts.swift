/// The charts of a report, made from its runs' metrics: every run a series in its own style (the
/// run's place in the list), so a run looks the same in every chart.
public struct ReportCharts {
    public let runs: [ReportRun]

    public init(runs: [ReportRun]) {
        self.runs = runs
    }

    public static let bytesTitle = "training bytes read"
    public static let minutesTitle = "wall time, minutes"

    private func series(_ value: (MetricsRecord) -> LineChart.Point?) -> [LineChart.Series] {
        runs.enumerated().map { index, run in
            LineChart.Series(name: run.name, style: .forRun(index), points: run.records.compactMap(value))
        }
    }

    /// Held-out bpc at every validation, against training bytes read.
    public var validationByBytes: LineChart {
        LineChart(title: "Validation bpc by bytes read", xTitle: Self.bytesTitle,
                  yTitle: "held-out bits per character", xStyle: .metric,
                  series: series { r in r.validBPC.map { LineChart.Point(Double(r.chars), $0) } },
                  emptyMessage: "not enough data yet: fewer than two validations")
    }

    /// Held-out bpc at every validation, against wall time: runs of different speed side by side.
    public var validationByMinutes: LineChart {
        LineChart(title: "Validation bpc by wall time", xTitle: Self.minutesTitle,
                  yTitle: "held-out bits per character",
                  series: series { r in r.validBPC.map { LineChart.Point(r.elapsedSeconds / 60, $0) } },
                  emptyMessage: "not enough data yet: fewer than two validations")
    }

    public var trainingByBytes: LineChart {
        LineChart(title: "Training bpc by bytes read", xTitle: Self.bytesTitle,
                  yTitle: "training bits per character", xStyle: .metric,
                  series: series { LineChart.Point(Double($0.chars), $0.trainBPC) },
                  emptyMessage: "not enough data yet: fewer than two metrics records")
    }

    public var trainingByMinutes: LineChart {
        LineChart(title: "Training bpc by wall time", xTitle: Self.minutesTitle,
                  yTitle: "training bits per character",
                  series: series { LineChart.Point($0.elapsedSeconds / 60, $0.trainBPC) },
                  emptyMessage: "not enough data yet: fewer than two metrics records")
    }

    /// Layers of the deepest run.
    public var layers: Int {
        runs.map { run in run.checkpoint?.config.layers ?? run.records.map(\.meanRho.count).max() ?? 0 }.max() ?? 0
    }

    /// Mean ρ of `layer` (from 0) over the training windows of each record, with each run's halting
    /// warm-up shaded: before its end the halting units did not learn.
    public func ponder(layer: Int) -> LineChart {
        var ends: [Double: [String]] = [:]
        for run in runs { if let end = run.haltingWarmupEndBytes { ends[end, default: []].append(run.name) } }
        let bands = ends.keys.sorted().map { end in
            LineChart.Band(from: 0, to: end, label: "halting warm-up" + (runs.count > 1 && ends.count > 1
                ? " (" + ends[end]!.joined(separator: ", ") + ")" : ""))
        }
        return LineChart(title: "Mean ρ of layer \(layer + 1) while training", xTitle: Self.bytesTitle,
                         yTitle: "mean ponder cost ρ = N + R", xStyle: .metric,
                         series: series { r in layer < r.meanRho.count ? LineChart.Point(Double(r.chars), r.meanRho[layer]) : nil },
                         bands: bands, emptyMessage: "not enough data yet: fewer than two metrics records")
    }

    /// The figure for a README: held-out bpc against bytes and against minutes, one legend.
    public var learningCurveFigure: ChartFigure {
        ChartFigure(charts: [validationByBytes, validationByMinutes])
    }
}
