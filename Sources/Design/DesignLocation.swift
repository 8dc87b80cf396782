/// Where in a design file a problem sits: the file, the line (when the YAML parser reports one), the
/// layer (by name, or `#index` when it has none) and the field (a dotted path such as
/// `config.LayerName.fc1.ReuseFactor` or, inside a layer, `kernel`).
public struct DesignLocation: Sendable, Equatable, CustomStringConvertible {
    /// Path of the design (or profile) file, as given to the loader.
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// The layer's name, or `#n` (1-based position in `layers:`) for a layer without a usable name.
    public var layer: String?
    /// The field, as a dotted path.
    public var field: String?

    /// Creates a location.
    public init(file: String, line: Int? = nil, column: Int? = nil, layer: String? = nil, field: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.layer = layer
        self.field = field
    }

    /// `Designs/flow_vt.yml:12:7: layer 'fc1', field 'kernel'`.
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        var parts: [String] = []
        if let layer { parts.append(layer.hasPrefix("#") ? "layer \(layer)" : "layer '\(layer)'") }
        if let field { parts.append("field '\(field)'") }
        return parts.isEmpty ? text : text + ": " + parts.joined(separator: ", ")
    }
}
