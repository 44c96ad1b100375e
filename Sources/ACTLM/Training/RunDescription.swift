import Foundation

/// A run's settings for people, spelt once: `actlm train`'s header, `actlm inspect`, the report's settings
/// table and `actlm bench` show these lines.
public struct RunDescription: Sendable {
    public let options: TrainingOptions
    public var config: ModelConfig { options.model }

    public init(_ options: TrainingOptions) {
        self.options = options
    }

    /// "L=2 H=256 M=3 ε=0.1" (the fixed control: "L=2 H=256 K=2 fixed"): the model's shape, as every view
    /// spells it.
    public static func shape(_ config: ModelConfig) -> String {
        if config.ponder == .fixed { return "L=\(config.layers) H=\(config.hidden) K=\(config.maxPonder) fixed" }
        return "L=\(config.layers) H=\(config.hidden) M=\(config.maxPonder) ε=\(config.epsilon)"
    }

    /// "L=2 H=256 M=3 ε=0.1, τ 0.005", for headings.
    public var short: String { "\(Self.shape(config)), τ \(options.tau)" }

    /// "L=2 H=256 M=3 ε=0.1, halting bias 1.0 reading h-c, state reset every 500 bytes, 1,119,490 parameters";
    /// the fixed control: "L=2 H=256, ponder: fixed, K = 2 steps per byte (no halting unit), …".
    public var model: String {
        if config.ponder == .fixed {
            return "L=\(config.layers) H=\(config.hidden), ponder: fixed, K = \(config.maxPonder) steps per byte "
                + "(no halting unit), \(config.resetDescription), "
                + "\(grouped(ParameterLayout(config: config).count)) parameters"
        }
        return "\(Self.shape(config)), halting bias \(config.haltingBias) reading \(config.haltingInput)"
            + (config.haltsAsStack ? " (layer 1's unit, for the stack)" : "")
            + ", \(config.resetDescription), \(grouped(ParameterLayout(config: config).count)) parameters"
    }

    /// "lr 0.002, warm-up 100 steps, cosine decay to 0.0001 from step 16,000 to 20,000". A decay not yet
    /// fixed is said as what will fix it; `minutesLimited`: this session stops after --minutes.
    public func learningRate(minutesLimited: Bool = false) -> String {
        let schedule = options.schedule
        var rate = "lr \(schedule.peak)"
        if schedule.warmupSteps > 0 { rate += ", warm-up \(schedule.warmupSteps) steps" }
        if schedule.decay != .none {
            rate += ", \(schedule.decay.rawValue) decay to \(schedule.floor) "
            if !schedule.isPending {
                rate += "from step \(grouped(schedule.decayBegins)) to \(grouped(schedule.totalSteps))"
            } else if minutesLimited {
                rate += "over the last \(options.decayShare) of the minutes"
            } else {
                rate += "once a session with --minutes reaches its last \(options.decayShare)"
            }
        }
        if let bytes = options.byteRateDescription { rate += ", \(bytes)" }
        return rate
    }

    /// "batch 32 × 100 bytes, τ 0.005, <the learning rate>, clip 1.0, seed 1"
    public func training(minutesLimited: Bool = false) -> String {
        "batch \(options.batch) × \(options.seq) bytes, τ \(options.tau), "
            + "\(learningRate(minutesLimited: minutesLimited)), clip \(options.clip), seed \(options.seed)"
    }

    /// "halting units frozen for 500 steps, then at the learning rate"
    public var halting: String { options.haltingDescription }

    /// The labelled lines: model, training, halting.
    public func lines(minutesLimited: Bool = false) -> [(label: String, text: String)] {
        [("model", model), ("training", training(minutesLimited: minutesLimited)), ("halting", halting)]
    }

    /// The lines as the console and `inspect` print them, the label in a column of 12: "model       L=2 …".
    public func text(minutesLimited: Bool = false) -> [String] {
        lines(minutesLimited: minutesLimited).map { $0.label.padding(toLength: 12, withPad: " ", startingAt: 0) + $0.text }
    }
}
