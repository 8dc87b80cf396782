import Foundation
@testable import HLSReports
import Testing

/// A malformed, truncated or foreign file gives one error naming the file and the section or table at fault.
@Suite struct MalformedReportTests {
    static let folder = SharedReportsTests.reports.appendingPathComponent("argykokk_cardio_dsp_reuse1")
    static let file = "cut/myproject_csynth.rpt"

    static func text(_ name: String, in folder: URL = folder) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    static func error(_ text: String, file: String = file) -> HLSReportError? {
        do { _ = try HLSReportParser.parse(text, file: file); return nil } catch { return error }
    }

    /// The prefix of `text` up to (not including) the first occurrence of `marker` after `after`, plus `extra`
    /// characters of it.
    static func cut(_ text: String, before marker: String, after: String? = nil, extra: Int = 0) throws -> String {
        let start = try after.map { try #require(text.range(of: $0)).upperBound } ?? text.startIndex
        let found = try #require(text.range(of: marker, range: start..<text.endIndex))
        return String(text[..<text.index(found.lowerBound, offsetBy: extra)])
    }

    @Test func truncatedTextReportNamesTheSection() throws {
        let full = try Self.text("myproject_csynth.rpt")
        let cases: [(String, String)] = [
            (try Self.cut(full, before: "== Performance Estimates"), "section 'Performance Estimates' not found"),
            (try Self.cut(full, before: "|ap_clk", extra: 10), "Timing table: the table ends without its closing '+---+' rule (truncated?)"),
            (try Self.cut(full, before: "+ Latency"), "section 'Latency' not found"),
            (try Self.cut(full, before: "|       29|", extra: 20), "Latency summary table row 1: the row is cut short"),
            (try Self.cut(full, before: "|grp_relu", after: "* Instance", extra: 100), "Instance latency table row 2: the row is cut short"),
            (try Self.cut(full, before: "* Loop"), "section 'Utilization Estimates' not found"),
            (try Self.cut(full, before: "|Total", after: "== Utilization Estimates"), "Utilization summary table: no 'Total' row"),
            (try Self.cut(full, before: "|Total", after: "== Utilization Estimates", extra: 10), "Utilization summary table row 8: the row is cut short"),
            (try Self.cut(full, before: "|grp_relu", after: "== Utilization Estimates", extra: 30), "Instance resources table row 3: the row is cut short"),
        ]
        for (text, expected) in cases {
            let error = try #require(Self.error(text), "no error for a cut before '\(expected)'")
            #expect(error.description.hasPrefix(Self.file + ": "), "\(error)")
            #expect(error.description.contains(expected), "\(error)")
        }
    }

    /// Cut at every 97th character up to the end of the Utilization instance table (the last part read):
    /// always an error, never a crash or a report. A cut after that table (in the Expression, Register or
    /// Interface tables, which are not read) is not noticed.
    @Test func everyCutBeforeTheLastTableReadIsAnError() throws {
        for name in ["myproject_csynth.rpt", "csynth.rpt"] {
            let full = try Self.text(name)
            let lastTable = name == "csynth.rpt" ? "== HW Interfaces" : "* DSP:"
            let end = full.distance(from: full.startIndex, to: try #require(full.range(of: lastTable)).lowerBound)
            let tableEnd = full[..<full.index(full.startIndex, offsetBy: end)].range(of: "+\n", options: .backwards)
            let limit = tableEnd.map { full.distance(from: full.startIndex, to: $0.lowerBound) } ?? end
            var cuts = 0
            for offset in stride(from: 0, to: limit, by: 97) {
                let error = Self.error(String(full.prefix(offset)), file: name)
                #expect(error != nil, "\(name) cut at \(offset) was read")
                if let error { #expect(error.description.hasPrefix(name + ": "), "\(error)") }
                cuts += 1
            }
            #expect(cuts > 25)
            #expect(Self.error(full, file: name) == nil)
        }
    }

    @Test func summaryTranscriptionCutInTheTable() throws {
        let folder = SharedReportsTests.reports.appendingPathComponent("lightningsim_keras_3layer_stream_rf4")
        let full = try Self.text("csynth_rpt_excerpt.txt", in: folder)
        let text = try Self.cut(full, before: "| + relu_array", extra: 40)
        let error = try #require(Self.error(text, file: "excerpt.txt"))
        #expect(error.description == "excerpt.txt: Performance & Resource Estimates table row 4: the row is cut short (no closing '|')")
    }

    @Test func instanceRowWithAMissingColumn() throws {
        let full = try Self.text("myproject_csynth.rpt")
        let row = "|        1|        1|   3.330 ns|   3.330 ns|    1|    1|      yes|"
        #expect(full.contains(row))
        let text = full.replacingOccurrences(of: row, with: "|        1|   3.330 ns|   3.330 ns|    1|    1|      yes|")
        #expect(Self.error(text)?.description == "\(Self.file): Instance latency table row 2: expected 9 columns, found 8")
        let undetermined = full.replacingOccurrences(of: "|       29|       29|", with: "|        ?|        ?|")
        #expect(Self.error(undetermined)?.description == "\(Self.file): Latency summary table row 1: latency min '?' is not a whole number of cycles")
    }

    @Test func garbageAndEmptyFiles() {
        #expect(Self.error("", file: "empty.rpt")?.description == "empty.rpt: not a Vivado/Vitis HLS C-synthesis report: the file is empty")
        #expect(Self.error(" \n\n", file: "blank.rpt")?.description == "blank.rpt: not a Vivado/Vitis HLS C-synthesis report: the file is empty")
        let garbage = String((0..<2000).map { Character(UnicodeScalar(UInt8(33 + ($0 * 7919) % 90))) })
        #expect(Self.error(garbage, file: "garbage.rpt")?.description
                == "garbage.rpt: not a Vivado/Vitis HLS C-synthesis report: no 'Vivado HLS Report for', 'Vitis HLS Report for' or 'Synthesis Summary Report of' header")
        #expect(Self.error("<html><body>hello</body></html>", file: "page.xml")?.description
                == "page.xml: not a Vivado/Vitis HLS C-synthesis report: the XML root is <html>, not <profile>")
    }

    @Test func xmlWithAMissingSectionOrCut() throws {
        let full = try Self.text("myproject_csynth.xml")
        #expect(Self.error(full, file: "top.xml") == nil)
        let start = try #require(full.range(of: "<PerformanceEstimates>")), end = try #require(full.range(of: "</PerformanceEstimates>"))
        var missing = full
        missing.removeSubrange(start.lowerBound..<end.upperBound)
        #expect(Self.error(missing, file: "top.xml")?.description == "top.xml: section 'PerformanceEstimates' not found (truncated report?)")
        let noWorst = full.replacingOccurrences(of: "<Worst-caseLatency>29</Worst-caseLatency>", with: "")
        #expect(Self.error(noWorst, file: "top.xml")?.description == "top.xml: section 'SummaryOfOverallLatency': Worst-caseLatency: missing")
        let cut = String(full.prefix(full.count / 2))
        let error = try #require(Self.error(cut, file: "top.xml"))
        #expect(error.description.hasPrefix("top.xml: line "), "\(error)")
        #expect(error.description.contains("not closed (truncated?)"), "\(error)")
        let mismatched = full.replacingOccurrences(of: "</Part>", with: "</Prt>")
        #expect(Self.error(mismatched, file: "top.xml")?.description == "top.xml: line 10: malformed XML: closing tag </Prt> does not match <Part>")
        // A lost '>' (found by fuzzing: the message spanned two lines) is one line naming the tag.
        let lost = full.replacingOccurrences(of: "</Part>", with: "</Part\n")
        let lostError = try #require(Self.error(lost, file: "top.xml")).description
        #expect(lostError == "top.xml: line 10: malformed XML: tag </Part…> not closed before the next '<' (damaged file?)", "\(lostError)")
    }

    @Test func folderWithoutReports() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hls-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: HLSReportError.noReport(folder: directory.path, found: [])) { try HLSReportLoader.load(directory.path) }
        try "x".write(to: directory.appendingPathComponent("vitis_hls.log"), atomically: true, encoding: .utf8)
        do {
            _ = try HLSReportLoader.load(directory.path)
            Issue.record("no error")
        } catch {
            #expect(error.description == "\(directory.path): no C-synthesis report here (myproject_csynth.rpt, <top>_csynth.rpt or .xml, csynth.rpt); found: vitis_hls.log")
        }
        #expect(throws: HLSReportError.unreadable(path: directory.path + "/none", reason: "no such file or folder")) {
            try HLSReportLoader.load(directory.path + "/none")
        }
    }
}

/// hls4ml's layer numbering read from module names.
@Suite struct HLS4MLLayerTests {
    @Test(arguments: [
        ("dense_latency_ap_fixed_8_2_5_3_0_ap_fixed_16_4_5_3_0_config2_s", 2, nil, "Dense"),
        ("relu_ap_fixed_16_4_5_3_0_ap_ufixed_8_0_4_0_0_relu_config4_s", 4, nil, "ReLU"),
        ("softmax_stable_ap_fixed_ap_fixed_16_6_5_3_0_softmax_config7_s", 7, nil, "Softmax"),
        ("normalize_ap_fixed_16_4_5_3_0_ap_fixed_16_4_5_3_0_config11_s", 11, nil, "BatchNormalization"),
        ("dense_resource_ap_fixed_16_6_5_3_0_ap_fixed_16_6_5_3_0_config2_1_s", 2, 1, "Dense"),
        ("sigmoid_ap_fixed_ap_fixed_16_6_5_3_0_sigmoid_config2_recr_s", 2, nil, "Sigmoid"),
        ("dense_array_ap_fixed_16u_array_ap_fixed_37_17_5_3_0_64u_config2_s", 2, nil, "Dense"),
        ("leaky_relu_ap_fixed_16_6_5_3_0_ap_fixed_16_6_5_3_0_leaky_relu_config5_s", 5, nil, "LeakyReLU"),
        ("gru_stack_ap_fixed_16_6_5_3_0_ap_fixed_16_6_5_3_0_config2_U0", 2, nil, "GRU"),
        ("dense_latency_ap_fixed_ap_fixed_16_6_5_3_0_config11_0_0_0_0_0_0", 11, nil, "Dense"),
    ] as [(String, Int, Int?, String)])
    func moduleNames(_ name: String, _ index: Int, _ subIndex: Int?, _ kind: String) throws {
        let layer = try #require(HLS4MLLayer(moduleName: name))
        #expect(layer.index == index && layer.subIndex == subIndex && layer.kind == kind)
    }

    @Test func namesWithoutAConfigHaveNoLayer() {
        #expect(HLS4MLLayer(moduleName: "dense_latency_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_1") == nil)
        #expect(HLS4MLLayer(moduleName: "myproject") == nil)
    }

    @Test func summaryInstanceNamesLoseTheirCallSiteParts() {
        #expect(SummaryReportParser.moduleName(ofInstance: "grp_dense_latency_x_config2_s_fu_69") == "dense_latency_x_config2_s")
        #expect(SummaryReportParser.moduleName(ofInstance: "call_ret1_relu_x_relu_config4_s_fu_74") == "relu_x_relu_config4_s")
        #expect(SummaryReportParser.moduleName(ofInstance: "dense_array_x_config2_s") == "dense_array_x_config2_s")
    }
}

/// JSON: camelCase keys, and a figure the report does not give is null (not left out, not 0).
@Suite struct HLSReportJSONTests {
    @Test func missingFiguresAreNull() throws {
        let folder = SharedReportsTests.reports.appendingPathComponent("lightningsim_keras_1layer_stream_rf4")
        let report = try HLSReportLoader.load(folder.appendingPathComponent("csynth_rpt_excerpt.txt").path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(report), as: UTF8.self)
        // The Synthesis Summary layout has no clock table and no pipeline depth.
        #expect(json.contains(#""clock":{"estimatedNs":null,"targetNs":null,"uncertaintyNs":null}"#), "\(json)")
        #expect(json.contains(#""pipelineDepth":null"#) && json.contains(#""topModule":"myproject""#))
        #expect(json.contains(#""latency":{"max":26,"min":26}"#))
    }
}

/// Which files of a folder are read, from the names alone.
@Suite struct FolderPlanTests {
    @Test func plans() throws {
        let dense = "dense_latency_ap_fixed_8_2_5_3_0_ap_fixed_16_4_5_3_0_config2_s"
        let full = try #require(HLSReportLoader.plan(names: ["vitis_hls.log", "csynth.rpt", "myproject_csynth.rpt", "myproject_csynth.xml",
                                                               "\(dense)_csynth.xml", "\(dense)_csynth.rpt", "hls4ml_config.yml"]))
        #expect(full == .init(top: "myproject_csynth.rpt", topXML: "myproject_csynth.xml", modules: ["\(dense)_csynth.xml"]))
        let summary = try #require(HLSReportLoader.plan(names: ["csynth.rpt", "myproject_csynth.xml", "\(dense)_csynth.rpt"]))
        #expect(summary == .init(top: "csynth.rpt", topXML: "myproject_csynth.xml", modules: ["\(dense)_csynth.rpt"]))
        let renamed = try #require(HLSReportLoader.plan(names: ["trigger_csynth.rpt", "\(dense)_csynth.rpt"]))
        #expect(renamed == .init(top: "trigger_csynth.rpt", topXML: nil, modules: ["\(dense)_csynth.rpt"]))
        let xmlOnly = try #require(HLSReportLoader.plan(names: ["myproject_csynth.xml"]))
        #expect(xmlOnly == .init(top: "myproject_csynth.xml", topXML: nil, modules: []))
        #expect(HLSReportLoader.plan(names: ["\(dense)_csynth.xml", "vitis_hls.log"]) == nil)   // a layer's report alone: no top
        #expect(HLSReportLoader.plan(names: []) == nil)
    }
}
