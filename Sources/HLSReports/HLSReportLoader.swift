import Foundation

/// Reads a report file, or the reports of a C-synthesis folder, from disk (the only file I/O of HLSReports).
public enum HLSReportLoader {
    /// Which files of a folder are read, decided from the file names alone.
    public struct FolderPlan: Sendable, Equatable {
        /// The report the top-level figures and the instance table come from.
        public var top: String
        /// The top's XML report, read beside a text report for what the text lacks (pipeline depth).
        public var topXML: String?
        /// Per-module reports (`<module>_csynth.xml`, else `<module>_csynth.rpt`).
        public var modules: [String]
    }

    /// The plan for a folder holding `names`: the top is `myproject_csynth.rpt` (hls4ml's top function),
    /// else another `<top>_csynth.rpt` whose name carries no hls4ml `configN` (not a layer module), else
    /// `csynth.rpt` (Synthesis Summary), else the top's XML alone, else a hand transcription
    /// (`*csynth*excerpt*`, `notebook_printed_*csynth*`). Per-module reports are the `*_csynth.xml` and
    /// `*_csynth.rpt` files whose stem names an hls4ml layer (`…configN…`).
    public static func plan(names: [String]) -> FolderPlan? {
        let sorted = names.sorted()
        func stem(_ name: String, _ suffix: String) -> String? { name.hasSuffix(suffix) ? String(name.dropLast(suffix.count)) : nil }
        let isModule: (String) -> Bool = { HLS4MLLayer(moduleName: $0) != nil }
        let topTexts = sorted.filter { stem($0, "_csynth.rpt").map { !isModule($0) } ?? false }
        let topXMLs = sorted.filter { stem($0, "_csynth.xml").map { !isModule($0) } ?? false }
        let transcriptions = sorted.filter {
            let lower = $0.lowercased()
            return lower.contains("csynth") && (lower.contains("excerpt") || lower.hasPrefix("notebook_printed_"))
        }
        let top: String
        if sorted.contains("myproject_csynth.rpt") { top = "myproject_csynth.rpt" }
        else if let text = topTexts.first { top = text }
        else if sorted.contains("csynth.rpt") { top = "csynth.rpt" }
        else if let xml = topXMLs.first { top = xml }
        else if let transcription = transcriptions.first { top = transcription }
        else { return nil }
        // Beside a text report, its own XML (same stem), else (csynth.rpt, a transcription) the top's XML.
        var topXML: String?
        if let name = stem(top, "_csynth.rpt"), sorted.contains("\(name)_csynth.xml") { topXML = "\(name)_csynth.xml" }
        else if !top.hasSuffix(".xml"), stem(top, "_csynth.rpt") == nil { topXML = topXMLs.first }
        var modules: [String] = []
        for name in sorted {
            if let module = stem(name, "_csynth.xml"), isModule(module) { modules.append(name) }
            else if let module = stem(name, "_csynth.rpt"), isModule(module), !sorted.contains("\(module)_csynth.xml") { modules.append(name) }
        }
        return FolderPlan(top: top, topXML: topXML, modules: modules)
    }

    /// Reads `path`: a report file, or a folder of reports (see `plan(names:)`).
    public static func load(_ path: String) throws(HLSReportError) -> HLSReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file or folder")
        }
        guard isDirectory.boolValue else {
            var report = try HLSReportParser.parse(try read(path), file: path)
            report.filesRead = [path]
            return report
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") } }
        catch { throw .unreadable(path: path, reason: error.localizedDescription) }
        guard let plan = plan(names: names) else { throw .noReport(folder: path, found: names.sorted()) }
        // Paths as the user spelled the folder (relative stays relative), for messages and output.
        let folder = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        func file(_ name: String) -> String { folder + "/" + name }
        var report = try HLSReportParser.parse(try read(file(plan.top)), file: file(plan.top))
        report.filesRead = [file(plan.top)]
        if let xmlName = plan.topXML {
            let xml = try HLSReportParser.parseXML(try read(file(xmlName)), file: file(xmlName))
            report.merge(topXML: xml)
            report.filesRead.append(file(xmlName))
        }
        for name in plan.modules {
            let module = try HLSReportParser.parse(try read(file(name)), file: file(name))
            report.attach(module.moduleReport)
            report.filesRead.append(file(name))
        }
        return report
    }

    static func read(_ path: String) throws(HLSReportError) -> String {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) }
        catch { throw .unreadable(path: path, reason: (error as NSError).localizedFailureReason ?? error.localizedDescription) }
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw .notAReport(file: path, reason: "not text")
        }
        return text
    }
}

extension HLSReport {
    /// This report seen as one module's own report.
    public var moduleReport: HLSModuleReport {
        HLSModuleReport(module: topModule, file: file, latency: latency, interval: interval, pipelineDepth: pipelineDepth,
                        estimatedClockNs: clock?.estimatedNs, resources: resources, layer: HLS4MLLayer(moduleName: topModule))
    }

    /// Takes from the top's XML report what the text report lacks (pipeline depth, clock, part); the two
    /// must agree on the top latency, or the XML is not this report's.
    mutating func merge(topXML xml: HLSReport) {
        if pipelineDepth == nil { pipelineDepth = xml.pipelineDepth }
        if part == nil { part = xml.part }
        if productFamily == nil { productFamily = xml.productFamily }
        if clock == nil || clock?.targetNs == nil { clock = xml.clock }
        if xml.latency != latency || (xml.interval != nil && interval != nil && xml.interval != interval) {
            notes.append("\(xml.file) gives a different top latency/interval (\(xml.latency)/\(xml.interval?.description ?? "–")); the text report's are shown")
        }
    }

    /// Attaches a module's own report to the instances of that module, or lists it with the other modules.
    mutating func attach(_ module: HLSModuleReport) {
        var found = false
        for index in instances.indices where instances[index].module == module.module {
            instances[index].moduleReport = module
            found = true
        }
        if !found { otherModules.append(module) }
    }
}
