/// JSON encoding in which a figure the report does not give is `null` (never left out, never 0), so that every
/// object of one kind has the same keys.
extension HLSReport {
    enum CodingKeys: String, CodingKey {
        case file, filesRead, format, tool, version, topModule, part, productFamily, clock, latency, latencyNs, interval
        case pipelineType, pipelineDepth, resources, instances, otherModules, notes
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(filesRead, forKey: .filesRead)
        try c.encode(format, forKey: .format)
        try c.encode(tool, forKey: .tool)
        try c.encode(version, forKey: .version)
        try c.encode(topModule, forKey: .topModule)
        try c.encode(part, forKey: .part)
        try c.encode(productFamily, forKey: .productFamily)
        try c.encode(clock ?? HLSClock(), forKey: .clock)
        try c.encode(latency, forKey: .latency)
        try c.encode(latencyNs, forKey: .latencyNs)
        try c.encode(interval, forKey: .interval)
        try c.encode(pipelineType, forKey: .pipelineType)
        try c.encode(pipelineDepth, forKey: .pipelineDepth)
        try c.encode(resources ?? HLSResources(), forKey: .resources)
        try c.encode(instances, forKey: .instances)
        try c.encode(otherModules, forKey: .otherModules)
        try c.encode(notes, forKey: .notes)
    }
}

extension HLSClock {
    enum CodingKeys: String, CodingKey { case targetNs, estimatedNs, uncertaintyNs }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(targetNs, forKey: .targetNs)
        try c.encode(estimatedNs, forKey: .estimatedNs)
        try c.encode(uncertaintyNs, forKey: .uncertaintyNs)
    }
}

extension HLSResources {
    enum CodingKeys: String, CodingKey { case bram18k, dsp, ff, lut, uram }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(bram18k, forKey: .bram18k)
        try c.encode(dsp, forKey: .dsp)
        try c.encode(ff, forKey: .ff)
        try c.encode(lut, forKey: .lut)
        try c.encode(uram, forKey: .uram)
    }
}

extension HLSInstance {
    enum CodingKeys: String, CodingKey { case instance, module, latency, latencyNs, interval, pipelineType, resources, layer, moduleReport }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(instance, forKey: .instance)
        try c.encode(module, forKey: .module)
        try c.encode(latency, forKey: .latency)
        try c.encode(latencyNs, forKey: .latencyNs)
        try c.encode(interval, forKey: .interval)
        try c.encode(pipelineType, forKey: .pipelineType)
        try c.encode(resources ?? HLSResources(), forKey: .resources)
        try c.encode(layer, forKey: .layer)
        try c.encode(moduleReport, forKey: .moduleReport)
    }
}

extension HLSModuleReport {
    enum CodingKeys: String, CodingKey { case module, file, latency, interval, pipelineDepth, estimatedClockNs, resources, layer }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(module, forKey: .module)
        try c.encode(file, forKey: .file)
        try c.encode(latency, forKey: .latency)
        try c.encode(interval, forKey: .interval)
        try c.encode(pipelineDepth, forKey: .pipelineDepth)
        try c.encode(estimatedClockNs, forKey: .estimatedClockNs)
        try c.encode(resources ?? HLSResources(), forKey: .resources)
        try c.encode(layer, forKey: .layer)
    }
}

extension HLS4MLLayer {
    enum CodingKeys: String, CodingKey { case index, subIndex, kind, function }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(subIndex, forKey: .subIndex)
        try c.encode(kind, forKey: .kind)
        try c.encode(function, forKey: .function)
    }
}
