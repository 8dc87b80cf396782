import Design
import FixedPoint
import Foundation
import NetworkIR
@testable import RTL
import Toolchain
import Scheduling
import Testing

/// The default device profile, read from the repository's Profiles/xcvu9p-2.yml.
func defaultProfile() throws -> DeviceProfile {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return try DeviceProfileLoader.load(from: root.appendingPathComponent("Profiles/xcvu9p-2.yml"))
}

func schedule(_ network: Network, clockNs: Double, reuseFactor: Int = 1, strategy: Strategy = .latency) throws -> DesignSchedule {
    try network.validate()
    let options = ScheduleOptions(clockPeriodNs: clockNs, defaultImplementation: LayerImplementation(reuseFactor: reuseFactor, strategy: strategy),
                                  device: try defaultProfile())
    return try Scheduler.schedule(network, options: options)
}

/// Deterministic random numbers (the design files' SplitMix64).
typealias SeededGenerator = SplitMix64

/// Uniform random raw vectors over the whole range of `precision`, plus the extreme values.
func randomInputs(count: Int, elements: Int, precision: Precision, seed: UInt64) -> [[Int64]] {
    var generator = SeededGenerator(seed: seed)
    var vectors: [[Int64]] = [
        Array(repeating: precision.maxRaw, count: elements), Array(repeating: precision.minRaw, count: elements),
        Array(repeating: 0, count: elements),
    ]
    while vectors.count < count {
        vectors.append((0..<elements).map { _ in Int64.random(in: precision.minRaw...precision.maxRaw, using: &generator) })
    }
    return vectors
}

// MARK: - Networks

/// Dense 7→4 (with zero weights and an all-zero column in some phases) → ReLU (unsigned result)
/// → Dense 4→3 (unsigned input) → LeakyReLU. Every Dense uses the same reuse factor.
func reuseNetwork() -> Network {
    let w1: [Double] = [
        //  j0      j1      j2     j3
        0.5, -1.25, 0, 0,
        -0.75, 2.0, 0.125, 0,
        1.5, 0, -3.0, 0,
        0, 0.875, 0.25, 0,
        -2.5, -0.5, 0, 1.0,
        0.375, 1.75, -1.0, 0,
        3.5, -3.75, 0.625, -0.25,
    ]
    let w2: [Double] = [
        1.0, -0.5, 0.25,
        -1.5, 0, 2.0,
        0.75, 1.25, 0,
        -0.125, -2.0, 1.5,
    ]
    return Network(name: "rf_net", inputSize: 7, inputPrecision: .fixed(10, 4), layers: [
        Layer(name: "d1", operation: .dense(DenseParameters(outputSize: 4, weights: w1, biases: [0.5, -0.25, 0, 1.125])),
              inputSize: 7, precision: LayerPrecision(result: .fixed(12, 5), weight: .fixed(8, 3), bias: .fixed(8, 3),
                                                       accumulator: .fixed(24, 10))),
        Layer(name: "r1", operation: .relu, inputSize: 4, precision: LayerPrecision(result: .ufixed(10, 4))),
        Layer(name: "d2", operation: .dense(DenseParameters(outputSize: 3, weights: w2, biases: [-0.5, 0.25, 0])),
              inputSize: 4, precision: LayerPrecision(result: .fixed(14, 6), weight: .fixed(8, 3), bias: .fixed(8, 3),
                                                       accumulator: .fixed(22, 8))),
        Layer(name: "lr", operation: .leakyReLU(alpha: 0.3), inputSize: 3,
              precision: LayerPrecision(result: .fixed(10, 4, .round, .saturate), parameter: .fixed(8, 1))),
    ])
}

/// A chain whose result precisions use every quantization and every overflow mode, with signed and
/// unsigned targets, rounding products in the accumulator, and a saturating squared-norm accumulator.
func modesNetwork() -> Network {
    let n = 6
    var generator = SeededGenerator(seed: 42)
    func values(_ count: Int, _ range: ClosedRange<Double>) -> [Double] {
        (0..<count).map { _ in (Double.random(in: range, using: &generator) * 64).rounded() / 64 }
    }
    func batchNorm(_ name: String, _ result: Precision) -> Layer {
        Layer(name: name, operation: .batchNormalization(BatchNormParameters(scale: values(n, -3.9...3.9), shift: values(n, -3...3))),
              inputSize: n, precision: LayerPrecision(result: result, weight: .fixed(8, 2), bias: .fixed(8, 3)))
    }
    return Network(name: "modes_net", inputSize: n, inputPrecision: .fixed(12, 4), layers: [
        batchNorm("bn1", .fixed(8, 3, .round, .saturate)),
        batchNorm("bn2", .fixed(8, 3, .roundToZero, .saturateToZero)),
        batchNorm("bn3", .fixed(8, 3, .roundToInfinity, .saturateSymmetric)),
        batchNorm("bn4", .fixed(8, 3, .roundToMinusInfinity, .wrap)),
        batchNorm("bn5", .fixed(8, 3, .roundConvergent, .saturate)),
        batchNorm("bn6", .fixed(8, 3, .truncateToZero, .saturateSymmetric)),
        Layer(name: "dense", operation: .dense(DenseParameters(outputSize: 5, weights: values(n * 5, -2...2), biases: values(5, -1...1))),
              inputSize: n, precision: LayerPrecision(result: .fixed(9, 3, .truncate, .saturate), weight: .fixed(8, 2),
                                                      bias: .fixed(8, 3), accumulator: .fixed(14, 6, .roundConvergent))),
        Layer(name: "leaky", operation: .leakyReLU(alpha: 0.37), inputSize: 5,
              precision: LayerPrecision(result: .fixed(8, 2, .round, .saturateSymmetric), parameter: .fixed(8, 1))),
        Layer(name: "bn7", operation: .batchNormalization(BatchNormParameters(scale: values(5, -2...2), shift: values(5, -1...1))),
              inputSize: 5, precision: LayerPrecision(result: .ufixed(7, 2, .round, .saturate), weight: .fixed(8, 2), bias: .fixed(8, 3))),
        Layer(name: "relu", operation: .relu, inputSize: 5, precision: LayerPrecision(result: .ufixed(6, 2, .roundToInfinity, .saturate))),
        Layer(name: "lin", operation: .linear, inputSize: 5, precision: LayerPrecision(result: .fixed(5, 1, .roundConvergent, .saturateToZero))),
        Layer(name: "score", operation: .squaredNorm, inputSize: 5,
              precision: LayerPrecision(result: .ufixed(6, 2, .roundConvergent, .saturateToZero), accumulator: .fixed(10, 2, .round, .saturate))),
    ])
}

// MARK: - Shared Verilator builds

/// Builds each design once per test run (builds are serialized: the machine has two cores and each
/// build already uses both). Design directories persist under the temporary folder, so an unchanged
/// design reuses its binary on the next run.
actor ModelCache {
    static let shared = ModelCache()
    private var models: [String: VerilatorModel] = [:]

    /// Per checkout (a hash of this file's path), so two clones or worktrees testing at once never share a build.
    static var root: URL {
        var hash = FNV1a()
        hash.add(#filePath)
        return FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-rtl-tests-\(hash.hex)")
    }

    func model(_ key: String, design: RTLDesign) throws -> VerilatorModel {
        if let model = models[key] { return model }
        // Without C++ optimization: 2-3 times faster to build, and these tests run few events.
        let model = try VerilatorRunner.build(design: design, directory: ModelCache.root.appendingPathComponent(key), optimization: .quickBuild)
        models[key] = model
        return model
    }
}

/// True when Verilator is installed; tests that need it are disabled with that reason otherwise (CI installs it).
let verilatorInstalled = VerilatorRunner.verilatorPath() != nil
