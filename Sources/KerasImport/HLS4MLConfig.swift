import FixedPoint
import Foundation
import NetworkIR
import Scheduling

/// The configuration dictionary hls4ml's `config_from_keras_model(model, granularity="name",
/// default_precision=…, backend="Vivado")` creates for a model (`utils/config.py`): every precision key
/// without a default is `auto` unless a QKeras quantizer sets it; activations get `table` (never read) and
/// `TableSize`, a softmax also its table types, `Implementation` and `Skip`; every layer but the input gets the
/// model's ReuseFactor. Precisions set by an import option appear as given (`ap_fixed<16,6>`).
public struct HLS4MLConfig: Sendable, Equatable {
    public struct LayerEntry: Sendable, Equatable {
        public var name: String
        /// Precision keys in hls4ml's order with their setting.
        public var precision: [(key: String, value: String)]
        public var reuseFactor: Int?
        public var tableSize: Int?
        /// A softmax's `Implementation` (`stable`, `latency`, `argmax`).
        public var implementation: String?
        /// A softmax's `Skip` (always false here).
        public var skip: Bool?
        /// A convolution's `ParallelizationFactor` (1) and `ConvImplementation` (`LineBuffer`), hls4ml's defaults.
        public var parallelizationFactor: Int?
        public var convImplementation: String?
        /// A Resize's (UpSampling's) `Algorithm` (`nearest`).
        public var algorithm: String?

        public static func == (a: LayerEntry, b: LayerEntry) -> Bool {
            a.name == b.name && a.reuseFactor == b.reuseFactor && a.tableSize == b.tableSize
                && a.implementation == b.implementation && a.skip == b.skip
                && a.parallelizationFactor == b.parallelizationFactor && a.convImplementation == b.convImplementation
                && a.algorithm == b.algorithm
                && a.precision.map(\.key) == b.precision.map(\.key) && a.precision.map(\.value) == b.precision.map(\.value)
        }
    }

    public var defaultPrecision: Precision
    public var reuseFactor: Int
    public var strategy: Strategy
    public var layers: [LayerEntry]

    /// `folded` names the Flatten and Reshape layers, which get an entry (result `auto`, no ReuseFactor) though they
    /// are no nodes here.
    init(nodes: [HLS4MLNode], folded: [String] = [], defaultPrecision: Precision, reuseFactor: Int, strategy: Strategy) {
        self.defaultPrecision = defaultPrecision
        self.reuseFactor = reuseFactor
        self.strategy = strategy
        layers = nodes.map { node in
            var precision = node.configKeys.map { key -> (key: String, value: String) in
                if node.givenKeys.contains(key), case let .fixed(given)? = node.settings[key] { return (key, given.description) }
                return (key, node.settings[key]?.description ?? "auto")
            }
            var entry = LayerEntry(name: node.name, precision: [], reuseFactor: reuseFactor, tableSize: nil)
            let table = (key: "table", value: "fixed<18,8,TRN,WRAP,0>")
            switch node.operation {
            case .input:
                entry.reuseFactor = nil
            case .relu, .linear, .leakyReLU, .lookup, .hardActivation:
                precision.append(table)
                entry.tableSize = LookupActivation.defaultTableSize
            case let .softmax(parameters):
                precision.insert(table, at: 1)
                entry.tableSize = parameters.invTableSize
                entry.implementation = parameters.implementation.rawValue
                entry.skip = false
            case .convolution:
                entry.parallelizationFactor = 1
                entry.convImplementation = "LineBuffer"
            case .dense, .batchNormalization, .merge:
                break
            case let .pooling(parameters):
                if !parameters.isGlobal { entry.convImplementation = "LineBuffer" }
            case .zeroPadding:
                entry.reuseFactor = nil
            case .upSampling:
                entry.reuseFactor = nil
                entry.algorithm = "nearest"
            }
            entry.precision = precision
            return entry
        } + folded.map { LayerEntry(name: $0, precision: [(key: "result", value: "auto")], reuseFactor: nil, tableSize: nil) }
    }

    /// The dictionary as hls4ml returns it (JSON types: String, Int, Bool, NSNull, nested dictionaries).
    public var dictionary: [String: Any] {
        var layerName: [String: Any] = [:]
        for layer in layers {
            var entry: [String: Any] = ["Trace": false]
            var precision: [String: Any] = [:]
            for (key, value) in layer.precision { precision[key] = value }
            entry["Precision"] = precision
            if let reuseFactor = layer.reuseFactor { entry["ReuseFactor"] = reuseFactor }
            if let tableSize = layer.tableSize { entry["TableSize"] = tableSize }
            if let implementation = layer.implementation { entry["Implementation"] = implementation }
            if let skip = layer.skip { entry["Skip"] = skip }
            if let factor = layer.parallelizationFactor { entry["ParallelizationFactor"] = factor }
            if let implementation = layer.convImplementation { entry["ConvImplementation"] = implementation }
            if let algorithm = layer.algorithm { entry["Algorithm"] = algorithm }
            layerName[layer.name] = entry
        }
        return [
            "Model": [
                "Precision": ["default": defaultPrecision.description],
                "ReuseFactor": reuseFactor, "Strategy": strategy.rawValue, "BramFactor": 1_000_000_000,
                "TraceOutput": false, "BitExact": NSNull(),
            ] as [String: Any],
            "LayerName": layerName,
        ]
    }
}
