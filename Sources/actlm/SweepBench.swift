import ACTLM
import ArgumentParser
import Foundation

/// The PyTorch peer of this repository, run from its folder.
private let defaultPeerScript = "experiments/pytorch_peer.py"

/// `actlm bench --sweep`: the options, and the table of `BenchmarkSweep`.
struct SweepBenchOptions: ParsableArguments {
    @Flag(name: .customLong("sweep"), help: ArgumentHelp(
        "Train the project's sizes (2×256, 2×512, 2×1024, 1×1024) at M = 1 on every matrix engine this processor "
        + "runs, and the PyTorch peer with --peer, alternated for --rounds rounds of --seconds each: median "
        + "chars/s, matrix GFLOP/s against the engine's own rate on the same shapes and against the FMA peak of the "
        + "cores on the engine's vectors, and the ratio to PyTorch."))
    var enabled = false

    @Option(name: .customLong("rounds"), help: "With --sweep: rounds of every shape and engine.")
    var rounds = 3

    @Option(name: .customLong("engines"), help: ArgumentHelp(
        "With --sweep: the engines, comma-separated (avx512, avx2, openblas; default: all this processor runs).",
        valueName: "list"))
    var engines: String?

    @Option(name: .customLong("shapes"), help: ArgumentHelp(
        "With --sweep: the sizes as LxH, comma-separated (default 2x256,2x512,2x1024,1x1024).", valueName: "list"))
    var shapes: String?

    @Option(name: .customLong("peer"), help: ArgumentHelp(
        "With --sweep: a Python with torch, to run \(defaultPeerScript) beside each size.", valueName: "python"))
    var peer: String?

    @Option(name: .customLong("peer-script"), help: "With --sweep --peer: the peer script.")
    var peerScript = defaultPeerScript

    @Option(name: .customLong("peer-input"), help: ArgumentHelp(
        "With --sweep --peer: how bytes reach the peer's layer 1: one-hot, 256 wide as actlm's (the fair peer, "
        + "default), or embedding (a learnt H-wide embedding, an H × 4H product per byte more).", valueName: "kind"))
    var peerInput = "one-hot"
}

extension BenchCommand {
    func runSweep() throws {
        guard sweep.rounds >= 1, seconds > 0, warmup >= 0 else {
            throw ValidationError("--rounds must be at least 1, --seconds above 0 and --warmup 0 or more")
        }
        guard checkpoint == nil, window.batch == nil || window.batch! >= 1, window.seq == nil || window.seq! >= 1 else {
            throw ValidationError("--sweep trains fresh models at M = 1: give --batch and --seq, not --checkpoint")
        }
        var options = BenchmarkSweep.Options()
        options.rounds = sweep.rounds
        options.seconds = seconds
        options.warmupSeconds = warmup
        options.batch = window.batch ?? options.batch
        options.seq = window.seq ?? options.seq
        if let list = sweep.engines {
            options.engines = try list.split(separator: ",").map { name in
                guard let engine = MatrixEngine.allCases.first(where: { $0.name == name.lowercased() }) else {
                    throw ValidationError("--engines: \(name) is not one of avx512, avx2, openblas")
                }
                guard engine.isAvailable else { throw ValidationError("--engines: this processor cannot run \(name)") }
                return engine
            }
        }
        if let list = sweep.shapes {
            options.shapes = try list.split(separator: ",").map { item in
                let parts = item.lowercased().split(separator: "x").compactMap { Int($0) }
                guard parts.count == 2, parts[0] >= 1, parts[1] >= 1 else {
                    throw ValidationError("--shapes: \(item) is not LxH (e.g. 2x256)")
                }
                return BenchmarkSweep.Shape(layers: parts[0], hidden: parts[1])
            }
        }
        let corpus = try Corpus(path: corpusPath, validFraction: 0)
        guard let peerInput = PyTorchPeer.Input(rawValue: sweep.peerInput) else {
            throw ValidationError("--peer-input must be one-hot or embedding")
        }
        if let python = sweep.peer {
            options.peer = PyTorchPeer(python: python, script: sweep.peerScript, input: peerInput)
            options.peerCorpus = corpusPath
        }
        let result = try BenchmarkSweep.run(corpus: corpus, options: options) { line in
            if !json { FileHandle.standardError.write(Data("bench: \(line)\n".utf8)) }
        }
        if json {
            print(try JSONOutput.string(result))
            return
        }
        func figure(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "" }
        print("M = 1, B = \(result.batch), T = \(result.seq); \(result.rounds) rounds of \(figure(result.seconds, "%.0f")) s "
              + "alternated, medians; \(result.threads) threads; \(result.cpu)"
              + (result.torch.map { "; PyTorch \($0)" } ?? "")
              + (result.peerInput.map { ", its layer 1 fed \($0 == "one-hot" ? "one-hot bytes" : "an embedding")" } ?? ""))
        if !result.fmaPeakGFLOPsPerCore.isEmpty {
            print("FMA peak of a core on each engine's vectors: "
                  + result.fmaPeakGFLOPsPerCore.sorted { $0.key < $1.key }
                      .map { "\($0.key) \(String(format: "%.1f", $0.value)) GFLOP/s" }.joined(separator: ", "))
        }
        let header = ["size", "engine", "chars/s", "per CPU-s", "GFLOP/s", "kernel alone", "of kernel", "of peak",
                      "of peak per CPU-s", "to PyTorch"]
        let table = result.rows.map { row in
            ["\(row.layers) × \(row.hidden)", row.engine, figure(row.charsPerSecond, "%.0f"),
             figure(row.charsPerCPUSecond, "%.0f"), figure(row.achievedGFLOPs, "%.1f"), figure(row.kernelGFLOPs, "%.1f"),
             figure(row.ofKernel.map { 100 * $0 }, "%.0f%%"), figure(row.ofFMAPeak.map { 100 * $0 }, "%.0f%%"),
             figure(row.ofFMAPeakPerCPUSecond.map { 100 * $0 }, "%.0f%%"), figure(row.toPeer, "%.2f×")]
        }
        let widths = header.indices.map { column in ([header] + table).map { $0[column].count }.max()! }
        for line in [header] + table {
            print(zip(line, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
    }
}
