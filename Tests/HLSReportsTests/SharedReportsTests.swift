import Foundation
import HLSReports
import Testing

/// Every report in `../shared/hls_reports` read, and the figures compared with `index.json`, which was
/// written from the same reports by hand (never copied into this file).
@Suite struct SharedReportsTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let reports = repository.appendingPathComponent("../shared/hls_reports").standardizedFileURL

    static func folders() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: reports.path).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: reports.appendingPathComponent($0).path, isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
    }

    static func load(_ id: String) throws -> HLSReport { try HLSReportLoader.load(reports.appendingPathComponent(id).path) }

    /// Which folders are read, from which file, and which are skipped and why.
    ///
    /// - 25 folders hold the tool's own files: the 23 argykokk designs (Vitis HLS 2021.1
    ///   `myproject_csynth.rpt` with the per-layer instance table, `myproject_csynth.xml`, and one
    ///   `<module>_csynth.xml` per layer) and the 2 uwacme GRU designs (Vivado HLS 2019.2
    ///   `myproject_csynth.rpt`/`.xml` and one `<module>_csynth.rpt` per module).
    /// - 6 folders hold only hand transcriptions of a report's sections (a `#` header says so): the 4
    ///   lightningsim `csynth_rpt_excerpt.txt` (the Synthesis Summary table of Vitis HLS 2023.1/2025.2) and
    ///   the 2 liu_tutorial files (a Vivado HLS 2019.2 report printed by a notebook, and the AXI wrapper's
    ///   report). Their layout is the tools' own, so they are read too; the report carries a note that it is
    ///   a transcription.
    /// - Skipped: `argykokk_weights` (weight text files of the argykokk models, no report).
    @Test func everyDesignFolderIsRead() throws {
        var read: [String: String] = [:], transcribed: [String] = [], skipped: [String: String] = [:]
        for folder in try Self.folders() {
            let names = try FileManager.default.contentsOfDirectory(atPath: Self.reports.appendingPathComponent(folder).path)
            guard HLSReportLoader.plan(names: names) != nil else {
                skipped[folder] = "no report file (\(names.count) entries: \(names.sorted().prefix(3).joined(separator: ", ")), …)"
                continue
            }
            let report = try Self.load(folder)
            read[folder] = URL(fileURLWithPath: report.file).lastPathComponent
            if report.notes.contains(where: { $0.hasPrefix("hand transcription") }) { transcribed.append(folder) }
        }
        print("read \(read.count) folders:")
        for (folder, file) in read.sorted(by: { $0.key < $1.key }) { print("  \(folder): \(file)") }
        print("of which hand transcriptions: \(transcribed.sorted().joined(separator: ", "))")
        for (folder, reason) in skipped { print("skipped \(folder): \(reason)") }
        #expect(read.count == 31)
        #expect(Set(skipped.keys) == ["argykokk_weights"])
        #expect(transcribed.sorted() == ["lightningsim_dense_stream_latency_rf1", "lightningsim_keras_1layer_stream_rf4",
                                         "lightningsim_keras_3layer_stream_rf4", "lightningsim_my_hls_test_parallel_rf1",
                                         "liu_tutorial_part1_xcu250", "liu_tutorial_part7a_pynqz2_axi"])
        for (folder, file) in read where folder.hasPrefix("argykokk_") || folder.hasPrefix("uwacme_") {
            #expect(file == "myproject_csynth.rpt", "\(folder)")
        }
    }

    static func int(_ value: Any?) -> Int? { (value as? NSNumber)?.intValue }
    static func double(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }
    static func object(_ value: Any?) -> [String: Any]? { value as? [String: Any] }

    static func indexDesigns() throws -> [[String: Any]] {
        let data = try Data(contentsOf: reports.appendingPathComponent("index.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(root["designs"] as? [[String: Any]])
    }

    /// The config number in an index.json `config_struct` (`config2`, `relu_config4`, `softmax_config7`).
    static func configIndex(_ text: String) -> Int? {
        guard let range = text.range(of: "config", options: .backwards) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    /// Top latency/interval and every instance's latency/interval equal index.json's, for every design
    /// index.json has them for; per-module reports too (pipeline depth, estimated clock).
    @Test func figuresEqualIndexJSON() throws {
        var comparedTops = 0, comparedInstances = 0, comparedModules = 0
        for design in try Self.indexDesigns() {
            let id = try #require(design["id"] as? String)
            let report = try Self.load(id)
            let results = try #require(Self.object(design["results"]))
            #expect(report.latency.min == Self.int(results["latency_min"]), "\(id): top latency min")
            #expect(report.latency.max == Self.int(results["latency_max"]), "\(id): top latency max")
            #expect(report.interval?.min == Self.int(results["interval_min"]), "\(id): top interval min")
            #expect(report.interval?.max == Self.int(results["interval_max"]), "\(id): top interval max")
            if let depth = Self.int(results["pipeline_depth"]) { #expect(report.pipelineDepth == depth, "\(id): depth") }
            if let resources = Self.object(results["resources"]) {
                #expect(report.resources?.dsp == Self.int(resources["DSP"]), "\(id): DSP")
                #expect(report.resources?.lut == Self.int(resources["LUT"]), "\(id): LUT")
                #expect(report.resources?.ff == Self.int(resources["FF"]), "\(id): FF")
            }
            comparedTops += 1
            if let nn = Self.object(results["nn_instance"]) {   // liu part 7a: the network inside the AXI wrapper
                let instance = try #require(report.instances.first { $0.module == nn["module"] as? String }, "\(id): nn instance")
                #expect(instance.latency == CycleRange(min: try #require(Self.int(nn["latency_min"])), max: try #require(Self.int(nn["latency_max"]))))
                #expect(instance.interval == CycleRange(min: try #require(Self.int(nn["interval_min"])), max: try #require(Self.int(nn["interval_max"]))))
                comparedInstances += 1
            }
            for layer in design["layers"] as? [[String: Any]] ?? [] {
                if let expected = Self.object(layer["hls_instance"]) {
                    let name = try #require(expected["instance"] as? String)
                    let instance = try #require(report.instances.first { $0.instance == name }, "\(id): instance \(name)")
                    #expect(instance.module == expected["module"] as? String, "\(id) \(name): module")
                    #expect(instance.latency.min == Self.int(expected["latency_min"]), "\(id) \(name): latency min")
                    #expect(instance.latency.max == Self.int(expected["latency_max"]), "\(id) \(name): latency max")
                    #expect(instance.interval?.min == Self.int(expected["interval_min"]), "\(id) \(name): interval min")
                    #expect(instance.interval?.max == Self.int(expected["interval_max"]), "\(id) \(name): interval max")
                    #expect(instance.resources?.dsp == Self.int(Self.object(expected["resources"])?["DSP"]), "\(id) \(name): DSP")
                    // The instance maps to the layer of the config struct index.json names.
                    if let config = (layer["config_struct"] as? String).flatMap(Self.configIndex) {
                        #expect(instance.layer?.index == config, "\(id) \(name): layer index")
                    }
                    comparedInstances += 1
                    if let module = Self.object(layer["hls_module_report"]) {
                        let own = try #require(instance.moduleReport, "\(id) \(name): module report")
                        #expect(own.latency.max == Self.int(module["latency_max"]), "\(id) \(name): module latency")
                        #expect(own.interval?.max == Self.int(module["interval_max"]), "\(id) \(name): module interval")
                        #expect(own.pipelineDepth == Self.int(module["pipeline_depth"]), "\(id) \(name): module depth")
                        #expect(own.estimatedClockNs == Self.double(module["clock_estimated_ns"]), "\(id) \(name): module clock")
                        comparedModules += 1
                    }
                } else if let expected = Self.object(layer["hls_module"]) {   // lightningsim: by config struct
                    let config = try #require((layer["config_struct"] as? String).flatMap(Self.configIndex))
                    let instance = try #require(report.instances.first { $0.layer?.index == config }, "\(id): layer \(config)")
                    #expect(instance.latency == CycleRange(try #require(Self.int(expected["latency"]))), "\(id) config\(config): latency")
                    #expect(instance.interval == CycleRange(try #require(Self.int(expected["interval"]))), "\(id) config\(config): interval")
                    comparedInstances += 1
                } else if let description = layer["instance_module"] as? String {   // liu part 1
                    let indices = Self.configIndices(description)
                    let matches = indices.isEmpty
                        ? report.instances.filter { $0.resources?.dsp == Self.int(Self.object(layer["resources"])?["DSP"]) }
                        : report.instances.filter { indices.contains($0.layer?.index ?? -1) }
                    #expect(matches.count == max(indices.count, 1), "\(id) \(description)")
                    for instance in matches {
                        #expect(instance.latency == CycleRange(try #require(Self.int(layer["latency"]))), "\(id) \(instance.instance): latency")
                        #expect(instance.interval == CycleRange(try #require(Self.int(layer["interval"]))), "\(id) \(instance.instance): interval")
                        comparedInstances += 1
                    }
                }
            }
            for module in design["gru_and_other_module_reports"] as? [[String: Any]] ?? [] {   // uwacme
                let file = try #require(module["report"] as? String)
                let own = try #require((report.otherModules + report.instances.compactMap(\.moduleReport)).first { $0.file.hasSuffix("/" + file) },
                                       "\(id): \(file)")
                #expect(own.latency == CycleRange(min: try #require(Self.int(module["latency_min"])), max: try #require(Self.int(module["latency_max"]))), "\(id) \(file)")
                #expect(own.interval == CycleRange(min: try #require(Self.int(module["interval_min"])), max: try #require(Self.int(module["interval_max"]))), "\(id) \(file)")
                #expect(own.estimatedClockNs == Self.double(module["clock_estimated_ns"]), "\(id) \(file): clock")
                comparedModules += 1
            }
        }
        print("compared with index.json: \(comparedTops) tops, \(comparedInstances) instances, \(comparedModules) module reports")
        #expect(comparedTops == 31)
        #expect(comparedInstances > 150)
    }

    /// `relu config4/7/10` → [4, 7, 10]; `…_config11 (output, 32->5)` → [11]; `dense_latency_0_…_1` → [].
    static func configIndices(_ text: String) -> [Int] {
        guard let range = text.range(of: "config") else { return [] }
        return text[range.upperBound...].prefix { $0.isNumber || $0 == "/" }.split(separator: "/").compactMap { Int($0) }
    }

    /// The argykokk folders hold the same synthesis twice: `myproject_csynth.rpt` (Vitis HLS Report) and
    /// `csynth.rpt` (Synthesis Summary). Both layouts must give the same top and instance figures.
    @Test func bothTextLayoutsAgree() throws {
        for folder in try Self.folders() where folder.hasPrefix("argykokk_") && folder != "argykokk_weights" {
            let full = try Self.load(folder)
            let summary = try HLSReportLoader.load(Self.reports.appendingPathComponent("\(folder)/csynth.rpt").path)
            #expect(summary.format == .synthesisSummary)
            #expect(summary.latency.max == full.latency.max && summary.interval?.max == full.interval?.max, "\(folder)")
            #expect(summary.instances.map(\.instance) == full.instances.map(\.instance), "\(folder)")
            #expect(summary.instances.map(\.module) == full.instances.map(\.module), "\(folder)")
            #expect(summary.instances.map(\.latency.max) == full.instances.map(\.latency.max), "\(folder)")
            #expect(summary.instances.map { $0.interval?.max } == full.instances.map { $0.interval?.max }, "\(folder)")
            #expect(summary.resources?.dsp == full.resources?.dsp && summary.version == full.version && summary.part == full.part, "\(folder)")
        }
    }
}
