import Foundation

/// The report on one or more training runs as one self-contained HTML page (inline CSS and SVG, no
/// scripts, nothing fetched): learning curves of every run overlaid, mean ρ per layer over training
/// with the halting warm-up marked, where each model ponders at its last validation, each run's settings
/// with where its numbers come from, and last, as the longest part, the ponder map of each checkpoint's
/// recorded held-out excerpt.
///
/// Like the ponder-map page it is well-formed XML, so XML tools can read it too.
public struct RunReportPage {
    public let runs: [ReportRun]
    public var generated: Date

    public init(runs: [ReportRun], generated: Date = Date()) {
        self.runs = runs
        self.generated = generated
    }

    /// The page in memory.
    public func bytes() throws -> [UInt8] {
        let sink = OutputSink.memory()
        try write(to: sink)
        return sink.collected
    }

    /// Writes the page to `path` through `AtomicFile`, so a browser reloading it while training rewrites
    /// it never shows half a page.
    public func write(toFile path: String) throws {
        let page = try bytes()
        do {
            try AtomicFile.write(page, to: path)
        } catch let error as AtomicFile.WriteError {
            throw ReportError.cannotWrite(path: path, reason: error.reason)
        }
    }

    public func write(to sink: OutputSink) throws {
        let charts = ReportCharts(runs: runs)
        sink.write("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
                   + "<meta charset=\"utf-8\"/>\n"
                   + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>")
        sink.writeXMLEscaped("Training report: " + runs.map(\.name).joined(separator: ", "))
        sink.write("</title>\n<style>\n" + Self.css + PonderMapHTML.styleSheet + "</style>\n</head>\n<body>\n")
        writeHeader(sink)

        section(sink, id: "curves", title: "Learning curves",
                note: "Validation: bits per character on the held-out bytes, at every validation. Training: the "
                    + "mean over the training windows since the previous metrics record. Against bytes read, runs "
                    + "compare per byte of data; against wall time, per unit of the machine's time.")
        sink.write("<div class=\"charts\">\n")
        for chart in [charts.validationByBytes, charts.validationByMinutes, charts.trainingByBytes,
                      charts.trainingByMinutes] {
            sink.write(chart.svg())
        }
        sink.write("</div>\n</section>\n")

        section(sink, id: "ponder-training", title: "Ponder during training",
                note: "Mean ponder cost ρ = N + R of each layer over the training windows of each metrics record "
                    + "(N ponder steps plus the remainder R; 1 ≤ N ≤ M). Shaded: the halting warm-up, while the "
                    + "halting units keep their initial weights.")
        sink.write("<div class=\"charts\">\n")
        for layer in 0..<max(charts.layers, 1) { sink.write(charts.ponder(layer: layer).svg()) }
        sink.write("</div>\n</section>\n")

        section(sink, id: "last-validation", title: "Where each model ponders at its last validation",
                note: "From the ponder statistics the checkpoint keeps of its last validation: per layer, the "
                    + "share of held-out bytes that took N = 1 … M ponder steps, and mean ρ by character class. "
                    + "Word boundaries are spaces after text, punctuation, sentence ends and newlines; a gap "
                    + "space (after a space, tab or newline) is not one.")
        for (index, run) in runs.enumerated() { writeLastValidation(run, style: .forRun(index), sink) }
        sink.write("</section>\n")

        section(sink, id: "settings", title: "Settings and sources", note: nil)
        writeSettings(sink)
        writeSources(sink)
        sink.write("</section>\n")

        section(sink, id: "ponder-maps", title: "Ponder map of the held-out excerpt",
                note: "Each checkpoint's model run over the start of the held-out text that its last validation "
                    + "recorded, drawn as actlm ponder-map --format html draws a text.")
        for run in runs { try writePonderMap(run, sink) }
        sink.write("</section>\n</body>\n</html>\n")
        try sink.flush()
    }

    // MARK: parts of the page

    private func section(_ sink: OutputSink, id: String, title: String, note: String?) {
        sink.write("<section id=\"\(id)\">\n<h2>")
        sink.writeXMLEscaped(title)
        sink.write("</h2>\n")
        if let note {
            sink.write("<p class=\"note\">")
            sink.writeXMLEscaped(note)
            sink.write("</p>\n")
        }
    }

    private func writeHeader(_ sink: OutputSink) {
        sink.write("<header>\n<h1>Training report</h1>\n<ul class=\"runs\">\n")
        for (index, run) in runs.enumerated() {
            let style = SeriesStyle.forRun(index)
            sink.write("<li><svg width=\"34\" height=\"14\" viewBox=\"0 0 34 14\" aria-hidden=\"true\">"
                       + "<line x1=\"0\" y1=\"7\" x2=\"34\" y2=\"7\" \(style.strokeAttributes(width: 2.2))/>"
                       + style.markerSVG(x: 17, y: 7) + "</svg> <b>")
            sink.writeXMLEscaped(run.name)
            sink.write("</b> ")
            sink.writeXMLEscaped(progressLine(run))
            sink.write("</li>\n")
        }
        sink.write("</ul>\n<p class=\"note\">")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        sink.writeXMLEscaped("Written by actlm \(ACTLMVersion.string) at \(formatter.string(from: generated)).")
        sink.write("</p>\n")
        let problems = runs.flatMap { run -> [String] in
            var lines = run.notes.map { "\(run.name): \($0)" }
            if !run.skippedLines.isEmpty {
                lines.append("\(run.name): \(run.metricsSource): skipped \(skippedDescription(run.skippedLines))")
            }
            return lines
        }
        if !problems.isEmpty {
            sink.write("<ul class=\"warnings\">\n")
            for line in problems {
                sink.write("<li>")
                sink.writeXMLEscaped(line)
                sink.write("</li>\n")
            }
            sink.write("</ul>\n")
        }
        sink.write("</header>\n")
    }

    /// "L=2 H=256 M=3 ε=0.1, τ 0.005: step 1,500, 4.8M bytes, 25.0 minutes, validation bpc 2.1034"
    private func progressLine(_ run: ReportRun) -> String {
        var parts: [String] = []
        if let c = run.checkpoint {
            parts.append(RunDescription(c.options).short)
        }
        if let last = run.records.last {
            var progress = "step \(grouped(last.step)), \(grouped(last.chars)) bytes, "
                + formatFixed(last.elapsedSeconds / 60, decimals: 1) + " minutes"
            if let valid = run.validated.last?.validBPC {
                progress += ", validation bpc " + formatFixed(valid, decimals: 4)
            }
            parts.append(progress)
        } else {
            parts.append("no metrics recorded yet")
        }
        return parts.joined(separator: ": ")
    }

    private func skippedDescription(_ skipped: [MetricsLog.SkippedLine]) -> String {
        let shown = skipped.prefix(10).map { "line \($0.line) (\($0.reason))" }.joined(separator: ", ")
        return shown + (skipped.count > 10 ? " and \(skipped.count - 10) more lines" : "")
            + "; the charts show the other lines"
    }

    private func writeLastValidation(_ run: ReportRun, style: SeriesStyle, _ sink: OutputSink) {
        sink.write("<h3>")
        sink.writeXMLEscaped(run.name)
        guard let c = run.checkpoint, let validation = c.validation else {
            sink.write("</h3>\n<p class=\"empty\">")
            sink.writeXMLEscaped(run.checkpoint == nil ? "Not enough data yet: no checkpoint to read the statistics from."
                                                       : "Not enough data yet: no validation so far.")
            sink.write("</p>\n")
            return
        }
        sink.write(" <span class=\"detail\">")
        sink.writeXMLEscaped("validation at step \(grouped(validation.step)) on \(grouped(validation.chars)) held-out "
                             + "bytes, bpc " + formatFixed(validation.bpc, decimals: 4))
        sink.write("</span></h3>\n<div class=\"layers\">\n")
        let report = PonderReport(c.ponderStats, ponder: c.config.ponder)
        for summary in report.perLayer {
            let l = summary.layer - 1
            sink.write("<div class=\"layer\">\n<h4>Layer \(summary.layer)</h4>\n")
            let total = summary.stepHistogram.reduce(0, +)
            sink.write("<table><thead><tr><th>ponder steps N</th><th>share of bytes</th><th></th></tr></thead><tbody>\n")
            for bucket in report.histogramBuckets() {
                let count = bucket.reduce(UInt64(0)) { $0 + summary.stepHistogram[$1 - 1] }
                let share = total == 0 ? 0 : Double(count) / Double(total)
                sink.write("<tr><td>" + (bucket.count == 1 ? "\(bucket.lowerBound)" : "\(bucket.lowerBound)–\(bucket.upperBound)")
                           + "</td><td>" + formatFixed(share * 100, decimals: 1) + "%</td>")
                writeBar(share, style: style, sink)
                sink.write("</tr>\n")
            }
            sink.write("</tbody></table>\n")
            let rows = report.classes.filter { $0.count > 0 }
            let largest = rows.compactMap { $0.meanRho[l] }.max() ?? 1
            sink.write("<table><thead><tr><th>character class</th><th>share</th><th>mean ρ</th><th></th></tr></thead><tbody>\n")
            for row in rows {
                sink.write("<tr><td>")
                sink.writeXMLEscaped(row.name)
                sink.write("</td><td>" + formatFixed(row.share * 100, decimals: 1) + "%</td><td>"
                           + (row.meanRho[l].map { formatFixed($0, decimals: 3) } ?? "–") + "</td>")
                writeBar((row.meanRho[l] ?? 0) / largest, style: style, sink)
                sink.write("</tr>\n")
            }
            sink.write("</tbody></table>\n<p class=\"verdict\">word boundaries / inside words: <b>"
                       + (summary.boundaryToInsideRatio.map { formatFixed($0, decimals: 2) } ?? "–") + "</b> · ")
            sink.writeXMLEscaped(summary.verdict)
            sink.write("</p>\n</div>\n")
        }
        sink.write("</div>\n")
        if !c.ponderTrace.text.isEmpty { writeSignals(PonderSignals(trace: c.ponderTrace).metrics(), sink) }
    }

    /// The signal metrics of the recorded excerpt: one table, a column per signal, of its AUC, average
    /// precision and F1 for word boundaries, its AUC for each kind of boundary byte, and means.
    private func writeSignals(_ m: PonderSignalMetrics, _ sink: OutputSink) {
        func measure(_ x: Double?) -> String { x.map { formatFixed($0, decimals: 3) } ?? "–" }
        func mean(_ x: Double?) -> String { x.map { formatFixed($0, decimals: 2) } ?? "–" }
        typealias Column = (header: String, measures: [String], byKind: [String], means: [String])
        func measures(_ d: BoundaryDetection, recorded: Bool = true) -> [String] {
            recorded ? [d.auc, d.averagePrecision, d.f1].map(measure) : Array(repeating: "not recorded", count: 3)
        }
        let missing = m.lossesRecorded ? "–" : "not recorded"
        var columns: [Column] = m.perLayer.map { layer in
            ("ρ layer \(layer.layer)", measures(layer.rho), m.byKind.map { measure($0.rhoAUC[layer.layer - 1]) },
             [layer.meanRho.digits, layer.meanRho.tagOpenings, layer.meanRho.letters].map(mean))
        }
        columns += m.perLayer.map { layer in
            ("N layer \(layer.layer)", measures(layer.steps), m.byKind.map { measure($0.stepsAUC[layer.layer - 1]) },
             ["", "", ""])
        }
        columns.append(("next-step loss (bits)", measures(m.nextLoss, recorded: m.lossesRecorded),
                        m.byKind.map { m.lossesRecorded ? measure($0.nextLossAUC) : missing },
                        [m.meanNextLoss.digits, m.meanNextLoss.tagOpenings, m.meanNextLoss.letters].map(mean)))
        columns.append(("own surprisal", measures(m.surprisal, recorded: m.lossesRecorded),
                        m.byKind.map { m.lossesRecorded ? measure($0.surprisalAUC) : missing }, ["", "", ""]))
        columns.append(("predictive entropy", measures(m.entropy, recorded: m.entropyRecorded),
                        m.byKind.map { m.entropyRecorded ? measure($0.entropyAUC) : "not recorded" }, ["", "", ""]))
        let share = m.bytes == 0 ? nil : Double(m.boundaries) / Double(m.bytes)
        sink.write("<p class=\"note\">")
        sink.writeXMLEscaped("On the recorded excerpt (\(grouped(m.bytes)) bytes, \(grouped(m.boundaries)) word boundaries: "
                             + "a space after text, punctuation, a sentence end, a newline; a gap space, after a space, "
                             + "tab or newline, is not one): how well each signal marks \"this byte is a word boundary\", "
                             + "as a ROC AUC (1 = higher at every boundary than at any other byte, 0.5 = no signal), an "
                             + "average precision (a signal without information scores about \(measure(share))) and the F1 "
                             + "where the signal marks its top \(grouped(m.boundaries)) bytes (there precision = recall = F1); "
                             + "then the AUC of each kind of boundary byte against the same other bytes (gap spaces "
                             + "against the other non-boundary bytes), and means at digits, '<' and letters.")
        sink.write("</p>\n<div class=\"scroll\"><table class=\"signals\"><thead><tr><th></th>")
        for column in columns {
            sink.write("<th>")
            sink.writeXMLEscaped(column.header)
            sink.write("</th>")
        }
        sink.write("</tr></thead><tbody>\n")
        for (r, label) in ["word boundary AUC", "average precision", "F1 at the top \(grouped(m.boundaries))"].enumerated() {
            sink.write("<tr><td>")
            sink.writeXMLEscaped(label)
            sink.write("</td>")
            for column in columns { sink.write("<td>\(column.measures[r])</td>") }
            sink.write("</tr>\n")
        }
        for (k, kind) in m.byKind.enumerated() {
            sink.write("<tr class=\"kind\"><td>")
            sink.writeXMLEscaped("\(kind.kind.name) (\(grouped(kind.bytes)))")
            sink.write("</td>")
            for column in columns { sink.write("<td>\(column.byKind[k])</td>") }
            sink.write("</tr>\n")
        }
        for (k, label) in ["mean at digits (\(grouped(m.digits)))", "mean at '<' (\(grouped(m.tagOpenings)))",
                           "mean on letters (\(grouped(m.letters)))"].enumerated() {
            sink.write("<tr><td>")
            sink.writeXMLEscaped(label)
            sink.write("</td>")
            for column in columns { sink.write("<td>\(column.means[k])</td>") }
            sink.write("</tr>\n")
        }
        sink.write("</tbody></table></div>\n")
    }

    private func writeBar(_ fraction: Double, style: SeriesStyle, _ sink: OutputSink) {
        let percent = formatFixed(min(max(fraction.isFinite ? fraction : 0, 0), 1) * 100, decimals: 1)
        sink.write("<td class=\"bar\"><span style=\"width:\(percent)%;background:\(style.color)\"></span></td>")
    }

    private func writePonderMap(_ run: ReportRun, _ sink: OutputSink) throws {
        guard let c = run.checkpoint, !c.ponderTrace.text.isEmpty else {
            sink.write("<h3>")
            sink.writeXMLEscaped(run.name)
            sink.write("</h3>\n<p class=\"empty\">")
            sink.writeXMLEscaped(run.checkpoint == nil ? "Not enough data yet: no checkpoint to run."
                                                       : "Not enough data yet: no validation has recorded an excerpt.")
            sink.write("</p>\n")
            return
        }
        let source = "\(run.name): first \(grouped(c.ponderTrace.text.count)) held-out bytes"
        let writer = try PonderMapWriter(layers: c.config.layers,
                                         options: PonderMapOptions(format: .html, source: source, embedded: true),
                                         sink: sink)
        let evaluation = try TextScorer(config: c.config).run(parameters: c.parameters, bytes: c.ponderTrace.text,
                                                              row: { try writer.write($0) })
        try writer.finish(summary: evaluation.summary)
    }

    private func writeSettings(_ sink: OutputSink) {
        func cell(_ run: ReportRun, _ value: (TrainingCheckpoint) -> String) -> String {
            run.checkpoint.map(value) ?? "–"
        }
        let rows: [(String, (ReportRun) -> String)] = [
            ("model", { cell($0) { RunDescription($0.options).model } }),
            ("training", { cell($0) { RunDescription($0.options).training() } }),
            ("halting", { cell($0) { RunDescription($0.options).halting } }),
            ("corpus", { cell($0) { c in "\(c.corpus.path): \(grouped(Int(c.corpus.trainBytes))) training, "
                + "\(grouped(Int(c.corpus.validBytes))) held-out bytes" } }),
            ("progress", { run in run.records.last.map { r in "step \(grouped(r.step)), \(grouped(r.chars)) bytes, "
                + formatFixed(r.elapsedSeconds / 60, decimals: 1) + " minutes, " + grouped(Int(r.charsPerSecond))
                + " chars/s" } ?? "–" }),
            ("best validation bpc", { cell($0) { c in c.bestValidBPC.map { formatFixed($0, decimals: 4) } ?? "–" } }),
            ("written by", { cell($0) { "actlm \($0.writtenBy)" } }),
        ]
        sink.write("<div class=\"scroll\"><table class=\"settings\"><thead><tr><th></th>")
        for run in runs {
            sink.write("<th>")
            sink.writeXMLEscaped(run.name)
            sink.write("</th>")
        }
        sink.write("</tr></thead><tbody>\n")
        for (name, value) in rows {
            sink.write("<tr><th>")
            sink.writeXMLEscaped(name)
            sink.write("</th>")
            for run in runs {
                sink.write("<td>")
                sink.writeXMLEscaped(value(run))
                sink.write("</td>")
            }
            sink.write("</tr>\n")
        }
        sink.write("</tbody></table></div>\n")
    }

    private func writeSources(_ sink: OutputSink) {
        sink.write("<ul class=\"sources\">\n")
        for run in runs {
            sink.write("<li><b>")
            sink.writeXMLEscaped(run.name)
            sink.write("</b>: curves from <code>")
            sink.writeXMLEscaped(run.metricsSource)
            sink.write("</code>")
            sink.writeXMLEscaped(" (\(grouped(run.records.count)) records, \(grouped(run.validated.count)) with a "
                                 + "validation" + (run.skippedLines.isEmpty ? "" : "; \(run.skippedLines.count) damaged "
                                 + "line\(run.skippedLines.count == 1 ? "" : "s") skipped") + ")")
            if let path = run.checkpointPath, let c = run.checkpoint {
                sink.write("; settings, ponder statistics and excerpt from <code>")
                sink.writeXMLEscaped(path)
                sink.write("</code>")
                sink.writeXMLEscaped(" (step \(grouped(c.step)))")
            } else {
                sink.writeXMLEscaped("; no checkpoint, so no settings or ponder statistics")
            }
            sink.write(".</li>\n")
        }
        sink.write("</ul>\n")
    }

    // No "<" or "&" anywhere, so the style sheet is valid XML text as it stands.
    private static let css = """
        *{box-sizing:border-box}
        body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;background:#fff;
          margin:0 auto;padding:20px 28px 40px;max-width:1180px}
        h1{font-size:25px;font-weight:650;margin:0 0 6px}
        h2{font-size:20px;font-weight:650;margin:30px 0 4px;padding-top:12px;border-top:1px solid #e0e0e0}
        h3{font-size:16.5px;font-weight:650;margin:20px 0 6px}
        h3 .detail{font-weight:400;color:#666;font-size:14px}
        h4{font-size:15px;margin:6px 0 4px}
        .note{color:#555;max-width:860px;margin:4px 0 12px}
        .empty{color:#666;font-style:italic}
        ul.runs{list-style:none;padding:0;margin:6px 0}
        ul.runs li{margin:3px 0}
        ul.runs svg{vertical-align:middle}
        .warnings{color:#7a4100;background:#fff5e0;border:1px solid #efd49c;border-radius:4px;padding:8px 12px 8px 30px}
        .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,440px),1fr));gap:16px 26px}
        .charts svg{width:100%;height:auto;display:block}
        .layers{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,340px),1fr));gap:10px 30px}
        table{border-collapse:collapse;font-size:13.5px;font-variant-numeric:tabular-nums;margin:4px 0 10px}
        th,td{padding:2px 8px;text-align:right;border-bottom:1px solid #eee}
        th:first-child,td:first-child{text-align:left}
        thead th{color:#555;font-weight:600;border-bottom:1px solid #ccc}
        tr.kind td{color:#555}tr.kind td:first-child{padding-left:22px}
        td.bar{width:130px;padding-left:2px}
        td.bar span{display:block;height:11px;min-width:1px}
        .verdict{margin:2px 0 10px;color:#333}
        .scroll{overflow-x:auto}
        table.settings td,table.settings th{text-align:left;vertical-align:top}
        table.settings tbody th{color:#555;font-weight:600;white-space:nowrap}
        .sources li{margin:4px 0}
        code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:0.9em;overflow-wrap:anywhere}
        #ponder-maps .ponder-map{margin:10px 0 26px}
        @media (max-width:600px){body{padding:12px 10px 30px}h1{font-size:21px}h2{font-size:18px}
          td.bar{width:80px}th,td{padding:2px 5px}}

        """
}
