import ArgumentParser
import ACTLM
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Draw how training runs learn and ponder, side by side, as one HTML page.",
        discussion: """
            Each RUN is a run folder (checkpoints/<run>: its metrics.jsonl, and latest.ckpt or \
            best.ckpt), one checkpoint file (the metrics history it holds), 'latest' (the run that saved \
            last under checkpoints/) or 'best' (that run's best.ckpt). The page is self-contained \
            (inline SVG, no scripts, nothing fetched) and shows: training and validation bpc against \
            bytes read and against wall minutes, every run overlaid; mean ρ per layer over training with \
            the halting warm-up shaded; per layer, the share of N = 1 … M and ρ by character class at the \
            last validation; the ponder map of the held-out excerpt the checkpoint recorded; and each \
            run's settings with where its numbers come from. Lines of a damaged metrics.jsonl are \
            skipped, and the page and standard error say which.

            `actlm train` writes the same page for its run, as report.html in the run folder, at every \
            validation: keep it open in a browser and reload.

            Examples:
              actlm report checkpoints/first
              actlm report checkpoints/act checkpoints/lstm -o compare.html
              actlm report runs/* -o report.html --curves-svg learning-curves.svg
            """
    )

    @Argument(help: ArgumentHelp("Run folders or checkpoint files.", valueName: "run"))
    var runs: [String]

    @Option(name: [.customShort("o"), .customLong("output")],
            help: ArgumentHelp("Where to write the page; '-' for standard output.", valueName: "file"))
    var output = "report.html"

    @Option(name: .customLong("curves-svg"),
            help: ArgumentHelp("Also write the learning curves alone (validation bpc against bytes and against "
                               + "minutes, one legend) as an SVG figure.", valueName: "file"))
    var curvesSVG: String?

    func validate() throws {
        if runs.isEmpty { throw ValidationError("name at least one run folder or checkpoint") }
    }

    func run() throws {
        var runs = try self.runs.map { try ReportRun.load(CheckpointLocator.locateRun($0)) }
        // Runs of the same name from different places are told apart by the path given.
        let names = runs.map(\.name)
        for i in runs.indices where names.filter({ $0 == names[i] }).count > 1 { runs[i].name = self.runs[i] }
        for run in runs {
            for note in run.notes { Terminal.note("warning: \(run.name): \(note)\n") }
            if !run.skippedLines.isEmpty {
                Terminal.note("warning: \(run.metricsSource): skipped "
                              + run.skippedLines.map { "line \($0.line) (\($0.reason))" }.joined(separator: ", ") + "\n")
            }
        }
        let page = RunReportPage(runs: runs)
        if output == "-" {
            try page.write(to: OutputSink.standardOutput())
        } else {
            try page.write(toFile: output)
        }
        if let curvesSVG {
            let figure = Array(ReportCharts(runs: runs).learningCurveFigure.svg().utf8)
            do {
                try AtomicFile.write(figure, to: curvesSVG)
            } catch let error as AtomicFile.WriteError {
                throw ReportError.cannotWrite(path: curvesSVG, reason: error.reason)
            }
        }
        if output != "-" {
            Terminal.note("wrote \(output) (\(runs.count) run\(runs.count == 1 ? "" : "s"))"
                          + (curvesSVG.map { " and \($0)" } ?? "") + "\n")
        }
    }
}
