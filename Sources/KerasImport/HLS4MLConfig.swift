import FixedPoint
import Foundation
import Scheduling

/// The configuration dictionary hls4ml's `config_from_keras_model(model, granularity="name",
/// default_precision=…, backend="Vivado")` creates for a model (`utils/config.py`): every precision key
/// without a default is `auto` unless a QKeras quantizer sets it; activations get `table` (never read) and
/// `TableSize`; every layer but the input gets the model's ReuseFactor.
public struct HLS4MLConfig: Sendable, Equatable {
    public struct LayerEntry: Sendable, Equatable {
        public var name: String
        /// Precision keys in hls4ml's order with their setting.
        public var precision: [(key: String, value: String)]
        public var reuseFactor: Int?
        public var tableSize: Int?

        public static func == (a: LayerEntry, b: LayerEntry) -> Bool {
            a.name == b.name && a.reuseFactor == b.reuseFactor && a.tableSize == b.tableSize
                && a.precision.map(\.key) == b.precision.map(\.key) && a.precision.map(\.value) == b.precision.map(\.value)
        }
    }

    public var defaultPrecision: Precision
    public var reuseFactor: Int
    public var strategy: Strategy
    public var layers: [LayerEntry]

    init(nodes: [HLS4MLNode], defaultPrecision: Precision, reuseFactor: Int, strategy: Strategy) {
        self.defaultPrecision = defaultPrecision
        self.reuseFactor = reuseFactor
        self.strategy = strategy
        layers = nodes.map { node in
            var precision = node.configKeys.map { (key: $0, value: node.settings[$0]?.description ?? "auto") }
            var entry = LayerEntry(name: node.name, precision: [], reuseFactor: reuseFactor, tableSize: nil)
            switch node.operation {
            case .input:
                entry.reuseFactor = nil
            case .relu, .linear, .leakyReLU:
                precision.append((key: "table", value: "fixed<18,8,TRN,WRAP,0>"))
                entry.tableSize = 1024
            default:
                break
            }
            entry.precision = precision
            return entry
        }
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
