import Design
import FixedPoint
import NetworkIR
import Scheduling

/// A seeded generator of valid designs for the random cross-check: graphs with forks and merges over every
/// supported kind, io_parallel and io_stream, widths 2–32 with every quantization and overflow mode, reuse
/// factors, clocks, sink patterns and FIFO depth overrides (some too shallow). The same seed always gives the
/// same design, so a failure is reproduced by its seed alone.
struct RandomDesignGenerator {
    /// Everything one run needs.
    struct Case: CustomStringConvertible {
        var seed: UInt64
        var network: Network
        var options: ScheduleOptions
        var outReady: String
        var inputs: [[Double]]

        var description: String {
            "seed \(seed): \(network.layers.count) layers (" + network.layers.map { layer in
                "\(layer.name) \(layer.kindName)" + (layer.inputs.isEmpty ? "" : "←" + layer.inputs.joined(separator: "+"))
            }.joined(separator: ", ") + ")" + (network.outputs.isEmpty ? "" : ", outputs \(network.outputs)") + ", \(options.ioType.rawValue), clock \(options.clockPeriodNs) ns, RF \(options.defaultImplementation.reuseFactor) \(options.defaultImplementation.strategy.rawValue), "
                + "out_ready \(outReady), FIFO depths \(options.fifoDepths)"
        }
    }

    var random: SplitMix64
    let seed: UInt64
    /// Upper bound on layers (the shrinker lowers it).
    let maxLayers: Int

    init(seed: UInt64, maxLayers: Int = 7) {
        random = SplitMix64(seed: seed)
        self.seed = seed
        self.maxLayers = maxLayers
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + random.nextIndex(below: range.count) }
    mutating func chance(_ p: Double) -> Bool { random.nextUnit() < p }
    mutating func pick<T>(_ items: [T]) -> T { items[random.nextIndex(below: items.count)] }

    /// A precision of 2–`maxWidth` bits with random signedness, integer bits and modes.
    mutating func precision(maxWidth: Int = 32) -> Precision {
        let signed = chance(0.75)
        let width = int(2...(signed ? maxWidth : min(maxWidth, 31)))
        let integer = int(-2...(width + 2))
        return Precision(width: width, integerBits: integer, isSigned: signed,
                         quantization: chance(0.5) ? .truncate : pick(QuantizationMode.allCases),
                         overflow: chance(0.5) ? .wrap : pick(OverflowMode.allCases))
    }

    mutating func weights(_ count: Int, scale: Double) -> [Double] {
        (0..<count).map { _ in chance(0.1) ? 0 : random.nextUniform(halfWidth: scale) }
    }

    mutating func generate() -> Case {
        let inputSize = int(1...6)
        let inputPrecision = precision(maxWidth: 20)
        var tensors: [(name: String, size: Int, precision: Precision)] = [(Network.inputName, inputSize, inputPrecision)]
        var consumed: Set<String> = []
        var layers: [Layer] = []
        let count = int(2...max(2, maxLayers))
        for index in 0..<count {
            let name = "l\(index)"
            // Prefer a tensor nobody reads yet, so that every tensor ends up read.
            let unread = tensors.filter { !consumed.contains($0.name) }
            let first = chance(0.7) && !unread.isEmpty ? pick(unread) : pick(tensors)
            let kind = int(0...11)
            var layer: Layer
            if kind >= 7, tensors.count >= 2 {
                let same = tensors.filter { $0.size == first.size && $0.name != first.name }
                if !same.isEmpty && chance(0.15) {
                    // The KL score over two tensors of one size (μ, log σ²), its accumulator lossless.
                    let second = pick(same)
                    let table = precision(maxWidth: 20)
                    let parameters = KLDivergenceParameters(tableSize: 1 << int(1...8))
                    let term = KLDivergenceParameters.termPrecision(mean: first.precision, logVariance: second.precision, table: table)
                    let growth = Precision.accumulationGrowth(terms: first.size)
                    let accumulator = Precision(width: min(term.width + growth, 64), integerBits: term.integerBits + growth, isSigned: true)
                    layer = Layer(name: name, operation: .klDivergence(parameters), inputSize: 2 * first.size,
                                  precision: LayerPrecision(result: precision(maxWidth: 24), accumulator: accumulator, extra: ["table": table]),
                                  inputs: [first.name, second.name])
                    consumed.insert(second.name)
                    consumed.insert(first.name)
                    layers.append(layer)
                    tensors.append((name, layer.outputSize, layer.precision.result))
                    continue
                }
                let merge: MergeOperation = same.isEmpty ? .concatenate : pick(MergeOperation.allCases)
                let second = merge == .concatenate ? pick(tensors.filter { $0.name != first.name }) : pick(same)
                var result = precision(maxWidth: 24)
                if merge == .average {
                    result.integerBits = max(result.integerBits, result.isSigned ? 3 : 2)
                    result.width = max(result.width, result.integerBits + 1)
                }
                layer = Layer(name: name, operation: .merge(merge), inputSize: first.size + second.size,
                              precision: LayerPrecision(result: result), inputs: [first.name, second.name])
                consumed.insert(second.name)
            } else {
                let input = first.precision
                let p: LayerPrecision
                let operation: LayerOperation
                switch kind {
                case 10 where chance(0.7):
                    // A table activation over a power-of-two table small enough for any input width.
                    let table = precision(maxWidth: 20)
                    if chance(0.75) {
                        let function = pick(LookupFunction.allCases)
                        let lookup = LookupActivation(function: function, tableSize: 1 << int(1...8), alpha: pick([1, 0.5, 0.75]))
                        operation = .lookup(lookup)
                        p = LayerPrecision(result: precision(maxWidth: 24), parameter: function.isNegativeHalf ? precision(maxWidth: 16) : nil,
                                           extra: ["table": table])
                    } else {
                        operation = .hardActivation(HardActivation(function: pick(HardActivation.Function.allCases),
                                                                   slope: pick([0.2, 0.25, 0.5]), shift: pick([0.5, 0.25])))
                        p = LayerPrecision(result: precision(maxWidth: 24), extra: ["slope": precision(maxWidth: 16), "shift": precision(maxWidth: 8)])
                    }
                case 10, 11:
                    // A softmax whose tables are addressed by at most the bits its types have.
                    let implementation = pick(SoftmaxParameters.Implementation.allCases)
                    let inverseInput = precision(maxWidth: 20)
                    var norm = precision(maxWidth: 20)
                    norm.isSigned = false
                    norm.width = min(norm.width, 31)
                    let expBits = int(1...min(8, implementation == .latency ? input.width : norm.width))
                    operation = .softmax(SoftmaxParameters(implementation: implementation, expTableSize: 1 << expBits,
                                                           invTableSize: 1 << int(1...min(8, inverseInput.width))))
                    p = LayerPrecision(result: precision(maxWidth: 24), accumulator: precision(maxWidth: 24),
                                       extra: ["exp_table": precision(maxWidth: 20), "inv_table": precision(maxWidth: 20),
                                               "inv_inp": inverseInput, "inp_norm": norm])
                case 0, 1, 7, 8, 9:
                    let units = int(1...5)
                    let weight = precision(maxWidth: 12), bias = precision(maxWidth: 12)
                    let accumulator = PrecisionInference.denseAccumulator(input: input, weight: weight, bias: bias, inputSize: first.size)
                    operation = .dense(DenseParameters(outputSize: units, weights: weights(first.size * units, scale: 1.5),
                                                       biases: weights(units, scale: 1)))
                    p = LayerPrecision(result: precision(maxWidth: 24), weight: weight, bias: bias,
                                       accumulator: Precision(width: min(accumulator.width, 64), integerBits: accumulator.integerBits,
                                                              isSigned: accumulator.isSigned))
                case 2:
                    operation = .batchNormalization(BatchNormParameters(scale: weights(first.size, scale: 2), shift: weights(first.size, scale: 1)))
                    p = LayerPrecision(result: precision(maxWidth: 24), weight: precision(maxWidth: 12), bias: precision(maxWidth: 12))
                case 3:
                    operation = .relu
                    p = LayerPrecision(result: precision(maxWidth: 24))
                case 4:
                    operation = .leakyReLU(alpha: pick([0.1, 0.3, 0.25, 0.5]))
                    p = LayerPrecision(result: precision(maxWidth: 24), parameter: PrecisionInference.constant(0.3))
                case 5:
                    operation = .linear
                    p = LayerPrecision(result: precision(maxWidth: 24))
                default:
                    operation = .squaredNorm
                    let full = PrecisionInference.squaredNormAccumulator(input: input, inputSize: first.size)
                    p = LayerPrecision(result: precision(maxWidth: 24),
                                       accumulator: Precision(width: min(full.width, 64), integerBits: full.integerBits, isSigned: full.isSigned))
                }
                if case let .leakyReLU(alpha) = operation {
                    layer = Layer(name: name, operation: operation, inputSize: first.size,
                                  precision: LayerPrecision(result: p.result, parameter: PrecisionInference.constant(alpha)),
                                  inputs: [first.name])
                } else {
                    layer = Layer(name: name, operation: operation, inputSize: first.size, precision: p, inputs: [first.name])
                }
            }
            consumed.insert(first.name)
            layers.append(layer)
            tensors.append((name, layer.outputSize, layer.precision.result))
        }
        // Every tensor must be read: concatenate the unread ones into the output.
        var index = count
        while true {
            let unread = tensors.dropLast().filter { !consumed.contains($0.name) }
            guard let other = unread.first, let last = tensors.last else { break }
            let layer = Layer(name: "l\(index)", operation: .merge(.concatenate), inputSize: last.size + other.size,
                              precision: LayerPrecision(result: precision(maxWidth: 24)), inputs: [last.name, other.name])
            consumed.insert(other.name)
            consumed.insert(last.name)
            layers.append(layer)
            tensors.append((layer.name, layer.outputSize, layer.precision.result))
            index += 1
        }
        var network = Network(name: "random_\(seed)", inputSize: inputSize, inputPrecision: inputPrecision, layers: layers)
        let profile = try! DeviceProfileLoader.load(from: repositoryRoot.appendingPathComponent("Profiles/xcvu9p-2.yml"))
        var options = ScheduleOptions(clockPeriodNs: pick([2.5, 3.33, 5, 10]), ioType: chance(0.5) ? .parallel : .stream,
                                      defaultImplementation: LayerImplementation(reuseFactor: pick([1, 1, 2, 3, 4, 8, 16])), device: profile)
        // A reuse factor beyond a small Dense's n_in·n_out is invalid: keep RF within every Dense's bound.
        let smallest = network.layers.compactMap { layer -> Int? in
            if case let .dense(p) = layer.operation { return layer.inputSize * p.outputSize } else { return nil }
        }.min() ?? 4
        options.defaultImplementation.reuseFactor = min(options.defaultImplementation.reuseFactor, smallest)
        if chance(0.3), let schedule = try? Scheduler.schedule(network, options: options), !schedule.graph.fifos.isEmpty {
            let fifo = pick(schedule.graph.fifos)
            options.fifoDepths[fifo.name] = int(1...max(1, fifo.depth + 1))
        }
        let outReady = pick(["1", "1", "1101", "10", "110"])
        let scale = pick([0.5, 2, 8])
        let inputs = (0..<int(6...14)).map { _ in (0..<inputSize).map { _ in random.nextUniform(halfWidth: scale) } }
        // Drawn last, so that the designs of earlier seeds stay as they were: a fifth use hls4ml's Resource strategy.
        if chance(0.2) { options.defaultImplementation.strategy = .resource }
        // Drawn after that, for the same reason: a quarter get a second design output, an earlier layer's tensor
        // (which then forks to the output too), in either order (not with a FIFO override, whose name it may change).
        if chance(0.25), network.layers.count > 1, options.fifoDepths.isEmpty {
            let other = network.layers[int(0...(network.layers.count - 2))].name
            network.outputs = chance(0.5) ? [network.layers.last!.name, other] : [other, network.layers.last!.name]
        }
        return Case(seed: seed, network: network, options: options, outReady: outReady, inputs: inputs)
    }
}
