import Foundation
import FixedPoint
import NetworkIR
import Scheduling

/// Turns the YAML tree of one design into a `LoadedDesign`: top-level fields and `config:` here, layers in
/// `DesignParser+Layers.swift`, precision resolution in `DesignParser+Precision.swift`.
struct DesignParser {
    let file: String
    let source: URL
    let profileSearchPaths: [URL]
    var notes: [String] = []
    /// Flatten and Reshape layers folded away while parsing the layers: name → the tensor they stand for.
    var foldedLayers: [String: String] = [:]

    init(file: String, source: URL, profileSearchPaths: [URL]) {
        self.file = file
        self.source = source
        self.profileSearchPaths = profileSearchPaths
    }

    var directory: URL { source.deletingLastPathComponent() }

    static let topLevelKeys = ["name", "description", "device", "input", "config", "layers", "outputs"]
    static let configKeys = ["IOType", "ClockPeriod", "ClockUncertainty", "Model", "LayerName", "FIFODepth"]
    static let modelKeys = ["Precision", "ReuseFactor", "Strategy", "ParallelizationFactor"]
    static let layerNameKeys = ["Precision", "ReuseFactor", "Strategy", "ParallelizationFactor"]
    static let modelPrecisionKeys = ["default", "result", "weight", "bias", "accum", "scale", "param", "table",
                                     "exp_table", "inv_table", "inv_inp", "inp_norm", "slope", "shift"]
    /// hls4ml's `default_precision` when a design gives none.
    static let hls4mlDefaultPrecision = Precision.fixed(16, 6)
    static let defaultClockPeriodNs = 5.0

    mutating func parse(_ root: YAMLCursor) throws(DesignError) -> LoadedDesign {
        let top = try root.mapping(known: Self.topLevelKeys)

        let nameCursor = try top.required("name")
        let name = try nameCursor.string()
        if let problem = HardwareName.problem(with: name) {
            throw nameCursor.invalid("a name the RTL module can take (\(problem)): \(Self.nameRule)")
        }

        let config = try parseConfig(top.optional("config"))

        let inputCursor = try top.required("input")
        let input = try inputCursor.mapping(known: ["size", "shape", "precision"])
        let inputShape: TensorShape
        if let shapeCursor = input.optional("shape") {
            inputShape = TensorShape(try shapeCursor.sequence().map { (c) throws(DesignError) in try c.positiveInteger() })
            guard (1...3).contains(inputShape.dimensions.count), inputShape.count <= YAMLCursor.sizeLimit else {
                throw shapeCursor.invalid("1 to 3 positive sizes, channels last ([height, width, channels], [width, channels] or [size])")
            }
            if let sizeCursor = input.optional("size") {
                let size = try sizeCursor.positiveInteger()
                guard size == inputShape.count else { throw .shapeMismatch(sizeCursor.location, expected: inputShape.count, found: size) }
            }
        } else {
            inputShape = .vector(try input.required("size").positiveInteger())
        }
        let inputSize = inputShape.count
        let inputSetting = try input.optional("precision")?.precisionSetting()

        let layersCursor = try top.required("layers")
        let layerCursors = try layersCursor.sequence()
        guard !layerCursors.isEmpty else { throw layersCursor.invalid("a list of at least one layer") }
        let specs = try parseLayers(layerCursors, inputShape: inputShape)

        let known = specs.map(\.name)
        for (layerName, entry) in config.layers where !known.contains(layerName) {
            throw .unknownLayerNameEntry(entry.cursor.location, name: layerName, known: known)
        }

        var network = try buildNetwork(name: name, inputSize: inputSize, inputSetting: inputSetting,
                                       inputCursor: input.optional("precision") ?? inputCursor,
                                       specs: specs, config: config)
        network.inputShape = inputShape
        let outputsCursor = top.optional("outputs")
        if let outputsCursor {
            let names = try outputsCursor.sequence().map { (c) throws(DesignError) in try c.string() }
            guard !names.isEmpty else { throw outputsCursor.invalid("a list of at least one layer name") }
            network.outputs = names.map { foldedLayers[$0] ?? $0 }
        }
        do {
            try network.validate()
        } catch {
            var place = location(of: error, specs: specs, input: inputCursor)
            if case let .invalidParameter(_, field, _) = error, field == "outputs", let outputsCursor { place = outputsCursor.location }
            throw .invalidNetwork(place, error)
        }

        let profile = try loadProfile(top.optional("device"))
        var implementations: [String: LayerImplementation] = [:]
        // ReuseFactor and Strategy fall back from LayerName to Model, as hls4ml's get_reuse_factor/get_strategy do;
        // ParallelizationFactor is read as hls4ml reads it (get_layer_config_value): a layer with a LayerName entry
        // takes that entry's value or hls4ml's default 1, and only a layer without one takes the Model's.
        let hidesModelFactor = config.parallelizationFactor != nil
        for (layerName, entry) in config.layers
        where entry.reuseFactor != nil || entry.strategy != nil || entry.parallelizationFactor != nil || hidesModelFactor {
            implementations[layerName] = LayerImplementation(reuseFactor: entry.reuseFactor ?? config.reuseFactor,
                                                             strategy: entry.strategy ?? config.strategy,
                                                             parallelizationFactor: entry.parallelizationFactor)
            if let factor = config.parallelizationFactor, entry.parallelizationFactor == nil,
               let layer = network.layers.first(where: { $0.name == layerName }), case .convolution = layer.operation {
                notes.append(LoadedDesign.hiddenModelFactorNote(layer: layerName, factor: factor))
            }
        }
        var options = ScheduleOptions(
            clockPeriodNs: config.clockPeriodNs,
            clockUncertaintyNs: config.clockUncertainty.nanoseconds(atPeriod: config.clockPeriodNs),
            ioType: config.ioType,
            defaultImplementation: LayerImplementation(reuseFactor: config.reuseFactor, strategy: config.strategy,
                                                       parallelizationFactor: config.parallelizationFactor),
            layerImplementations: implementations,
            device: profile)
        options.fifoDepths = config.fifoDepths
        if let warning = profile.clockWarning(periodNs: config.clockPeriodNs) { notes.append(warning) }
        return LoadedDesign(network: network, options: options, source: source,
                            clockUncertainty: config.clockUncertainty, notes: notes)
    }

    /// What `HardwareName` allows, in words.
    static let nameRule = "letters, digits and '_', not starting with a digit, no Verilog keyword, not in, out, dbg, clk or rst"

    // MARK: Device profile

    private mutating func loadProfile(_ cursor: YAMLCursor?) throws(DesignError) -> DeviceProfile {
        var name = DeviceProfileLoader.defaultProfileName
        if let cursor {
            name = try cursor.string()
        } else {
            notes.append("no device given: using the default profile \(name)")
        }
        let url = try DeviceProfileLoader.locate(name: name, searchPaths: profileSearchPaths,
                                                 requestedBy: cursor?.location ?? DesignLocation(file: file, field: "device"))
        let profile = try DeviceProfileLoader.load(from: url)
        if profile.name != name.replacingOccurrences(of: ".yml", with: "") {
            notes.append("device profile \(url.lastPathComponent) calls itself '\(profile.name)'")
        }
        return profile
    }

    // MARK: config

    /// One `config.LayerName` entry.
    struct LayerEntry {
        var cursor: YAMLCursor
        var precision: PrecisionTable
        var reuseFactor: Int?
        var strategy: Strategy?
        var parallelizationFactor: Int?
    }

    /// A `Precision:` value: a single precision (stored under `default`) or a map of keys.
    struct PrecisionTable {
        var entries: [String: (setting: PrecisionSetting, cursor: YAMLCursor)] = [:]
        var cursor: YAMLCursor?

        func lookup(_ keys: [String]) -> (setting: PrecisionSetting, cursor: YAMLCursor)? {
            for key in keys { if let entry = entries[key] { return entry } }
            return nil
        }
    }

    struct Config {
        var ioType: IOType = .parallel
        var clockPeriodNs = DesignParser.defaultClockPeriodNs
        var clockUncertainty = ClockUncertainty.hlsDefault
        var modelPrecision = PrecisionTable()
        var modelDefault = DesignParser.hls4mlDefaultPrecision
        var reuseFactor = 1
        var strategy = Strategy.latency
        /// hls4ml's ParallelizationFactor of the convolutions (nil: its default, 1).
        var parallelizationFactor: Int?
        var layers: [(name: String, entry: LayerEntry)] = []
        /// FIFO depth overrides by FIFO name (`config.FIFODepth`).
        var fifoDepths: [String: Int] = [:]

        func entry(for layer: String) -> LayerEntry? { layers.first { $0.name == layer }?.entry }
    }

    private mutating func parseConfig(_ cursor: YAMLCursor?) throws(DesignError) -> Config {
        var config = Config()
        guard let cursor else {
            notes.append("no config given: io_parallel, ClockPeriod 5 ns, ReuseFactor 1, Latency, precision \(config.modelDefault)")
            return config
        }
        let map = try cursor.mapping(known: Self.configKeys)

        if let ioCursor = map.optional("IOType") {
            let text = try ioCursor.string().lowercased()
            guard let ioType = IOType.allCases.first(where: { $0.rawValue == text }) else {
                throw ioCursor.invalid("io_parallel or io_stream")
            }
            config.ioType = ioType
        }

        if let periodCursor = map.optional("ClockPeriod") {
            config.clockPeriodNs = try periodCursor.double()
            guard config.clockPeriodNs > 0 else { throw periodCursor.invalid("a clock period > 0 ns") }
        } else {
            notes.append("no ClockPeriod given: using \(Self.defaultClockPeriodNs) ns")
        }

        if let uncertaintyCursor = map.optional("ClockUncertainty") {
            config.clockUncertainty = try parseUncertainty(uncertaintyCursor, periodNs: config.clockPeriodNs)
        }

        if let modelCursor = map.optional("Model") {
            let model = try modelCursor.mapping(known: Self.modelKeys)
            if let precisionCursor = model.optional("Precision") {
                config.modelPrecision = try parsePrecisionTable(precisionCursor)
                if let entry = config.modelPrecision.entries["default"] {
                    guard case let .fixed(precision) = entry.setting else {
                        throw entry.cursor.invalid("a concrete precision (the model default cannot be auto)")
                    }
                    config.modelDefault = precision
                } else {
                    notes.append("no Model default precision given: using hls4ml's \(config.modelDefault)")
                }
            } else {
                notes.append("no Model Precision given: using hls4ml's \(config.modelDefault)")
            }
            if let rfCursor = model.optional("ReuseFactor") { config.reuseFactor = try parseReuseFactor(rfCursor) }
            if let strategyCursor = model.optional("Strategy") { config.strategy = try parseStrategy(strategyCursor) }
            if let pfCursor = model.optional("ParallelizationFactor") { config.parallelizationFactor = try pfCursor.positiveInteger() }
        }

        if let depthCursor = map.optional("FIFODepth") {
            for (fifo, value) in try depthCursor.openMapping() { config.fifoDepths[fifo] = try value.positiveInteger() }
        }

        if let layerNameCursor = map.optional("LayerName") {
            for (layerName, entryCursor) in try layerNameCursor.openMapping() {
                let scoped = YAMLCursor(node: entryCursor.node, file: file, layer: layerName, field: entryCursor.field)
                let entryMap = try scoped.mapping(known: Self.layerNameKeys)
                var entry = LayerEntry(cursor: scoped, precision: PrecisionTable())
                if let precisionCursor = entryMap.optional("Precision") {
                    entry.precision = try parsePrecisionTable(precisionCursor)
                }
                if let rfCursor = entryMap.optional("ReuseFactor") { entry.reuseFactor = try parseReuseFactor(rfCursor) }
                if let strategyCursor = entryMap.optional("Strategy") { entry.strategy = try parseStrategy(strategyCursor) }
                if let pfCursor = entryMap.optional("ParallelizationFactor") { entry.parallelizationFactor = try pfCursor.positiveInteger() }
                config.layers.append((layerName, entry))
            }
        }
        return config
    }

    private func parseUncertainty(_ cursor: YAMLCursor, periodNs: Double) throws(DesignError) -> ClockUncertainty {
        let text = try cursor.string().trimmingCharacters(in: .whitespaces)
        let expected = "a percentage of the period such as 12.5% (0 to <100), or a time in ns below the period"
        if text.hasSuffix("%") {
            guard let value = YAMLCursor.number(String(text.dropLast())), value >= 0, value < 100 else {
                throw cursor.invalid(expected)
            }
            return .percent(value)
        }
        let number = text.lowercased().hasSuffix("ns") ? String(text.dropLast(2)) : text
        guard let value = YAMLCursor.number(number), value >= 0, value < periodNs else { throw cursor.invalid(expected) }
        return .nanoseconds(value)
    }

    private func parseReuseFactor(_ cursor: YAMLCursor) throws(DesignError) -> Int {
        do { return try cursor.positiveInteger() } catch { throw .invalidReuseFactor(cursor.location, value: cursor.excerpt) }
    }

    private func parseStrategy(_ cursor: YAMLCursor) throws(DesignError) -> Strategy {
        guard let strategy = Strategy(token: try cursor.string()) else { throw cursor.invalid("Latency or Resource") }
        return strategy
    }

    /// A single precision applies to every key (hls4ml's per-layer default); a map sets keys one by one.
    private func parsePrecisionTable(_ cursor: YAMLCursor) throws(DesignError) -> PrecisionTable {
        var table = PrecisionTable(cursor: cursor)
        if cursor.isScalar {
            table.entries["default"] = (try cursor.precisionSetting(), cursor)
            return table
        }
        // Keys are checked against the layer's class later; here only the set of all keys.
        let map = try cursor.mapping(known: Self.modelPrecisionKeys)
        for (key, value) in map.entries where !value.isNull {
            table.entries[key] = (try value.precisionSetting(), value)
        }
        return table
    }

    // MARK: Network errors

    private func location(of error: NetworkError, specs: [LayerSpec], input: YAMLCursor) -> DesignLocation {
        let layerName: String?
        switch error {
        case let .shapeMismatch(layer, _, _), let .invalidShape(layer, _), let .invalidPrecision(layer, _, _),
             let .invalidParameter(layer, _, _), let .duplicateName(layer):
            layerName = layer
        case .inputSizeMismatch:
            layerName = nil
        }
        // A duplicate name points at its second use.
        let candidates = specs.filter { $0.name == layerName }
        if let spec = (error == .duplicateName(layer: layerName ?? "") ? candidates.last : candidates.first) {
            return spec.cursor.location
        }
        return input.location
    }
}
