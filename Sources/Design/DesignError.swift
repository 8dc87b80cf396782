import FixedPoint
import NetworkIR

/// Why a design file or a device profile could not be loaded. Every message names the file, and where it
/// applies the layer, the field and the line, in a sentence a user can act on.
public enum DesignError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read (missing, a directory, not UTF-8, …).
    case unreadableFile(path: String, reason: String)
    /// The text is not valid YAML; the location carries the parser's line and column.
    case malformedYAML(DesignLocation, problem: String)
    /// A required field is absent (the location's `field` names it).
    case missingField(DesignLocation)
    /// A key that the schema does not know, probably a typo.
    case unknownField(DesignLocation, known: [String])
    /// A field holds a value of the wrong kind or out of range.
    case invalidValue(DesignLocation, value: String, expected: String)
    /// `class:` names a layer kind Pipewright does not model.
    case unknownLayerClass(DesignLocation, className: String, known: [String])
    /// A precision string that does not parse or is outside the supported widths.
    case invalidPrecision(DesignLocation, PrecisionError)
    /// A number of values, or an explicit `input_size:`, does not match the layer's shape.
    case shapeMismatch(DesignLocation, expected: Int, found: Int)
    /// `ReuseFactor` is not a positive integer.
    case invalidReuseFactor(DesignLocation, value: String)
    /// A `{file: …}` parameter file could not be read or holds something other than numbers.
    case unreadableParameterFile(DesignLocation, path: String, reason: String)
    /// No `<name>.yml` in any of the searched folders; `requestedBy` is the `device:` field, if any.
    case unknownDeviceProfile(name: String, searched: [String], requestedBy: DesignLocation?)
    /// A device profile file exists but does not decode into a `DeviceProfile`.
    case invalidDeviceProfile(path: String, reason: String)
    /// `config.LayerName` names a layer that the design does not have.
    case unknownLayerNameEntry(DesignLocation, name: String, known: [String])
    /// The assembled network failed `Network.validate()`; the location points at the offending layer.
    case invalidNetwork(DesignLocation, NetworkError)

    /// The location of the problem, when it has one.
    public var location: DesignLocation? {
        switch self {
        case .unreadableFile, .invalidDeviceProfile: return nil
        case let .unknownDeviceProfile(_, _, requestedBy): return requestedBy
        case let .malformedYAML(location, _), let .missingField(location), let .unknownField(location, _),
             let .invalidValue(location, _, _), let .unknownLayerClass(location, _, _),
             let .invalidPrecision(location, _), let .shapeMismatch(location, _, _),
             let .invalidReuseFactor(location, _), let .unreadableParameterFile(location, _, _),
             let .unknownLayerNameEntry(location, _, _), let .invalidNetwork(location, _):
            return location
        }
    }

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "\(path): cannot read the file: \(reason)"
        case let .malformedYAML(location, problem):
            return "\(location): malformed YAML: \(problem)"
        case let .missingField(location):
            return "\(location): this required field is missing"
        case let .unknownField(location, known):
            return "\(location): unknown field; expected one of \(known.joined(separator: ", "))"
        case let .invalidValue(location, value, expected):
            return "\(location): invalid value '\(value)'; expected \(expected)"
        case let .unknownLayerClass(location, className, known):
            return "\(location): unknown layer class '\(className)'; known classes: \(known.joined(separator: ", "))"
        case let .invalidPrecision(location, error):
            return "\(location): \(error.description)"
        case let .shapeMismatch(location, expected, found):
            return "\(location): shape mismatch: expected \(expected) values, found \(found)"
        case let .invalidReuseFactor(location, value):
            return "\(location): invalid ReuseFactor '\(value)'; it must be a positive integer"
        case let .unreadableParameterFile(location, path, reason):
            return "\(location): cannot use parameter file '\(path)': \(reason)"
        case let .unknownDeviceProfile(name, searched, requestedBy):
            let prefix = requestedBy.map { "\($0): " } ?? ""
            let places = searched.isEmpty ? "no search paths" : searched.joined(separator: ", ")
            return "\(prefix)unknown device profile '\(name)': no \(name).yml in \(places); "
                + "put \(name).yml in one of these folders, or name its folder with --profiles DIR or PIPEWRIGHT_PROFILES=DIR"
        case let .invalidDeviceProfile(path, reason):
            return "\(path): invalid device profile: \(reason)"
        case let .unknownLayerNameEntry(location, name, known):
            return "\(location): config.LayerName names layer '\(name)', which the design does not have; "
                + "layers: \(known.joined(separator: ", "))"
        case let .invalidNetwork(location, error):
            // The network error already names the layer and the field.
            let place = DesignLocation(file: location.file, line: location.line, column: location.column)
            return "\(place): \(error.description)"
        }
    }
}
