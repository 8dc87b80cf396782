import NetworkIR
import FixedPoint
import Foundation

extension KerasArchitecture {
    /// The layer classes the importer understands.
    public static let supportedClasses = [
        "InputLayer", "Dense", "QDense", "BatchNormalization", "QBatchNormalization", "Activation", "ReLU",
        "LeakyReLU", "ELU", "Softmax", "QActivation", "Dropout", "Flatten", "Add", "Subtract", "Multiply", "Average",
        "Maximum", "Minimum", "Concatenate", "Conv1D", "Conv2D", "QConv1D", "QConv2D", "Reshape",
        "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
        "GlobalAveragePooling1D", "GlobalAveragePooling2D", "ZeroPadding1D", "ZeroPadding2D", "UpSampling1D", "UpSampling2D",
    ]

    /// Activations hls4ml 1.3 accepts from Keras but whose generated C++ does not compile (the reason is the
    /// error's text): Keras 3's `hard_tanh` becomes a plain Activation whose config lacks slope and shift.
    static let unbuildableActivations = [
        "hard_tanh": "hls4ml 1.3 converts a Keras hard_tanh into an Activation whose generated config lacks slope and shift, which g++ rejects; use hard_sigmoid, or a QKeras quantized_tanh",
    ]

    /// Parses the `model_config` JSON of a Keras 2 or Keras 3 legacy HDF5 file. `file` names the file in
    /// errors; `kerasVersion` is the root `keras_version` attribute (e.g. "3.15.1", "2.21.0").
    public init(modelConfig json: String, kerasVersion: String?, file: String) throws(KerasImportError) {
        func malformed(_ reason: String, layer: String? = nil) -> KerasImportError {
            .malformedModelConfig(file: file, layer: layer, reason: reason)
        }
        guard let data = json.data(using: .utf8),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw malformed("not a JSON object")
        }
        guard let modelClass = root["class_name"] as? String else { throw malformed("no class_name") }
        guard ["Sequential", "Functional", "Model"].contains(modelClass) else {
            throw malformed("model class \(modelClass) is not Sequential or Functional")
        }
        guard let config = root["config"] as? [String: Any] else { throw malformed("no config") }
        let entries: [[String: Any]]
        if let layers = config["layers"] as? [[String: Any]] {
            entries = layers
        } else if modelClass == "Sequential", let layers = root["config"] as? [[String: Any]] {
            entries = layers                       // very old Keras: config is the layer list
        } else {
            throw malformed("no config.layers list")
        }
        let major = kerasVersion.flatMap { Int($0.split(separator: ".").first ?? "") } ?? 3
        var layers: [KerasLayer] = []
        var inputSize: Int?
        var inputShape: [Int]?
        var previous: String?
        for (index, entry) in entries.enumerated() {
            let layerConfig = entry["config"] as? [String: Any] ?? [:]
            guard let name = (layerConfig["name"] as? String) ?? (entry["name"] as? String) else {
                throw malformed("layer #\(index + 1) has no name")
            }
            guard let className = entry["class_name"] as? String else {
                throw malformed("no class_name", layer: name)
            }
            var inputs = [previous].compactMap { $0 }
            if modelClass != "Sequential" {
                inputs = Self.inboundLayers(entry["inbound_nodes"])
                let known = Set(layers.map(\.name))
                if className == "InputLayer" {
                    guard previous == nil else {
                        throw KerasImportError.notAChain(file: file, layer: name, reason: "a second input layer (one design input is supported)")
                    }
                } else if inputs.isEmpty {
                    throw KerasImportError.notAChain(file: file, layer: name, reason: "it takes no input")
                } else if let unknown = inputs.first(where: { !known.contains($0) }) {
                    throw KerasImportError.notAChain(file: file, layer: name,
                        reason: "it reads '\(unknown)', which is not an earlier layer of the model")
                }
            }
            if index == 0 || className == "InputLayer" {
                if let shape = (layerConfig["batch_shape"] ?? layerConfig["batch_input_shape"]) as? [Any] {
                    let dimensions = shape.dropFirst().map { ($0 as? NSNumber)?.intValue }
                    let sizes = dimensions.compactMap { $0 }
                    guard (1...3).contains(dimensions.count), sizes.count == dimensions.count, sizes.allSatisfy({ $0 > 0 }) else {
                        throw KerasImportError.unsupportedLayer(file: file, layer: name, className: className,
                            reason: "input shape \(shape.dropFirst().map { "\($0)" }) is not a vector, (width, channels) or (height, width, channels) of known sizes")
                    }
                    inputSize = sizes.reduce(1, *)
                    inputShape = sizes
                }
            }
            let kind = try Self.kind(className: className, name: name, config: layerConfig, file: file)
            if case .merge = kind, inputs.count != MergeOperation.arity {
                throw KerasImportError.unsupportedLayer(file: file, layer: name, className: className,
                    reason: "it merges \(inputs.count) tensors; hls4ml's merge layers take exactly 2")
            } else if !(kind == .input(size: nil) || { if case .merge = kind { return true } else { return false } }()), inputs.count > 1 {
                throw KerasImportError.notAChain(file: file, layer: name, reason: "a \(className) layer reads one tensor, not \(inputs.count)")
            }
            layers.append(KerasLayer(name: name, className: className, kind: kind, inputs: className == "InputLayer" ? [] : inputs))
            previous = name
        }
        var outputNames: [String]?
        if modelClass != "Sequential", let outputs = config["output_layers"] {
            let names = Self.historyNames(outputs)
            let known = Set(layers.map(\.name))
            if let unknown = names.first(where: { !known.contains($0) }) ?? (names.isEmpty ? "?" : nil) {
                throw KerasImportError.badOutput(file: file, layer: unknown, reason: "the model outputs '\(unknown)', which is not one of its layers")
            }
            if names.count == 1, names != [previous].compactMap({ $0 }) {
                throw KerasImportError.badOutput(file: file, layer: names[0], reason: "the model outputs \(names) instead of its last layer")
            }
            outputNames = names
        }
        if layers.first.map({ if case .input = $0.kind { return false } else { return true } }) ?? true {
            layers.insert(KerasLayer(name: "input1", className: "InputLayer", kind: .input(size: inputSize)), at: 0)
        }
        self.init(name: (config["name"] as? String) ?? "model", modelClass: modelClass, kerasMajorVersion: major,
                  inputSize: inputSize, layers: layers, inputShape: inputShape, outputs: outputNames)
    }

    /// Names of the layers feeding a functional layer: Keras 2 `[[["x", 0, 0, {}]]]`,
    /// Keras 3 `[{"args": [{"config": {"keras_history": ["x", 0, 0]}}]}]`.
    static func inboundLayers(_ nodes: Any?) -> [String] {
        guard let nodes = nodes as? [Any] else { return [] }
        var names: [String] = []
        for node in nodes {
            if let keras3 = node as? [String: Any] {
                names += historyNames(keras3["args"] ?? [])
            } else {
                names += historyNames(node)
            }
        }
        return names
    }

    /// Collects `keras_history` entries and Keras 2 `[name, node, tensor, …]` tuples, recursively.
    static func historyNames(_ value: Any) -> [String] {
        if let dictionary = value as? [String: Any] {
            if let config = dictionary["config"] as? [String: Any], let history = config["keras_history"] as? [Any],
               let name = history.first as? String {
                return [name]
            }
            // In key order, as Keras flattens a dict (of outputs, say): the same order on every run.
            return dictionary.keys.sorted().flatMap { historyNames(dictionary[$0]!) }
        }
        if let list = value as? [Any] {
            if let name = list.first as? String, list.count >= 3, list[1] is Int { return [name] }
            return list.flatMap { historyNames($0) }
        }
        return []
    }

    static func kind(className: String, name: String, config: [String: Any], file: String) throws(KerasImportError) -> KerasLayer.Kind {
        func unsupported(_ reason: String) -> KerasImportError {
            .unsupportedLayer(file: file, layer: name, className: className, reason: reason)
        }
        /// `settings[key]` as an integer within `range` (nil when absent or null). The ranges keep the hls4ml
        /// types of a quantizer (`ap_fixed<bits, integer + 1>`) within `Precision`'s limits and every type
        /// computation far from overflow; a huge, fractional or non-numeric value is an error, never a trap.
        func integerSetting(_ settings: [String: Any], _ key: String, role: String,
                            range: ClosedRange<Int>) throws(KerasImportError) -> Int? {
            guard let value = settings[key], !(value is NSNull) else { return nil }
            // Every integer in `range` is exact as a Double, so the comparison is exact for them; no other
            // value (1e30, 2.5, Int.max) passes.
            guard let number = value as? NSNumber, case let double = number.doubleValue,
                  double.isFinite, double == double.rounded(),
                  double >= Double(range.lowerBound), double <= Double(range.upperBound) else {
                throw unsupported("\(role) \(key) must be an integer within \(range.lowerBound)...\(range.upperBound), got \(value)")
            }
            return Int(double)
        }
        /// QKeras `bits`: a width of 1 to 64 bits (`Precision.maximumWidth`).
        let bitsRange = 1...Precision.maximumWidth
        /// QKeras `integer`: hls4ml's types use `integer + 1` integer bits, which must stay within the limit.
        let integerRange = -(Precision.integerBitsLimit - 1)...(Precision.integerBitsLimit - 1)
        func activation(_ value: Any?) throws(KerasImportError) -> KerasActivation {
            let text: String
            if value == nil || value is NSNull { return .linear }
            if let string = value as? String { text = string }
            else if let dictionary = value as? [String: Any], let inner = dictionary["class_name"] as? String {
                text = inner
            } else {
                let shown = value.flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.fragmentsAllowed, .sortedKeys]) }
                    .map { String(decoding: $0.prefix(80), as: UTF8.self) } ?? "?"
                throw unsupported("activation \(shown) is neither a name nor a {class_name: …} object")
            }
            if let reason = unbuildableActivations[text.lowercased()] {
                throw unsupported("activation '\(text)' is not supported: \(reason)")
            }
            guard let parsed = KerasActivation(rawValue: text.lowercased()) else {
                throw unsupported("activation '\(text)' is not supported (supported: "
                    + KerasActivation.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            return parsed
        }
        func quantizer(_ value: Any?, role: String) throws(KerasImportError) -> QKerasQuantizer? {
            guard let value, !(value is NSNull) else { return nil }
            guard let dictionary = value as? [String: Any], let kindName = dictionary["class_name"] as? String,
                  let settings = dictionary["config"] as? [String: Any] else {
                throw unsupported("\(role) \(value) is not a quantizer configuration this importer reads")
            }
            guard let kind = QKerasQuantizer.Kind(rawValue: kindName), role == "activation" || !kind.isActivationOnly else {
                throw unsupported("\(role) \(kindName) is not supported (quantized_bits, quantized_relu"
                    + (role == "activation" ? ", quantized_tanh, quantized_sigmoid)" : ")"))
            }
            guard let bits = try integerSetting(settings, "bits", role: role, range: bitsRange) else {
                throw unsupported("\(role) has no bits")
            }
            let integer = try integerSetting(settings, "integer", role: role, range: integerRange) ?? (kind == .bits ? bits - 1 : 0)
            if kind == .bits, let alpha = settings["alpha"], !(alpha is NSNull) {
                guard let number = alpha as? NSNumber, number.doubleValue == 1 else {
                    throw unsupported("\(role) alpha=\(alpha) is not supported (only alpha=1 or None)")
                }
            }
            let slope = (settings["negative_slope"] as? NSNumber)?.doubleValue ?? 0
            if kind == .relu, slope != 0 { throw unsupported("\(role) quantized_relu with negative_slope \(slope)") }
            if let stochastic = settings["use_stochastic_rounding"] as? Bool, stochastic {
                throw unsupported("\(role) uses stochastic rounding")
            }
            if kind == .relu, let bound = settings["relu_upper_bound"], !(bound is NSNull) {
                throw unsupported("\(role) quantized_relu with relu_upper_bound is not supported")
            }
            let realFunction = kind == .tanh ? "use_real_tanh" : "use_real_sigmoid"
            return QKerasQuantizer(kind: kind, bits: bits, integer: integer,
                                   keepNegative: (settings["keep_negative"] as? NSNumber)?.boolValue ?? true,
                                   symmetric: (settings["symmetric"] as? NSNumber)?.boolValue ?? false,
                                   negativeSlope: slope,
                                   usesRealFunction: kind.isActivationOnly && ((settings[realFunction] as? NSNumber)?.boolValue ?? false))
        }
        /// A QBatchNormalization quantizer: a `{class_name, config}` dictionary of a class hls4ml accepts there.
        func batchNormQuantizer(_ value: Any?, role: String) throws(KerasImportError) -> QKerasBatchNormQuantizer? {
            guard let value, !(value is NSNull) else { return nil }
            guard let dictionary = value as? [String: Any], let kindName = dictionary["class_name"] as? String else {
                throw unsupported("\(role) \(value) is not a quantizer configuration this importer reads")
            }
            let settings = dictionary["config"] as? [String: Any] ?? [:]
            guard QKerasBatchNormQuantizer.acceptedClasses.contains(kindName) else {
                throw unsupported("\(role) \(kindName) is not supported (supported: "
                    + QKerasBatchNormQuantizer.acceptedClasses.joined(separator: ", ") + ")")
            }
            let bits = try integerSetting(settings, "bits", role: role, range: bitsRange)
            let integer = try integerSetting(settings, "integer", role: role, range: integerRange) ?? 0
            if kindName == "quantized_bits", bits == nil { throw unsupported("\(role) quantized_bits has no bits") }
            var rounding: QKerasQuantizer?
            if kindName == "quantized_bits", let bits {
                let alpha = settings["alpha"]
                let alphaIsOne = alpha == nil || alpha is NSNull || (alpha as? NSNumber)?.doubleValue == 1
                let stochastic = (settings["use_stochastic_rounding"] as? Bool) ?? false
                if alphaIsOne, !stochastic {
                    rounding = QKerasQuantizer(kind: .bits, bits: bits, integer: integer,
                                               keepNegative: (settings["keep_negative"] as? NSNumber)?.boolValue ?? true,
                                               symmetric: (settings["symmetric"] as? NSNumber)?.boolValue ?? false)
                }
            }
            return QKerasBatchNormQuantizer(role: role, className: kindName, bits: bits, integer: integer, quantizedBits: rounding)
        }
        switch className {
        case "InputLayer":
            return .input(size: nil)
        case "Dense", "QDense":
            guard let units = (config["units"] as? NSNumber)?.intValue, units > 0 else { throw unsupported("no positive units") }
            let useBias = (config["use_bias"] as? Bool) ?? true
            if className == "QDense" {
                return .dense(units: units, activation: try activation(config["activation"]), useBias: useBias,
                              kernelQuantizer: try quantizer(config["kernel_quantizer"], role: "kernel_quantizer"),
                              biasQuantizer: try quantizer(config["bias_quantizer"], role: "bias_quantizer"))
            }
            return .dense(units: units, activation: try activation(config["activation"]), useBias: useBias,
                          kernelQuantizer: nil, biasQuantizer: nil)
        case "BatchNormalization", "QBatchNormalization":
            if let axis = config["axis"] {
                let axes = (axis as? [Any]) ?? [axis]
                guard axes.count == 1, let value = (axes[0] as? NSNumber)?.intValue, value == -1 || value == 1 else {
                    throw unsupported("normalization over axis \(axis) of a 1-D tensor is not supported")
                }
            }
            var quantizers: [QKerasBatchNormQuantizer] = []
            if className == "QBatchNormalization" {
                for role in ["mean_quantizer", "variance_quantizer", "beta_quantizer", "gamma_quantizer", "inverse_quantizer"] {
                    if let parsed = try batchNormQuantizer(config[role], role: role) { quantizers.append(parsed) }
                }
            }
            return .batchNormalization(epsilon: (config["epsilon"] as? NSNumber)?.doubleValue ?? 0.001,
                                       center: (config["center"] as? Bool) ?? true,
                                       scale: (config["scale"] as? Bool) ?? true, quantizers: quantizers)
        case "Activation":
            return .activation(try activation(config["activation"]))
        case "ReLU":
            let slope = (config["negative_slope"] as? NSNumber)?.doubleValue ?? 0
            let threshold = (config["threshold"] as? NSNumber)?.doubleValue ?? 0
            let maximum = config["max_value"]
            guard slope == 0, threshold == 0, maximum == nil || maximum is NSNull else {
                throw unsupported("ReLU with max_value, negative_slope or threshold is not supported")
            }
            return .activation(.relu)
        case "Softmax":
            if let axis = config["axis"], !(axis is NSNull) {
                let axes = (axis as? [Any]) ?? [axis]
                guard axes.count == 1, let value = (axes[0] as? NSNumber)?.intValue, value == -1 || value == 1 else {
                    throw unsupported("softmax over axis \(axis) of a 1-D tensor is not supported (use -1)")
                }
            }
            return .activation(.softmax)
        case "ELU":
            let alpha = (config["alpha"] as? NSNumber)?.doubleValue ?? 1
            guard alpha.isFinite else { throw unsupported("alpha \(alpha) is not a finite number") }
            return .elu(alpha: alpha)
        case "LeakyReLU":
            let alpha = (config["negative_slope"] as? NSNumber)?.doubleValue
                ?? (config["alpha"] as? NSNumber)?.doubleValue ?? 0.3
            return .leakyReLU(alpha: alpha)
        case "QActivation":
            let value = config["activation"]
            if let text = value as? String {
                throw unsupported("activation string '\(text)' is not supported; give a quantizer configuration")
            }
            guard let parsed = try quantizer(value, role: "activation") else { throw unsupported("no activation") }
            return .quantizedActivation(parsed)
        case "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate":
            if className == "Concatenate", let axis = (config["axis"] as? NSNumber)?.intValue, axis != -1 && axis != 1 {
                throw unsupported("concatenation along axis \(axis) of 1-D tensors is not supported (use -1)")
            }
            return .merge(MergeOperation(rawValue: className.lowercased())!)
        case "Dropout":
            return .passThrough
        case "Flatten":
            if let format = config["data_format"] as? String, format != "channels_last" {
                throw unsupported("data_format \(format) is not supported (channels_last only)")
            }
            return .reshape(targetShape: nil)
        case "Reshape":
            guard let target = (config["target_shape"] as? [Any])?.map({ ($0 as? NSNumber)?.intValue ?? -1 }),
                  (1...3).contains(target.count), target.allSatisfy({ $0 > 0 }) else {
                throw unsupported("target_shape \(config["target_shape"] ?? "none") must be 1 to 3 known positive sizes")
            }
            return .reshape(targetShape: target)
        case "Conv1D", "Conv2D", "QConv1D", "QConv2D":
            let rank = className.hasSuffix("1D") ? 1 : 2
            guard let filters = (config["filters"] as? NSNumber)?.intValue, filters > 0 else { throw unsupported("no positive filters") }
            func axes(_ key: String, default value: Int?) throws(KerasImportError) -> [Int] {
                let raw = config[key]
                if raw == nil || raw is NSNull, let value { return Array(repeating: value, count: rank) }
                let list = ((raw as? [Any]) ?? [raw as Any]).map { ($0 as? NSNumber)?.intValue ?? 0 }
                guard list.count == rank || list.count == 1, list.allSatisfy({ $0 > 0 && $0 <= 1 << 12 }) else {
                    throw unsupported("\(key) \(raw ?? "none") must be \(rank) positive integer(s)")
                }
                return list.count == rank ? list : Array(repeating: list[0], count: rank)
            }
            if let format = config["data_format"] as? String, format != "channels_last" {
                throw unsupported("data_format \(format) is not supported (channels_last only, as hls4ml's io_parallel arrays)")
            }
            guard try axes("dilation_rate", default: 1).allSatisfy({ $0 == 1 }) else { throw unsupported("dilation_rate other than 1 is not supported") }
            if let groups = (config["groups"] as? NSNumber)?.intValue, groups != 1 { throw unsupported("groups \(groups) is not supported") }
            let paddingText = ((config["padding"] as? String) ?? "valid").lowercased()
            guard let padding = ConvolutionPadding(rawValue: paddingText) else {
                throw unsupported("padding '\(paddingText)' is not supported (valid or same)")
            }
            let useBias = (config["use_bias"] as? Bool) ?? true
            return .convolution(KerasConvolution(
                rank: rank, filters: filters, kernelSize: try axes("kernel_size", default: nil), strides: try axes("strides", default: 1),
                padding: padding, activation: try activation(config["activation"]), useBias: useBias,
                kernelQuantizer: className.hasPrefix("Q") ? try quantizer(config["kernel_quantizer"], role: "kernel_quantizer") : nil,
                biasQuantizer: className.hasPrefix("Q") ? try quantizer(config["bias_quantizer"], role: "bias_quantizer") : nil))
        case "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
             "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
             "ZeroPadding1D", "ZeroPadding2D", "UpSampling1D", "UpSampling2D":
            let rank = className.hasSuffix("1D") ? 1 : 2
            if let format = config["data_format"] as? String, format != "channels_last" {
                throw unsupported("data_format \(format) is not supported (channels_last only, as hls4ml's io_parallel arrays)")
            }
            func integers(_ raw: Any?) -> [Int]? {
                guard let raw, !(raw is NSNull) else { return nil }
                let list = ((raw as? [Any]) ?? [raw]).map { ($0 as? NSNumber)?.intValue ?? -1 }
                return list.count == 1 ? Array(repeating: list[0], count: rank) : list
            }
            if className.contains("Pooling") {
                let operation: PoolingOperation = className.contains("Max") ? .max : .average
                if className.hasPrefix("Global") {
                    if (config["keepdims"] as? Bool) == true { throw unsupported("keepdims true is not supported") }
                    return .image(.pooling(.global(operation, spatialDimensions: rank, inputHeight: 1, inputWidth: 1, channels: 1)))
                }
                guard let pool = integers(config["pool_size"]), pool.count == rank, pool.allSatisfy({ $0 > 0 && $0 <= 1 << 12 }) else {
                    throw unsupported("pool_size \(config["pool_size"] ?? "none") must be \(rank) positive integer(s)")
                }
                let strides = integers(config["strides"]) ?? pool
                guard strides.count == rank, strides.allSatisfy({ $0 > 0 && $0 <= 1 << 12 }) else {
                    throw unsupported("strides \(config["strides"] ?? "none") must be \(rank) positive integer(s)")
                }
                let paddingText = ((config["padding"] as? String) ?? "valid").lowercased()
                guard let padding = ConvolutionPadding(rawValue: paddingText) else {
                    throw unsupported("padding '\(paddingText)' is not supported (valid or same)")
                }
                return .image(.pooling(PoolingParameters(operation: operation, spatialDimensions: rank, inputHeight: 1, inputWidth: 1,
                    channels: 1, poolHeight: rank == 1 ? 1 : pool[0], poolWidth: pool[rank - 1],
                    strideHeight: rank == 1 ? 1 : strides[0], strideWidth: strides[rank - 1], padding: padding)))
            }
            if className.hasPrefix("ZeroPadding") {
                // Keras 3 stores ((top, bottom), (left, right)) for 2D and (left, right) for 1D.
                let raw = config["padding"]
                var sides: [Int] = []
                if let number = (raw as? NSNumber)?.intValue {
                    sides = Array(repeating: number, count: 2 * rank)
                } else if let list = raw as? [Any] {
                    for item in list {
                        if let pair = item as? [Any] { sides += pair.map { ($0 as? NSNumber)?.intValue ?? -1 } }
                        else { let value = (item as? NSNumber)?.intValue ?? -1; sides += rank == 1 ? [value] : [value, value] }
                    }
                }
                guard sides.count == 2 * rank, sides.allSatisfy({ $0 >= 0 && $0 <= 1 << 12 }) else {
                    throw unsupported("padding \(raw ?? "none") must give \(2 * rank) non-negative sizes")
                }
                let (top, bottom, left, right) = rank == 1 ? (0, 0, sides[0], sides[1]) : (sides[0], sides[1], sides[2], sides[3])
                return .image(.zeroPadding(ZeroPaddingParameters(spatialDimensions: rank, inputHeight: 1, inputWidth: 1, channels: 1,
                                                                 top: top, bottom: bottom, left: left, right: right)))
            }
            let interpolation = ((config["interpolation"] as? String) ?? "nearest").lowercased()
            guard interpolation == "nearest" else { throw unsupported("interpolation '\(interpolation)' is not supported (nearest only)") }
            guard let size = integers(config["size"]), size.count == rank, size.allSatisfy({ $0 > 0 && $0 <= 1 << 12 }) else {
                throw unsupported("size \(config["size"] ?? "none") must be \(rank) positive integer(s)")
            }
            return .image(.upSampling(UpSamplingParameters(spatialDimensions: rank, inputHeight: 1, inputWidth: 1, channels: 1,
                                                           heightFactor: rank == 1 ? 1 : size[0], widthFactor: size[rank - 1])))
        default:
            throw unsupported("layer class \(className) is not supported (supported: \(supportedClasses.joined(separator: ", ")))")
        }
    }
}
