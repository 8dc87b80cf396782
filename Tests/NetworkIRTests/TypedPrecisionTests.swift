import FixedPoint
@testable import NetworkIR
import Testing

/// `Layer.typedOperation()`: each kind's declared named types come out typed, exactly as declared; a missing one is
/// an error naming the layer and the field, for every kind that needs one.
@Suite struct TypedPrecisionTests {
    static let weight = Precision.fixed(8, 2), bias = Precision.fixed(8, 3), accumulator = Precision.fixed(20, 8)
    static let table = Precision.fixed(18, 8), parameter = Precision.ufixed(8, -1)

    static func layer(_ operation: LayerOperation, _ precision: LayerPrecision, inputs: [String] = []) -> Layer {
        Layer(name: "l", operation: operation, inputSize: 4, precision: precision, inputs: inputs)
    }

    static func error(_ layer: Layer) -> (field: String, reason: String)? {
        do { _ = try layer.typedOperation(); return nil } catch {
            guard case let .invalidPrecision(name, field, reason) = error, name == layer.name else { return ("?", "\(error)") }
            return (field, reason)
        }
    }

    @Test func multiplyAccumulateKinds() throws {
        let declared = LayerPrecision(result: .fixed(16, 6), weight: Self.weight, bias: Self.bias, accumulator: Self.accumulator)
        let dense = DenseParameters(outputSize: 1, weights: [1, 2, 3, 4], biases: [0])
        let expected = MultiplyAccumulatePrecision(weight: Self.weight, bias: Self.bias, accumulator: Self.accumulator)
        #expect(try Self.layer(.dense(dense), declared).typedOperation() == .dense(dense, expected))
        #expect(try Self.layer(.dense(dense), declared).typedOperation().namedTypes.map(\.name) == ["weight", "bias", "accum"])
        for (field, remove) in [("weight", \LayerPrecision.weight), ("bias", \.bias), ("accum", \.accumulator)] {
            var missing = declared
            missing[keyPath: remove] = nil
            #expect(Self.error(Self.layer(.dense(dense), missing))?.field == field)
            #expect(Self.error(Self.layer(.dense(dense), missing))?.reason == "a Dense layer needs \(field == "accum" ? "an" : "a") \(field) precision")
        }
        var saturating = declared
        saturating.accumulator = .fixed(20, 8, .truncate, .saturate)
        #expect(Self.error(Self.layer(.dense(dense), saturating))?.field == "accum")
    }

    @Test func batchNormalizationCallsWeightItsScale() throws {
        let parameters = BatchNormParameters(scale: [1, 1, 1, 1], shift: [0, 0, 0, 0])
        let declared = LayerPrecision(result: .fixed(16, 6), weight: Self.weight, bias: Self.bias)
        #expect(try Self.layer(.batchNormalization(parameters), declared).typedOperation()
                == .batchNormalization(parameters, ScaleShiftPrecision(scale: Self.weight, bias: Self.bias)))
        var missing = declared
        missing.weight = nil
        #expect(Self.error(Self.layer(.batchNormalization(parameters), missing))?.field == "scale")
    }

    @Test func lookupParameterOnlyForELUAndSELU() throws {
        let declared = LayerPrecision(result: .fixed(16, 6), parameter: Self.parameter, extra: ["table": Self.table])
        let sigmoid = LookupActivation(function: .sigmoid), elu = LookupActivation(function: .elu, alpha: 0.5)
        // A sigmoid reads no param_t even when one is declared.
        #expect(try Self.layer(.lookup(sigmoid), declared).typedOperation() == .lookup(sigmoid, LookupPrecision(table: Self.table, parameter: nil)))
        #expect(try Self.layer(.lookup(elu), declared).typedOperation()
                == .lookup(elu, LookupPrecision(table: Self.table, parameter: Self.parameter)))
        #expect(try Self.layer(.lookup(elu), declared).typedOperation().namedTypes.map(\.name) == ["param", "table"])
        var noParameter = declared
        noParameter.parameter = nil
        #expect(Self.error(Self.layer(.lookup(elu), noParameter))?.reason == "an ELU layer needs a param (α) precision")
        #expect(Self.error(Self.layer(.lookup(LookupActivation(function: .selu)), noParameter))?.field == "param")
        #expect(Self.error(Self.layer(.lookup(sigmoid), LayerPrecision(result: .fixed(16, 6))))?.field == "table")
    }

    @Test func softmaxTablesByImplementation() throws {
        let types: [String: Precision] = ["exp_table": .ufixed(18, 8), "inv_table": .ufixed(18, 4), "inv_inp": .ufixed(18, 8),
                                          "inp_norm": .fixed(16, 6)]
        let declared = LayerPrecision(result: .ufixed(16, 0), accumulator: .ufixed(18, 8), extra: types)
        let stable = SoftmaxParameters(implementation: .stable), latency = SoftmaxParameters(implementation: .latency)
        let argmax = SoftmaxParameters(implementation: .argmax)
        let expected = SoftmaxPrecision(accumulator: .ufixed(18, 8), expTable: .ufixed(18, 8), invTable: .ufixed(18, 4),
                                        invInput: .ufixed(18, 8), inputNorm: .fixed(16, 6))
        #expect(try Self.layer(.softmax(stable), declared).typedOperation() == .softmax(stable, expected))
        // latency addresses the exp table with the input itself: no inp_norm_t even when declared.
        guard case let .softmax(_, latencyTypes?) = try Self.layer(.softmax(latency), declared).typedOperation() else {
            Issue.record("latency softmax lost its tables"); return
        }
        #expect(latencyTypes.inputNorm == nil && latencyTypes.expAddress(input: .fixed(12, 4)) == .fixed(12, 4))
        #expect(expected.expAddress(input: .fixed(12, 4)) == .fixed(16, 6))
        #expect(try Self.layer(.softmax(argmax), LayerPrecision(result: .ufixed(1, 1))).typedOperation() == .softmax(argmax, nil))
        for field in ["exp_table", "inv_table", "inv_inp", "inp_norm"] {
            var missing = declared
            missing.extra[field] = nil
            #expect(Self.error(Self.layer(.softmax(stable), missing))?.field == field)
        }
        // inv_inp's top 10 bits address the 1024-entry inverse table: 8 bits are too few.
        var narrow = declared
        narrow.extra["inv_inp"] = .ufixed(8, 4)
        #expect(Self.error(Self.layer(.softmax(stable), narrow))?.field == "inv_inp")
    }

    @Test func scoresAndPooling() throws {
        let kl = KLDivergenceParameters()
        let declared = LayerPrecision(result: .fixed(16, 6), accumulator: Self.accumulator, extra: ["table": Self.table])
        #expect(try Self.layer(.klDivergence(kl), declared, inputs: ["mu", "logvar"]).typedOperation()
                == .klDivergence(kl, KLDivergencePrecision(table: Self.table, accumulator: Self.accumulator)))
        #expect(Self.error(Self.layer(.klDivergence(kl), LayerPrecision(result: .fixed(16, 6), accumulator: Self.accumulator)))?.field == "table")
        #expect(try Self.layer(.squaredNorm, declared).typedOperation() == .squaredNorm(accumulator: Self.accumulator))
        let pooling = PoolingParameters(operation: .average, inputHeight: 2, inputWidth: 2, channels: 1, poolHeight: 2, poolWidth: 2)
        #expect(try Self.layer(.pooling(pooling), declared).typedOperation() == .pooling(pooling, accumulator: Self.accumulator))
        var rounding = declared
        rounding.accumulator = .fixed(20, 8, .round)
        #expect(Self.error(Self.layer(.pooling(pooling), rounding))?.field == "accum")
        #expect(try Self.layer(.relu, LayerPrecision(result: .fixed(8, 3))).typedOperation().namedTypes.isEmpty)
    }

    /// The evaluator refuses a layer whose kind lacks a type instead of trapping (it used to force-unwrap).
    @Test func evaluatorRefusesAnUnvalidatedLayer() {
        var dense = SmallNetwork.dense
        dense.precision.bias = nil
        let network = Network(name: "n", inputSize: 3, inputPrecision: .fixed(8, 3), layers: [dense])
        #expect(throws: NetworkError.invalidPrecision(layer: "dense1", field: "bias", reason: "a Dense layer needs a bias precision")) {
            _ = try FixedPointEvaluator(network: network)
        }
    }
}
