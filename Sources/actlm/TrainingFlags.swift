import ArgumentParser
import ACTLM

// The flags that set `TrainingOptions`, declared once for every command that trains (`train`, `bench`);
// their defaults are shown from `TrainingOptions.defaults`, the one place they live.

private let defaults = TrainingOptions.defaults

/// The corpus `make corpus` writes, which the commands that train read when none is named.
let defaultCorpus = "corpora/wiki.gz"

/// A training flag as given: what it sets in `TrainingOptions`, and how it differs from stored settings.
struct OptionSetting {
    let apply: (inout TrainingOptions) -> Void
    let conflict: (TrainingOptions) -> String?

    /// nil when the flag was not given.
    init?<Value: Equatable>(_ flag: String, _ given: Value?, _ field: WritableKeyPath<TrainingOptions, Value>) {
        guard let given else { return nil }
        apply = { $0[keyPath: field] = given }
        conflict = { stored in
            let kept = stored[keyPath: field]
            return kept == given ? nil : "\(flag) \(given) differs from the checkpoint's \(kept)"
        }
    }
}

extension Array where Element == OptionSetting {
    /// `options` with every flag given set: `settings.applied(to: .defaults)` is a fresh run's settings.
    func applied(to options: TrainingOptions) -> TrainingOptions {
        var options = options
        for setting in self { setting.apply(&options) }
        return options
    }

    /// The flags given that differ from `stored` settings, one sentence each.
    func conflicts(with stored: TrainingOptions) -> [String] {
        compactMap { $0.conflict(stored) }
    }
}

struct ModelFlags: ParsableArguments {
    var settings: [OptionSetting] {
        [OptionSetting("--layers", layers, \.model.layers),
         OptionSetting("--hidden", hidden, \.model.hidden),
         OptionSetting("--max-ponder", maxPonder, \.model.maxPonder),
         OptionSetting("--fixed-ponder", fixedPonder, \.model.fixedPonder),
         OptionSetting("--halting-epsilon", haltingEpsilon, \.model.epsilon),
         OptionSetting("--halting-bias", haltingBias, \.model.haltingBias),
         OptionSetting("--halting-warmup", haltingWarmup, \.haltingWarmup),
         OptionSetting("--halting-lr-scale", haltingLearningRateScale, \.haltingLearningRateScale),
         OptionSetting("--reset-every", resetEvery, \.model.stateReset),
         OptionSetting("--halting-input", haltingInput, \.model.haltingInput),
         OptionSetting("--halting-scope", haltingScope, \.model.haltingScope)].compactMap { $0 }
    }

    @Option(help: "Stacked ACT-LSTM layers L (default \(defaults.model.layers)).")
    var layers: Int?

    @Option(help: "Hidden units per layer H (default \(defaults.model.hidden)).")
    var hidden: Int?

    @Option(name: .customLong("max-ponder"),
            help: "Most ponder steps per byte and layer M (default \(defaults.model.maxPonder)); 1 is a plain LSTM.")
    var maxPonder: Int?

    @Option(name: .customLong("fixed-ponder"),
            help: ArgumentHelp("Every byte takes exactly K ponder steps in every layer, carrying the last step's "
                               + "state: the fixed-computation control for ACT (Repeat-RNN), with no halting unit "
                               + "and no ponder cost (default 0: ACT, up to --max-ponder).", valueName: "K"))
    var fixedPonder: Int?

    func validate() throws {
        if let fixedPonder, fixedPonder != 0, maxPonder != nil {
            throw ValidationError("--fixed-ponder \(fixedPonder) sets the steps per byte; leave out --max-ponder")
        }
    }

    @Option(name: .customLong("halting-epsilon"),
            help: ArgumentHelp("ε: a layer stops pondering on a byte once its halting probabilities add up to "
                               + "1 − ε (default \(defaults.model.epsilon); the paper used 0.01).",
                               discussion: "A step taken just below the threshold weighs as little as ε in the "
                               + "layer's output yet costs a whole step; a larger ε makes such steps either "
                               + "count or not happen."))
    var haltingEpsilon: Double?

    @Option(name: .customLong("halting-bias"),
            help: "Initial halting-unit bias (default \(defaults.model.haltingBias): an untrained layer takes 2 steps).")
    var haltingBias: Double?

    @Option(name: .customLong("halting-warmup"),
            help: "Steps during which the halting units keep their initial weights (default \(defaults.haltingWarmup)).")
    var haltingWarmup: Int?

    @Option(name: .customLong("halting-lr-scale"),
            help: "Learning rate of the halting units relative to the rest (default \(defaults.haltingLearningRateScale)).")
    var haltingLearningRateScale: Double?

    @Option(name: .customLong("reset-every"),
            help: ArgumentHelp("Zero each stream's recurrent state every this many bytes, 0 never "
                               + "(default \(defaults.model.stateReset)).",
                               discussion: "Without resets some cells count without bound over a long stream and "
                               + "the halting units, which read the cell state, stop learning. Sample, eval and "
                               + "ponder-map reset the same way."))
    var resetEvery: Int?

    @Option(name: .customLong("halting-input"),
            help: ArgumentHelp("What the halting units read of each ponder step: h-c ([h ; c], as in the paper), h "
                               + "(h only) or h-tanh-c ([h ; tanh c], the cell bounded) (default "
                               + "\(defaults.model.haltingInput.rawValue)).", valueName: "input"))
    var haltingInput: HaltingInput?

    @Option(name: .customLong("halting-scope"),
            help: ArgumentHelp("Which halting unit decides the ponder steps: layer (each layer its own) or stack "
                               + "(layer 1's for every layer, which then all take the same steps) (default "
                               + "\(defaults.model.haltingScope.rawValue)).", valueName: "scope"))
    var haltingScope: HaltingScope?
}

extension HaltingInput: ExpressibleByArgument {}
extension HaltingScope: ExpressibleByArgument {}

/// B, T and τ: what `bench` takes besides the model's flags.
struct WindowFlags: ParsableArguments {
    var settings: [OptionSetting] {
        [OptionSetting("--batch", batch, \.batch),
         OptionSetting("--seq", seq, \.seq),
         OptionSetting("--tau", tau, \.tau)].compactMap { $0 }
    }

    @Option(help: "Streams trained side by side B (default \(defaults.batch)).")
    var batch: Int?

    @Option(help: "Bytes per window of truncated backprop T (default \(defaults.seq)).")
    var seq: Int?

    @Option(help: "Time penalty τ on ponder cost (default \(defaults.tau)); higher ponders less.")
    var tau: Double?
}

struct OptimisationFlags: ParsableArguments {
    var settings: [OptionSetting] {
        window.settings + [OptionSetting("--lr", lr, \.schedule.peak),
                           OptionSetting("--byte-lr-scale", byteLearningRateScale, \.byteLearningRateScale),
                           OptionSetting("--warmup", warmup, \.schedule.warmupSteps),
                           OptionSetting("--decay", decay, \.schedule.decay),
                           OptionSetting("--decay-steps", decaySteps, \.schedule.totalSteps),
                           OptionSetting("--decay-fraction", decayFraction, \.decayFraction),
                           OptionSetting("--lr-final", lrFinal, \.schedule.floor),
                           OptionSetting("--clip", clip, \.clip),
                           OptionSetting("--seed", seed, \.seed)].compactMap { $0 }
    }

    @OptionGroup var window: WindowFlags

    @Option(help: "Peak learning rate of Adam (default \(defaults.schedule.peak)).")
    var lr: Double?

    @Option(name: .customLong("byte-lr-scale"),
            help: ArgumentHelp("Learning rate of layer 1's byte rows relative to the rest (default "
                               + "\(defaults.byteLearningRateScale)).",
                               discussion: "Each byte's row of input weights is read alone, so at the common rate "
                               + "it changes far more slowly than the dense weights; 1 trains it at that rate."))
    var byteLearningRateScale: Double?

    @Option(help: "Steps of linear warm-up to the peak learning rate (default \(defaults.schedule.warmupSteps)).")
    var warmup: Int?

    @Option(help: ArgumentHelp("Learning-rate decay to --lr-final over the last --decay-fraction of the run: "
                               + "none, linear or cosine (default \(defaults.schedule.decay.rawValue)). A --minutes "
                               + "run ends it at the step its speed says it will reach; a run without a limit "
                               + "keeps the peak.", valueName: "shape"))
    var decay: LearningRateSchedule.Decay?

    @Option(name: .customLong("decay-steps"), help: "The step by which the decay reaches --lr-final (default --steps).")
    var decaySteps: Int?

    @Option(name: .customLong("decay-fraction"),
            help: "The part of the run after warm-up that the decay spans (default \(defaults.decayFraction)); 1 decays all along.")
    var decayFraction: Double?

    @Option(name: .customLong("lr-final"), help: "Learning rate at the end of the decay (default \(defaults.schedule.floor)).")
    var lrFinal: Double?

    @Option(help: "Clip gradients to this global norm (default \(defaults.clip)); 0 turns clipping off.")
    var clip: Double?

    @Option(help: "Random seed of the initial weights (default \(defaults.seed)); the same seed trains the same model.")
    var seed: UInt64?
}

struct DataFlags: ParsableArguments {
    var settings: [OptionSetting] {
        [OptionSetting("--valid-fraction", validFraction, \.validFraction),
         OptionSetting("--valid-chars", validChars, \.validChars),
         OptionSetting("--trace-chars", traceChars, \.traceChars)].compactMap { $0 }
    }

    @Option(name: .customLong("valid-fraction"),
            help: "The last fraction of the corpus held out for validation (default \(defaults.validFraction)).")
    var validFraction: Double?

    @Option(name: .customLong("valid"),
            help: ArgumentHelp("Validate on this file instead; training then uses all of the corpus.", valueName: "file"))
    var valid: String?

    @Option(name: .customLong("valid-chars"),
            help: "Held-out bytes each validation reads (default \(defaults.validChars)).")
    var validChars: Int?

    @Option(name: .customLong("trace-chars"),
            help: "Bytes of held-out text whose per-byte ponder each checkpoint records (default \(defaults.traceChars)).")
    var traceChars: Int?
}

struct StopFlags: ParsableArguments {
    @Option(help: "Stop at this step (counting the whole run).")
    var steps: Int?

    @Option(help: "Stop after this many training bytes (counting the whole run).")
    var chars: Int?

    @Option(help: "Stop after this many passes over the training bytes (counting the whole run).")
    var epochs: Double?

    @Option(help: "Stop after this many minutes of this session.")
    var minutes: Double?
}

struct OutputFlags: ParsableArguments {
    /// How often the run validates, saves and logs: the defaults with the flags given.
    var cadence: TrainingCadence {
        var cadence = TrainingCadence.defaults
        if let evalEvery { cadence.evalEvery = evalEvery }
        if let checkpointEvery { cadence.checkpointEvery = checkpointEvery }
        if let logEvery { cadence.logEvery = logEvery }
        return cadence
    }

    @Option(name: .customLong("eval-every"),
            help: "Validate (and save) every this many steps (default \(TrainingCadence.defaults.evalEvery)); 0 only at the end.")
    var evalEvery: Int?

    @Option(name: .customLong("checkpoint-every"),
            help: ArgumentHelp("Save latest.ckpt every this many steps (default \(TrainingCadence.defaults.checkpointEvery)); "
                               + "0 only at validations and the end."))
    var checkpointEvery: Int?

    @Option(name: .customLong("log-every"),
            help: ArgumentHelp("Write a metrics record (and a progress line when not on a terminal) every this "
                               + "many steps (default \(TrainingCadence.defaults.logEvery))."))
    var logEvery: Int?

    @Option(name: .customLong("checkpoint-dir"), help: "Where run folders go.")
    var checkpointDir = RunFolder.defaultRoot

    @Option(name: .customLong("run-name"), help: "The run folder's name (default: run-<UTC date>-<time>).")
    var runName: String?

    @Option(help: ArgumentHelp("Continue a run from a checkpoint, from a run folder's latest.ckpt, from "
                               + "the newest latest.ckpt under --checkpoint-dir with 'latest', or from that "
                               + "run's best.ckpt with 'best'.",
                               valueName: "checkpoint|folder|latest|best"))
    var resume: String?
}

extension LearningRateSchedule.Decay: ExpressibleByArgument {}
