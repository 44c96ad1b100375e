import Foundation

/// The memory a training run of some settings needs at the least, planned against the machine before
/// anything is allocated, so settings that cannot fit get a clear error instead of exhausting it.
///
/// A lower bound: the parameters with their gradients and Adam's two moments (16 bytes each), and one
/// window's activations with every byte taking a single ponder step (each layer keeps about 20 values
/// of H per row for the backward pass: gates, states, their gradients and the input projection) and the
/// output's logits, probabilities and their gradients. Pondering longer only adds to it.
public struct TrainingMemory: Equatable, Sendable {
    public let options: TrainingOptions
    public let parameters: Int
    public let bytes: Double

    /// `options` must be within the limits `TrainingOptions.problem` checks.
    public init(options: TrainingOptions) {
        self.options = options
        let model = options.model
        parameters = ParameterLayout(config: model).count
        let rows = Double(options.batch) * Double(options.seq)
        bytes = 16 * Double(parameters) + rows * (80 * Double(model.layers) * Double(model.hidden)
                                                  + 12 * Double(ModelConfig.vocabulary))
    }

    /// This machine's memory in bytes.
    public static var machineBytes: Double { Double(ProcessInfo.processInfo.physicalMemory) }

    /// Throws when the run needs more memory than `machine` bytes, naming the settings that size it.
    public func checkFits(machine: Double = TrainingMemory.machineBytes) throws {
        guard bytes > machine else { return }
        let model = options.model
        throw TrainingError.invalidOption(
            "a run of --layers \(model.layers) --hidden \(model.hidden) --batch \(options.batch) --seq \(options.seq) "
            + "needs at least \(Self.gigabytes(bytes)) of memory (\(grouped(parameters)) parameters with their "
            + "gradients and Adam's moments, and one window's activations), more than this machine's "
            + "\(Self.gigabytes(machine)). Use a smaller --batch, --seq or --hidden, or fewer --layers.")
    }

    /// "12.3 GB".
    public static func gigabytes(_ bytes: Double) -> String {
        let tenths = Int((bytes / 1e8).rounded())
        return "\(tenths / 10).\(tenths % 10) GB"
    }
}
