import Foundation
import XCTest
import ACTLM

/// Runs to report on: tiny real training runs, and hand-made metrics for the edge cases.
enum ReportFixtures {
    /// Trains a tiny model in-process for `steps` steps into `<directory>/runs/<name>`, validating every
    /// `evalEvery` steps, and returns its folder (with metrics.jsonl, checkpoints and report.html).
    @discardableResult
    static func train(_ name: String, in directory: URL, steps: Int = 24, evalEvery: Int = 8, maxPonder: Int = 4,
                      events: ((TrainingEvent) -> Void)? = nil) throws -> RunFolder {
        var options = TrainingFixtures.options()
        options.model.maxPonder = maxPonder
        options.haltingWarmup = 8
        let corpusPath = directory.appendingPathComponent("corpus.txt").path
        if !FileManager.default.fileExists(atPath: corpusPath) { _ = try TrainingFixtures.corpus(in: directory) }
        let corpus = try Corpus(path: corpusPath, validFraction: options.validFraction)
        let folder = try RunFolder.create(root: directory.path + "/runs", name: name)
        let trainer = try Trainer(corpus: corpus, options: options, folder: folder)
        _ = try trainer.train(limits: TrainingLimits(steps: steps),
                              cadence: TrainingCadence(evalEvery: evalEvery, checkpointEvery: 0, logEvery: 4),
                              report: { events?($0) })
        return folder
    }

    static func record(_ step: Int, valid: Double? = nil) -> MetricsRecord {
        MetricsRecord(step: step, chars: step * 64, elapsedSeconds: Double(step) * 0.5, trainBPC: 8 - Double(step) / 10,
                      validBPC: valid, learningRate: 1e-2, gradNorm: 1, meanRho: [2.1, 2.3], charsPerSecond: 128)
    }

    /// The number of points of every line, by chart title and then series (run) name.
    static func pointCounts(_ page: [UInt8]) -> [String: [String: Int]] {
        var counts: [String: [String: Int]] = [:]
        for (element, ancestors) in XMLCollector.parse(page).closed where element.name == "polyline" {
            guard let chart = ancestors.last(where: { $0.attributes["aria-label"] != nil })?.attributes["aria-label"],
                  let series = ancestors.last(where: { $0.attributes["class"] == "series" })?.attributes["data-name"]
            else { continue }
            counts[chart, default: [:]][series] = (element.attributes["points"] ?? "").split(separator: " ").count
        }
        return counts
    }
}
