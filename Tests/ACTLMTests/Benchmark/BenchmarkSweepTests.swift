import Foundation
import XCTest
import ACTLM

final class BenchmarkSweepTests: XCTestCase {
    /// A stand-in for the PyTorch peer in the test's folder: a shell script that answers as
    /// experiments/pytorch_peer.py does, with a fixed rate, or fails.
    private func fakePeer(in directory: URL, answer: String, status: Int = 0) throws -> PyTorchPeer {
        let script = directory.appendingPathComponent("peer.sh")
        try Data("echo 'loading torch'\necho '\(answer)'\nexit \(status)\n".utf8).write(to: script)
        return PyTorchPeer(python: "/bin/sh", script: script.path)
    }

    /// Every engine of the processor and the peer, side by side at one small size: a row each, the
    /// figures from the runs, and the ratio to the peer from the run beside it.
    func testTimingSweepRunsEveryEngineBesideThePeer() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let path = try CorpusFixtures.write(CorpusFixtures.text(bytes: 100_000, seed: 5),
                                            to: directory.appendingPathComponent("sweep.txt"))
        var options = BenchmarkSweep.Options()
        options.shapes = [BenchmarkSweep.Shape(layers: 1, hidden: 16)]
        options.rounds = 1
        options.seconds = 0.2
        options.warmupSeconds = 0
        options.batch = 4
        options.seq = 10
        options.peer = try fakePeer(in: directory, answer: #"{"chars_per_second": 1000, "windows": 3, "torch": "fake"}"#)
        options.peerCorpus = path
        let result = try BenchmarkSweep.run(corpus: try Corpus(path: path, validFraction: 0), options: options)
        XCTAssertEqual(result.torch, "fake")
        let engines = MatrixEngine.available.map(\.name)
        XCTAssertEqual(result.runs.map(\.engine), engines + ["pytorch"], "the engines, then the peer")
        XCTAssertEqual(result.rows.map(\.engine), engines + ["pytorch"])
        for (row, run) in zip(result.rows, result.runs) {
            XCTAssertEqual(row.charsPerSecond, run.charsPerSecond)
            if row.engine == "pytorch" {
                XCTAssertEqual(row.charsPerSecond, 1000)
                XCTAssertNil(row.toPeer)
                XCTAssertNil(row.kernelGFLOPs)
            } else {
                XCTAssertGreaterThan(row.charsPerSecond, 0)
                XCTAssertEqual(try XCTUnwrap(row.toPeer), row.charsPerSecond / 1000, accuracy: 1e-12)
                XCTAssertEqual(try XCTUnwrap(row.ofKernel), try XCTUnwrap(row.achievedGFLOPs) / (try XCTUnwrap(row.kernelGFLOPs)),
                               accuracy: 1e-9)
                XCTAssertGreaterThan(try XCTUnwrap(row.charsPerCPUSecond), 0)
                if MatrixEngine.avx2Available {
                    // The share of the FMA peak of each run, against the engine's peak measured once.
                    let perCore = try XCTUnwrap(result.fmaPeakGFLOPsPerCore[row.engine])
                    let threads = PeakShare.threads(layers: 1, context: ComputeContext.process)
                    XCTAssertEqual(try XCTUnwrap(row.ofFMAPeak),
                                   try XCTUnwrap(row.achievedGFLOPs) / (Double(threads) * perCore), accuracy: 1e-9)
                }
            }
        }
    }

    func testMedianOfOddAndEvenCounts() {
        XCTAssertEqual(BenchmarkSweep.median([3, 1, 2]), 2)
        XCTAssertEqual(BenchmarkSweep.median([4, 1, 3, 2]), 2.5)
    }

    /// The peer is the fair one unless asked otherwise: it is told to feed layer 1 one-hot bytes, as actlm's
    /// byte rows, and the sweep reports what it was fed.
    func testThePeerIsFedOneHotBytesUnlessAskedForAnEmbedding() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let script = directory.appendingPathComponent("peer.sh")
        // Answers with the --input it was given, as experiments/pytorch_peer.py does.
        try Data(#"""
            input=none
            while [ $# -gt 0 ]; do [ "$1" = --input ] && input=$2; shift; done
            echo "{\"chars_per_second\": 1000, \"windows\": 3, \"torch\": \"fake\", \"input\": \"$input\"}"
            """#.utf8).write(to: script)
        func input(_ peer: PyTorchPeer) throws -> String? {
            try peer.train(corpus: "x", layers: 1, hidden: 8, batch: 1, seq: 1, seconds: 1, warmup: 0, threads: 1).input
        }
        XCTAssertEqual(try input(PyTorchPeer(python: "/bin/sh", script: script.path)), "one-hot")
        XCTAssertEqual(try input(PyTorchPeer(python: "/bin/sh", script: script.path, input: .embedding)), "embedding")
    }

    /// A peer that fails says how, with the end of what it printed.
    func testAFailingPeerSaysWhy() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let peer = try fakePeer(in: directory, answer: "ModuleNotFoundError: No module named torch", status: 1)
        XCTAssertThrowsError(try peer.train(corpus: "x", layers: 1, hidden: 8, batch: 1, seq: 1, seconds: 1, warmup: 0,
                                            threads: 1)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("No module named torch"), message)
            XCTAssertTrue(message.contains("status 1"), message)
        }
        let missing = PyTorchPeer(python: "/bin/sh", script: directory.appendingPathComponent("absent.py").path)
        XCTAssertThrowsError(try missing.train(corpus: "x", layers: 1, hidden: 8, batch: 1, seq: 1, seconds: 1,
                                               warmup: 0, threads: 1))
    }
}
