import Foundation
import Testing
import Design
import FixedPoint
import NetworkIR
import Scheduling
import Simulation
@testable import CrossCheck

/// Random designs through simulator and Verilator. CI runs a few seeds on every push; run thousands with
/// `PIPEWRIGHT_RANDOM_DESIGNS=1000 PIPEWRIGHT_RANDOM_SEED=1 swift test --filter RandomDesignTests`.
/// A failure names its seed (rerun it alone with PIPEWRIGHT_RANDOM_DESIGNS=1 PIPEWRIGHT_RANDOM_SEED=<seed>)
/// and the smallest variant that still fails (sink always ready, RF 1, io_parallel, no depth override).
struct RandomDesignTests {
    static let count = Int(ProcessInfo.processInfo.environment["PIPEWRIGHT_RANDOM_DESIGNS"] ?? "") ?? 6
    static let firstSeed = UInt64(ProcessInfo.processInfo.environment["PIPEWRIGHT_RANDOM_SEED"] ?? "") ?? 1

    /// The problem with one case, or nil when simulator, RTL and the bit-exact evaluation agree.
    static func problem(_ check: RandomDesignGenerator.Case) -> String? {
        do {
            try check.network.validate()
            let directory = crossCheckDirectory("random-\(check.seed)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let run = try Verification.run(network: check.network, options: check.options, inputs: check.inputs,
                                           outReadyPattern: SimulationOptions.pattern(check.outReady)!, buildDirectory: directory, optimization: testBuild)
            if let first = run.comparison.mismatches.first { return "simulator and RTL differ: \(first)" }
            let evaluator = try FixedPointEvaluator(network: check.network)
            let expected = check.inputs.map { evaluator.evaluate(evaluator.quantizeInput($0)) }
            if run.trace.outputs != expected { return "RTL outputs differ from the bit-exact evaluation" }
            if run.comparison.comparedTransfers != check.inputs.count * run.schedule.graph.channels.count {
                return "compared \(run.comparison.comparedTransfers) transfers, expected every channel of every inference"
            }
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Simplifies a failing case one knob at a time, keeping each change that still fails.
    static func shrink(_ failing: RandomDesignGenerator.Case) -> (RandomDesignGenerator.Case, String) {
        var current = failing
        var reason = problem(current) ?? "?"
        let steps: [(inout RandomDesignGenerator.Case) -> Void] = [
            { $0.outReady = "1" },
            { $0.options.fifoDepths = [:] },
            { $0.options.defaultImplementation.reuseFactor = 1 },
            { $0.options.ioType = .parallel },
            { $0.network.outputs = [] },
            { $0.inputs = Array($0.inputs.prefix(2)) },
        ]
        for step in steps {
            var candidate = current
            step(&candidate)
            if let still = problem(candidate) { current = candidate; reason = still }
        }
        return (current, reason)
    }

    @Test(.enabled(if: verilatorAvailable, "verilator is not on PATH"))
    func randomDesignsAgree() {
        var failures = 0
        for seed in Self.firstSeed..<(Self.firstSeed + UInt64(Self.count)) {
            var generator = RandomDesignGenerator(seed: seed)
            let check = generator.generate()
            guard let reason = Self.problem(check) else { continue }
            failures += 1
            let (small, smallReason) = Self.shrink(check)
            let message = "random design \(check) failed: \(reason)\nsmallest failing variant: \(small): \(smallReason)\n"
                + "rerun: PIPEWRIGHT_RANDOM_DESIGNS=1 PIPEWRIGHT_RANDOM_SEED=\(seed) swift test --filter RandomDesignTests"
            Issue.record(Comment(rawValue: message))
            if failures >= 3 { break }
        }
        print("random designs: \(Self.count) from seed \(Self.firstSeed), \(failures) failed")
    }

    /// The generator is deterministic and its designs are valid and schedulable (no Verilator needed).
    @Test func generatorIsDeterministicAndValid() throws {
        for seed in UInt64(1)...200 {
            var a = RandomDesignGenerator(seed: seed), b = RandomDesignGenerator(seed: seed)
            let first = a.generate(), second = b.generate()
            #expect(first.network == second.network && first.options == second.options && first.inputs == second.inputs)
            try first.network.validate()
            _ = try Scheduler.schedule(first.network, options: first.options)
        }
    }
}
