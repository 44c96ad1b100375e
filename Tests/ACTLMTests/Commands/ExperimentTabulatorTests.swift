import Foundation
import XCTest

/// experiments/tabulate.py, the tables of experiments/run.sh, on small made-up runs: every figure of
/// results.md is read from the files the runs left, as `actlm eval --json` and `actlm train` write them.
final class ExperimentTabulatorTests: XCTestCase {
    /// Two ACT seeds (one halting as a stack, one with no held-out score of the licence texts), a baseline
    /// and a PyTorch run, all on one layer, scored on two texts.
    private func madeUpRuns(for test: XCTestCase) throws -> String {
        let out = try CommandFixtures.temporaryDirectory(for: test)
        func write(_ text: String, _ path: String) throws {
            let url = URL(fileURLWithPath: "\(out)/\(path)")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: false, encoding: .utf8)
        }
        let signals = """
            {"per_layer": [{"rho_auc": 0.7, "steps_auc": 0.65, "rho_average_precision": 0.5, \
            "steps_average_precision": 0.4, "rho_f1": 0.45, "mean_rho": {"digits": 2.1, "tag_openings": 2.5, \
            "letters": 1.9}}], "next_loss_auc": 0.8, "surprisal_auc": null, "entropy_auc": 0.75, \
            "next_loss_average_precision": 0.6, "next_loss_f1": 0.5, "entropy_f1": 0.48, "mean_next_loss": \
            {"digits": 3.0, "tag_openings": 1.0, "letters": 2.0}, "boundaries": 200, "bytes": 1000, "by_boundary_kind": \
            [{"name": "space", "bytes": 150, "rho_auc": [0.72], "next_loss_auc": 0.81}, {"name": "newline", "bytes": 50, \
            "rho_auc": [null], "next_loss_auc": 0.6}]}
            """
        func eval(bpc: Double, m: Int, scope: String = "layer", rho: Double, steps: Double, ratio: String,
                  boundarySteps: Double, insideSteps: Double) -> String {
            """
            {"bpc": \(bpc), "config": {"max_ponder": \(m), "epsilon": 0.1, "halting_scope": "\(scope)"}, \
            "mean_ponder": [\(rho)], "mean_steps": [\(steps)], "boundary_inside_ratio": [\(ratio)], "ponder": \
            {"per_layer": [{"boundary_steps": \(boundarySteps), "inside_steps": \(insideSteps)}]}, "signals": \(signals)}
            """
        }
        try write("eval\theld-out part of toy.txt\theldout.txt\nother\tlicence texts\tother.txt\n", "texts.tsv")
        try write(#"{"chars": 1000, "chars_per_s": 10.0}"# + "\n" + #"{"chars": 40000, "chars_per_s": 2000.4}"# + "\n",
                  "runs/baseline-s1/metrics.jsonl")
        try write(#"{"chars": 30000, "chars_per_s": 1500.6}"# + "\n", "runs/act-s1/metrics.jsonl")
        try write(#"{"chars": 25000, "chars_per_s": 1200.0}"# + "\n", "runs/act-s2/metrics.jsonl")
        try write(#"{"steps": 10, "chars_per_s": 1000.0, "epochs": 0.5, "bpc": {"eval": 2.5, "other": 3.25}}"#,
                  "runs/pytorch-s1/result.json")
        try write("2\n", "act-s1.turns")
        try write("2\n", "pytorch-s1.turns")
        for (name, tau) in [("baseline-s1", "0.005"), ("act-s1", "0.005"), ("act-s2", "0.01")] {
            try write("training 1 × 16, τ \(tau)\nreached step 10\n", "\(name).log")
        }
        try write(eval(bpc: 2.9, m: 1, rho: 2, steps: 1, ratio: "1.0", boundarySteps: 1, insideSteps: 1),
                  "baseline-s1.eval.json")
        try write(eval(bpc: 4.1, m: 1, rho: 2, steps: 1, ratio: "1.0", boundarySteps: 1, insideSteps: 1),
                  "baseline-s1.other.json")
        try write(eval(bpc: 2.7, m: 3, rho: 2.4, steps: 1.6, ratio: "1.25", boundarySteps: 2, insideSteps: 1.5),
                  "act-s1.eval.json")
        try write(eval(bpc: 3.9, m: 3, rho: 2.2, steps: 1.4, ratio: "1.1", boundarySteps: 1.8, insideSteps: 1.4),
                  "act-s1.other.json")
        try write(eval(bpc: 2.75, m: 3, scope: "stack", rho: 2.1, steps: 1.2, ratio: "null", boundarySteps: 0,
                       insideSteps: 1.2), "act-s2.eval.json")
        return out
    }

    func testRunsBestRunAndResultsAreTabulatedFromTheRunsFiles() throws {
        let out = try madeUpRuns(for: self)
        try tabulate(["runs", out, "100000", "baseline-s1:1:default:default:1", "act-s1:default:default:default:1",
                      "act-s2:default:0.01:default:2", "pytorch-s1:pytorch:-:-:1"], in: out)
        // chars/s per second of the run's own turns (act-s1 and the PyTorch run took turns with one other).
        XCTAssertEqual(try String(contentsOfFile: out + "/runs.tsv", encoding: .utf8), """
            baseline-s1\t1\tdefault\t2000\t0.40
            act-s1\tdefault\tdefault\t3001\t0.30
            act-s2\tdefault\t0.01\t1200\t0.25
            pytorch-s1\tpytorch\t-\t2000\t0.50

            """)
        XCTAssertEqual(try String(contentsOfFile: out + "/pytorch-s1.other.json", encoding: .utf8), #"{"bpc": 3.25}"#)
        // The ACT run that ponders most at boundaries on the held-out text is the one the figure draws.
        XCTAssertEqual(try tabulate(["best", out], in: out), "act-s1\n")

        let printed = try tabulate(["results", out, "60", "2", "2", "30"], in: out)
        let results = try String(contentsOfFile: out + "/results.md", encoding: .utf8)
        XCTAssertEqual(printed, results)
        XCTAssertEqual(results, """
            Each model trained for 60 minutes (2 at a time taking turns of 30 s, so each trained for 60 minutes of its own and its chars/s are per second of its own turns, 2 OpenBLAS thread(s) each); scored by `actlm eval` (the PyTorch model by experiments/pytorch_user.py, the same way) on: held-out part of toy.txt, licence texts.

            | run | M | τ | ε | halting | held-out bpc | mean ρ per layer | boundary/inside ρ per layer | mean N per layer | boundary/inside N | other text: bpc | other text: boundary/inside ρ | training chars/s | epochs read |
            |---|---|---|---|---|---|---|---|---|---|---|---|---|---|
            | baseline-s1 | 1 | 0.005 | 0.1 | each layer | 2.900 | 2.00 | 1.00 | 1.00 | 1.00 | 4.100 | 1.00 | 2000 | 0.40 |
            | act-s1 | 3 | 0.005 | 0.1 | each layer | 2.700 | 2.40 | 1.25 | 1.60 | 1.33 | 3.900 | 1.10 | 3001 | 0.30 |
            | act-s2 | 3 | 0.01 | 0.1 | layer 1 for the stack | 2.750 | 2.10 | – | 1.20 | – | – | – | 1200 | 0.25 |

            | setting | seeds | held-out part of toy.txt: bpc, mean (min–max) | Δ vs M = 1 | licence texts: bpc, mean (min–max) | Δ vs M = 1 |
            |---|---|---|---|---|---|
            | baseline | 1 | 2.900 (2.900–2.900) |  | 4.100 (4.100–4.100) |  |
            | act | 2 | 2.725 (2.700–2.750) | -0.175 | 3.900 (3.900–3.900) | -0.200 |
            | pytorch nn.LSTM | 1 | 2.500 (2.500–2.500) | -0.400 | 3.250 (3.250–3.250) | -0.850 |

            Word boundaries (a space or tab after text, punctuation, sentence end, newline; a gap space, after a space, tab or newline, is not one) against every other byte, ROC AUC (1 = higher at every boundary, 0.5 = no signal); mean ρ of layer 1 and next-step loss (bits) at digits, '<' and letters.

            | run | text | bpc | ρ AUC per layer | N AUC per layer | next-step loss AUC | own surprisal AUC | entropy AUC | layer 1 ρ: digits / '<' / letters | next-step loss: digits / '<' / letters |
            |---|---|---|---|---|---|---|---|---|---|
            | baseline-s1 | held-out part of toy.txt | 2.900 | 0.700 | 0.650 | 0.800 | – | 0.750 | 2.10 / 2.50 / 1.90 | 3.00 / 1.00 / 2.00 |
            | baseline-s1 | licence texts | 4.100 | 0.700 | 0.650 | 0.800 | – | 0.750 | 2.10 / 2.50 / 1.90 | 3.00 / 1.00 / 2.00 |
            | act-s1 | held-out part of toy.txt | 2.700 | 0.700 | 0.650 | 0.800 | – | 0.750 | 2.10 / 2.50 / 1.90 | 3.00 / 1.00 / 2.00 |
            | act-s1 | licence texts | 3.900 | 0.700 | 0.650 | 0.800 | – | 0.750 | 2.10 / 2.50 / 1.90 | 3.00 / 1.00 / 2.00 |
            | act-s2 | held-out part of toy.txt | 2.750 | 0.700 | 0.650 | 0.800 | – | 0.750 | 2.10 / 2.50 / 1.90 | 3.00 / 1.00 / 2.00 |

            Word boundaries (a space or tab after text, punctuation, sentence end, newline; a gap space, after a space, tab or newline, is not one) against every other byte: average precision (AP) and F1 at the top k, k = the number of boundaries.

            | run | text | boundaries | ρ AP per layer | N AP per layer | next-step loss AP | entropy AP | ρ F1 per layer | next-step loss F1 | entropy F1 |
            |---|---|---|---|---|---|---|---|---|---|
            | baseline-s1 | held-out part of toy.txt | 20.0% | 0.500 | 0.400 | 0.600 | – | 0.450 | 0.500 | 0.480 |
            | baseline-s1 | licence texts | 20.0% | 0.500 | 0.400 | 0.600 | – | 0.450 | 0.500 | 0.480 |
            | act-s1 | held-out part of toy.txt | 20.0% | 0.500 | 0.400 | 0.600 | – | 0.450 | 0.500 | 0.480 |
            | act-s1 | licence texts | 20.0% | 0.500 | 0.400 | 0.600 | – | 0.450 | 0.500 | 0.480 |
            | act-s2 | held-out part of toy.txt | 20.0% | 0.500 | 0.400 | 0.600 | – | 0.450 | 0.500 | 0.480 |

            By kind of boundary byte, each against every non-boundary byte (gap spaces, not boundaries, against the other non-boundary bytes): share of the measured bytes, layer 1 ρ AUC, next-step loss AUC.

            | run | text | space | newline |
            |---|---|---|---|
            | baseline-s1 | held-out part of toy.txt | 15.0%, 0.720, 0.810 | 5.0%, –, 0.600 |
            | baseline-s1 | licence texts | 15.0%, 0.720, 0.810 | 5.0%, –, 0.600 |
            | act-s1 | held-out part of toy.txt | 15.0%, 0.720, 0.810 | 5.0%, –, 0.600 |
            | act-s1 | licence texts | 15.0%, 0.720, 0.810 | 5.0%, –, 0.600 |
            | act-s2 | held-out part of toy.txt | 15.0%, 0.720, 0.810 | 5.0%, –, 0.600 |

            """)
    }

    /// Without an actlm run there is no ponder to tabulate and nothing for the figure to draw.
    func testAPyTorchRunAloneHasOnlyItsBPC() throws {
        let out = try madeUpRuns(for: self)
        try tabulate(["runs", out, "100000", "pytorch-s1:pytorch:-:-:1"], in: out)
        XCTAssertEqual(try tabulate(["best", out], in: out), "\n")
        let results = try tabulate(["results", out, "30", "1", "2", "0"], in: out)
        XCTAssertEqual(results, """
            Each model trained for 30 minutes of wall time (alone on the machine, 2 OpenBLAS thread(s) each); \
            scored by `actlm eval` (the PyTorch model by experiments/pytorch_user.py, the same way) on: held-out part \
            of toy.txt, licence texts.

            | setting | seeds | held-out part of toy.txt: bpc, mean (min–max) | Δ vs M = 1 | licence texts: bpc, mean (min–max) | Δ vs M = 1 |
            |---|---|---|---|---|---|
            | pytorch nn.LSTM | 1 | 2.500 (2.500–2.500) |  | 3.250 (3.250–3.250) |  |

            """)
    }

    /// Runs experiments/tabulate.py with the python3 run.sh uses; its standard output, or a failure.
    @discardableResult
    private func tabulate(_ arguments: [String], in directory: String,
                          file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let script = CorpusFixtures.packageRoot.appendingPathComponent("experiments/tabulate.py").path
        let child = try ChildProcess("/usr/bin/env", ["python3", script] + arguments, stdout: directory + "/tabulate.stdout",
                                     stderr: directory + "/tabulate.stderr")
        let run = try child.wait()
        XCTAssertEqual(run.status, 0, run.stderr, file: file, line: line)
        return run.text
    }
}
