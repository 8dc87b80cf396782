/// The hls4ml layer an HLS module implements, read from the module name.
///
/// hls4ml instantiates one C++ template per layer with that layer's config struct, whose name carries the
/// layer's index in hls4ml's numbering (`config2`, `relu_config4`, `softmax_config7`; sub-layers of a
/// recurrent layer `config2_1`), and HLS names the module after the function and its template arguments:
/// `dense_latency_ap_fixed_8_2_5_3_0_ap_fixed_16_4_5_3_0_config2_s` is `nnet::dense_latency<…, config2>`,
/// layer 2. Vivado HLS 2019.2 sometimes shortens the type arguments to `0_0_…` and drops the config
/// (`dense_latency_0_0_0_…_1`): such a module has no index.
public struct HLS4MLLayer: Sendable, Equatable, Encodable {
    /// The layer index of hls4ml's config numbering (`configN`).
    public var index: Int
    /// The sub-config of a recurrent layer's inner dense layers (`config2_1` → 1).
    public var subIndex: Int?
    /// The layer kind, spelled as Pipewright's layer kinds (`Dense`, `ReLU`, `Softmax`, …), or nil when the
    /// function is not one Pipewright names.
    public var kind: String?
    /// The hls4ml function the module name starts with, e.g. `dense_latency`, `softmax_stable`, `relu`.
    public var function: String

    public init(index: Int, subIndex: Int? = nil, kind: String?, function: String) {
        self.index = index
        self.subIndex = subIndex
        self.kind = kind
        self.function = function
    }

    /// hls4ml function name prefixes and the kind each implements, longest prefix first where one is
    /// the start of another (`leaky_relu` before `relu`).
    static let functions: [(prefix: String, kind: String)] = [
        ("dense_latency", "Dense"), ("dense_resource", "Dense"), ("dense_array", "Dense"), ("dense", "Dense"),
        ("leaky_relu", "LeakyReLU"), ("thresholded_relu", "ThresholdedReLU"), ("relu", "ReLU"),
        ("softmax_stable", "Softmax"), ("softmax_latency", "Softmax"), ("softmax_legacy", "Softmax"),
        ("softmax_argmax", "Softmax"), ("softmax_array", "Softmax"), ("softmax", "Softmax"),
        ("hard_sigmoid", "HardSigmoid"), ("hard_tanh", "HardTanh"), ("sigmoid", "Sigmoid"), ("tanh", "TanH"),
        ("softplus", "Softplus"), ("softsign", "Softsign"), ("selu", "SELU"), ("elu", "ELU"),
        ("normalize", "BatchNormalization"), ("linear", "Linear"),
        ("gru_stack", "GRU"), ("gru_static", "GRU"), ("gru", "GRU"), ("lstm_stack", "LSTM"), ("lstm", "LSTM"),
        ("conv_1d", "Conv1D"), ("conv_2d", "Conv2D"), ("pointwise_conv", "Conv1D"), ("depthwise_conv", "DepthwiseConv2D"),
        ("pooling1d", "Pooling1D"), ("pooling2d", "Pooling2D"), ("global_pooling", "GlobalPooling"),
        ("zeropad", "ZeroPadding"), ("resize", "UpSampling"), ("repack_stream", "Reshape"),
        ("add", "Add"), ("subtract", "Subtract"), ("multiply", "Multiply"), ("average", "Average"),
        ("maximum", "Maximum"), ("minimum", "Minimum"), ("concatenate", "Concatenate"),
        ("clone_stream", "Clone"),
    ]

    /// The layer a module name points to, or nil when it carries no `configN`.
    public init?(moduleName: String) {
        let parts = moduleName.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        // The last `configN` (or `<activation>_configN`) part: the config struct of the layer.
        guard let position = parts.lastIndex(where: { $0.hasPrefix("config") && Int($0.dropFirst("config".count)) != nil }),
              let index = Int(parts[position].dropFirst("config".count)) else { return nil }
        // `config2_1_s` / `config2_1`: a sub-config; `config11_0_0_0` (shortened template arguments) is not.
        let rest = parts[(position + 1)...].filter { $0 != "s" }
        let subIndex = rest.count == 1 ? Int(rest[0]) : nil
        let lower = moduleName.lowercased()
        let match = Self.functions.first { lower == $0.prefix || lower.hasPrefix($0.prefix + "_") }
        self.init(index: index, subIndex: subIndex, kind: match?.kind, function: match?.prefix ?? parts[0])
    }

    /// `2`, or `2.1` for a sub-config.
    public var label: String { subIndex.map { "\(index).\($0)" } ?? "\(index)" }
}
