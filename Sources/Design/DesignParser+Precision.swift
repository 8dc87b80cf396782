import FixedPoint
import NetworkIR

/// Precision resolution, layer by layer in order (an `auto` depends on the precision of the layer's input):
/// a key is looked up in `config.LayerName.<layer>.Precision` (the key, its alias, then that layer's
/// `default`), then in `config.Model.Precision` (the key, its alias, then `default`). `auto` follows
/// hls4ml 1.3's infer_precision (see `PrecisionInference`); where hls4ml has no rule it means the model default.
extension DesignParser {
    mutating func buildNetwork(name: String, inputSize: Int, inputSetting: PrecisionSetting?, inputCursor: YAMLCursor,
                               specs: [LayerSpec], config: Config) throws(DesignError) -> Network {
        var inputPrecision = config.modelDefault
        if case let .fixed(precision)? = inputSetting {
            inputPrecision = precision
        } else if case let .fixed(precision)? = config.modelPrecision.lookup(["result", "default"])?.setting {
            inputPrecision = precision
        }
        var layers: [Layer] = []
        var results: [String: Precision] = [Network.inputName: inputPrecision]
        var previous = inputPrecision
        for spec in specs {
            let entry = config.entry(for: spec.name)
            if let table = entry?.precision {
                for (key, value) in table.entries where key != "default" && !spec.precisionKeys.contains(key) {
                    throw .unknownField(value.cursor.location, known: ["default"] + spec.precisionKeys)
                }
            }
            let inputs = spec.inputs.isEmpty ? [previous] : spec.inputs.map { results[$0] ?? previous }
            let precision = try resolve(spec, inputs: inputs, layerTable: entry?.precision, config: config)
            layers.append(Layer(name: spec.name, operation: spec.operation, inputSize: spec.inputSize, precision: precision,
                                inputs: spec.inputs))
            previous = precision.result
            results[spec.name] = precision.result
        }
        return Network(name: name, inputSize: inputSize, inputPrecision: inputPrecision, layers: layers)
    }

    private mutating func resolve(_ spec: LayerSpec, inputs: [Precision], layerTable: PrecisionTable?,
                                  config: Config) throws(DesignError) -> LayerPrecision {
        let input = inputs[0]
        /// The setting for `key` (with aliases), and whether it came from the layer's own table.
        func setting(_ keys: [String]) -> (setting: PrecisionSetting, cursor: YAMLCursor?) {
            if let found = layerTable?.lookup(keys + ["default"]) { return (found.setting, found.cursor) }
            if let found = config.modelPrecision.lookup(keys + ["default"]) { return (found.setting, found.cursor) }
            return (.fixed(config.modelDefault), nil)
        }
        /// The concrete precision, with `auto` meaning `inferred` (or the model default where there is no rule).
        func concrete(_ keys: [String], inferred: Precision? = nil, notes: inout [String]) -> Precision {
            switch setting(keys).setting {
            case let .fixed(precision): return precision
            case .auto:
                let value = inferred ?? config.modelDefault
                notes.append("\(spec.name): \(keys[0]) auto → \(value)" + (inferred == nil ? " (the model default)" : ""))
                return value
            }
        }

        /// A named type that does not fall back to `default` (a table is not a layer result): the layer's key,
        /// the model's key, else hls4ml's fixed default (`auto` means that default too).
        func named(_ key: String, _ fallback: Precision) -> Precision {
            if let found = layerTable?.lookup([key]) ?? config.modelPrecision.lookup([key]), case let .fixed(precision) = found.setting {
                return precision
            }
            return fallback
        }

        /// A score's accum_t: a fixed type the layer (with `alsoModel`, or the model) names, which must wrap so that
        /// the sum order does not matter; else the lossless `full`, with a note.
        func scoreAccumulator(full: Precision, alsoModel: Bool, reason: String, notes: inout [String]) throws(DesignError) -> Precision {
            if let explicit = layerTable?.lookup(["accum"]) ?? (alsoModel ? config.modelPrecision.lookup(["accum"]) : nil),
               case let .fixed(precision) = explicit.setting {
                guard precision.overflow == .wrap else {
                    throw explicit.cursor.invalid("an AP_WRAP accumulator (the sum order then does not matter)")
                }
                return precision
            }
            notes.append("\(spec.name): accum → \(full) (\(reason))")
            return full
        }

        switch spec.operation {
        case .dense, .convolution:
            // hls4ml: a convolution without bias has bias_t ap_uint<1> (zeros); its n_in in the rule is kh·kw·C.
            var bias = concrete(["bias"], notes: &notes)
            if spec.hasNoBias, layerTable?.lookup(["bias"]) == nil { bias = .uint(1) }
            var terms = spec.inputSize
            if case let .convolution(parameters) = spec.operation { terms = parameters.kernelTerms }
            let weight = concrete(["weight"], notes: &notes)
            let inferred = PrecisionInference.denseAccumulator(input: input, weight: weight, bias: bias, inputSize: terms)
            let accumulator = concrete(["accum"], inferred: inferred, notes: &notes)
            let result = concrete(["result"], inferred: inferred, notes: &notes)
            return LayerPrecision(result: result, weight: weight, bias: bias, accumulator: accumulator)

        case .batchNormalization:
            let scale = concrete(["scale", "weight"], notes: &notes)
            let bias = concrete(["bias"], notes: &notes)
            let inferred = PrecisionInference.batchNormResult(input: input, scale: scale, bias: bias)
            let result = concrete(["result"], inferred: inferred, notes: &notes)
            return LayerPrecision(result: result, weight: scale, bias: bias)

        case let .leakyReLU(alpha):
            let parameter = concrete(["param"], inferred: PrecisionInference.constant(alpha), notes: &notes)
            let result = concrete(["result"], notes: &notes)
            return LayerPrecision(result: result, parameter: parameter)

        case .relu, .linear:
            return LayerPrecision(result: concrete(["result"], notes: &notes))

        case .squaredNorm:
            // The score's accumulator defaults to full precision unless the layer itself sets one.
            let full = PrecisionInference.squaredNormAccumulator(input: input, inputSize: spec.inputSize)
            let accumulator = try scoreAccumulator(full: full, alsoModel: false,
                                                   reason: "full precision of Σ x², \(spec.inputSize) terms", notes: &notes)
            let result = concrete(["result"], inferred: accumulator, notes: &notes)
            return LayerPrecision(result: result, accumulator: accumulator)

        case let .lookup(activation):
            var precision = LayerPrecision(result: concrete(["result"], notes: &notes))
            precision.extra["table"] = named("table", LookupActivation.defaultTablePrecision)
            if activation.function == .elu {
                precision.parameter = concrete(["param"], inferred: PrecisionInference.constant(activation.alpha), notes: &notes)
            } else if activation.function == .selu {
                // λ is hls4ml's fixed ap_ufixed<16,1> unless the layer or the model names a param type (not `default`).
                precision.parameter = named("param", LookupActivation.seluLambdaPrecision)
            }
            return precision

        case .hardActivation:
            var precision = LayerPrecision(result: concrete(["result"], notes: &notes))
            precision.extra["slope"] = named("slope", HardActivation.defaultSlopePrecision)
            precision.extra["shift"] = named("shift", HardActivation.defaultShiftPrecision)
            return precision

        case let .softmax(parameters):
            var precision = LayerPrecision(result: concrete(["result"], notes: &notes))
            guard parameters.implementation != .argmax else { return precision }
            let table = SoftmaxParameters.defaultTablePrecision
            precision.accumulator = named("accum", table)
            let expTable = named("exp_table", table)
            precision.extra["exp_table"] = expTable
            precision.extra["inv_table"] = named("inv_table", table)
            // hls4ml: inv_inp_t defaults to exp_table_t, inp_norm_t to the input type without its sign.
            precision.extra["inv_inp"] = named("inv_inp", expTable)
            if parameters.implementation == .stable {
                precision.extra["inp_norm"] = named("inp_norm", SoftmaxParameters.inputNormPrecision(input: input))
            }
            return precision

        case .klDivergence:
            let table = named("table", KLDivergenceParameters.defaultTablePrecision)
            let logVariance = inputs.count > 1 ? inputs[1] : input
            let full = PrecisionInference.klAccumulator(mean: input, logVariance: logVariance, table: table, terms: spec.inputSize / 2)
            let accumulator = try scoreAccumulator(full: full, alsoModel: true,
                                                   reason: "full precision of the \(spec.inputSize / 2) KL terms", notes: &notes)
            let halved = Precision(width: accumulator.width + 1, integerBits: accumulator.integerBits, isSigned: accumulator.isSigned)
            let result = concrete(["result"], inferred: halved.width <= Precision.maximumWidth ? halved : accumulator, notes: &notes)
            return LayerPrecision(result: result, accumulator: accumulator, extra: ["table": table])

        case let .merge(merge):
            let inferred = PrecisionInference.merge(merge, inputs[0], inputs.count > 1 ? inputs[1] : inputs[0])
            return LayerPrecision(result: concrete(["result"], inferred: inferred, notes: &notes))

        case let .pooling(parameters):
            // hls4ml 1.3 infers Pooling1D/2D types (accum from the input, result = input) but has no rule for the
            // global poolings, whose `auto` is the model default.
            let accumulator = concrete(["accum"], inferred: parameters.isGlobal ? nil
                : PrecisionInference.poolingAccumulator(parameters.operation, input: input, windowSize: parameters.windowSize), notes: &notes)
            let result = concrete(["result"], inferred: parameters.isGlobal ? nil : input, notes: &notes)
            return LayerPrecision(result: result, accumulator: accumulator)

        case .zeroPadding, .upSampling:
            // hls4ml's output-matching rule (ZeroPadding, Resize): result = the input type.
            return LayerPrecision(result: concrete(["result"], inferred: input, notes: &notes))
        }
    }
}
