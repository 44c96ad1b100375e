import Foundation
import XCTest
import ACTLM

/// Small corpora and tiny models for the training and checkpoint tests.
enum TrainingFixtures {
    /// A tiny model that trains in milliseconds per step but still ponders (M = 4).
    static func options(seed: UInt64 = 1) -> TrainingOptions {
        var options = TrainingOptions.defaults
        options.model = ModelConfig(layers: 2, hidden: 16, maxPonder: 4, epsilon: 0.01, stateReset: 0)
        options.batch = 4
        options.seq = 16
        options.tau = 0.01
        options.schedule = LearningRateSchedule(peak: 1e-2, warmupSteps: 2)
        options.seed = seed
        options.haltingWarmup = 0
        options.validFraction = 0.1
        options.validChars = 2_000
        options.traceChars = 100
        return options
    }

    /// A plain-text corpus of word-like generated text in `directory`.
    static func corpus(in directory: URL, bytes: Int = 40_000, seed: UInt64 = 3) throws -> String {
        try CorpusFixtures.write(CorpusFixtures.text(bytes: bytes, seed: seed),
                                 to: directory.appendingPathComponent("corpus.txt"))
    }

    static func bytes(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { Array($0) }
    }

    static func listing(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    /// Waits up to `seconds` for `condition`.
    static func wait(seconds: Double, until condition: () -> Bool) -> Bool {
        let watch = Stopwatch()
        while watch.seconds < seconds {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }
}
