import Foundation

/// The PyTorch peer that speed figures are quoted against: a script (the bench command names it) run by
/// a Python that has torch (never a dependency of actlm), training PyTorch's fused nn.LSTM on the same
/// configuration as `actlm bench`. Its environment is this process's, so ONEDNN_MAX_CPU_ISA and the
/// like reach it.
public struct PyTorchPeer: Sendable {
    /// How bytes reach the peer's layer 1.
    public enum Input: String, CaseIterable, Sendable {
        /// A 256-wide one-hot byte, as actlm's byte rows: the fair peer, which speed figures are quoted against.
        case oneHot = "one-hot"
        /// A learnt Embedding(256, H) in front of the input matrix: an H × 4H product per byte at layer 1
        /// that actlm never does (the peer quoted before the fair one).
        case embedding
    }

    public var python: String
    public var script: String
    public var input: Input

    public init(python: String, script: String, input: Input = .oneHot) {
        self.python = python
        self.script = script
        self.input = input
    }

    public struct Result: Decodable, Sendable {
        public let charsPerSecond: Double
        public let windows: Int
        public let torch: String
        /// How bytes reached layer 1, as the peer says (nil from a peer that does not say).
        public let input: String?

        enum CodingKeys: String, CodingKey {
            case windows, torch, input
            case charsPerSecond = "chars_per_second"
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Trains L × H on `corpus` for `seconds` after `warmup`, on `threads` threads.
    public func train(corpus: String, layers: Int, hidden: Int, batch: Int, seq: Int, seconds: Double,
                      warmup: Double, threads: Int) throws -> Result {
        guard FileManager.default.fileExists(atPath: script) else {
            throw Failure(description: "no PyTorch peer at \(script): run from the actlm folder or give --peer-script")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "train", corpus, "--layers", "\(layers)", "--hidden", "\(hidden)",
                             "--batch", "\(batch)", "--seq", "\(seq)", "--seconds", "\(seconds)",
                             "--warmup", "\(warmup)", "--threads", "\(threads)", "--input", input.rawValue]
        // One pipe for both streams: the result is the last line, anything else explains a failure.
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            throw Failure(description: "could not run \(python): \(error.localizedDescription); give --peer a Python "
                          + "with torch (python3 -m venv ~/torch && ~/torch/bin/pip install torch)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let last = text.split(separator: "\n").last { $0.hasPrefix("{") }
        guard process.terminationStatus == 0, let last,
              let result = try? JSONDecoder().decode(Result.self, from: Data(last.utf8)) else {
            let tail = text.split(separator: "\n").suffix(5).joined(separator: "\n")
            throw Failure(description: "the PyTorch peer (\(python) \(script)) failed with status "
                          + "\(process.terminationStatus):\n\(tail)")
        }
        return result
    }
}
