import Design
import Foundation
import NetworkIR
import Support
import Scheduling
import Testing

/// `pipewright hls-report` and `pipewright compare` as a user runs them, against the reports in
/// `../shared/hls_reports` and the calibration designs built from them.
@Suite struct HLSReportCommandTests {
    static let root = CommandLineErrorTests.root
    static let reports = root.appendingPathComponent("../shared/hls_reports").standardizedFileURL

    static func scratchDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-hls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func jsonObject(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// index.json's record of a design.
    static func indexDesign(_ id: String) throws -> [String: Any] {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: reports.appendingPathComponent("index.json"))) as? [String: Any])
        return try #require((root["designs"] as? [[String: Any]])?.first { $0["id"] as? String == id })
    }

    @Test func hlsReportOfAFolderPrintsAndWritesJSON() throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("report.json")
        let outcome = try CommandLineErrorTests.run(["hls-report", Self.reports.appendingPathComponent("argykokk_jet_tagging_dsp_reuse2").path,
                                                     "--json", json.path])
        #expect(outcome.status == 0, "\(outcome.output)")
        let design = try Self.indexDesign("argykokk_jet_tagging_dsp_reuse2")
        let results = try #require(design["results"] as? [String: Any])
        let latency = try #require((results["latency_max"] as? NSNumber)?.intValue)
        #expect(outcome.output.contains("latency:     min \(latency), max \(latency) cycles"), "\(outcome.output)")
        #expect(outcome.output.contains("part:        xc7z007s-clg225-2"))
        #expect(outcome.output.contains("clock:       target 3.33 ns, estimated "))
        let object = try Self.jsonObject(json)
        #expect((object["latency"] as? [String: Any])?["max"] as? Int == latency)
        #expect(object["topModule"] as? String == "myproject" && object["part"] as? String == "xc7z007s-clg225-2")
        let instances = try #require(object["instances"] as? [[String: Any]])
        // One instance per layer of index.json, each mapped to the layer index of its config struct.
        let layers = try #require(design["layers"] as? [[String: Any]])
        #expect(instances.count == layers.count)
        for layer in layers {
            let expected = try #require(layer["hls_instance"] as? [String: Any])
            let instance = try #require(instances.first { $0["instance"] as? String == expected["instance"] as? String })
            let config = try #require(layer["config_struct"] as? String)
            #expect((instance["layer"] as? [String: Any])?["index"] as? Int == Int(config.split(separator: "g").last ?? ""), "\(config)")
            #expect((instance["latency"] as? [String: Any])?["max"] as? Int == (expected["latency_max"] as? NSNumber)?.intValue)
            #expect((instance["interval"] as? [String: Any])?["max"] as? Int == (expected["interval_max"] as? NSNumber)?.intValue)
        }
    }

    /// A bad report: exit status 1, one error line naming the file and the section, no JSON file.
    @Test func badReportsFailWithOneLineAndNoOutputFile() throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let full = try String(contentsOf: Self.reports.appendingPathComponent("argykokk_cardio_dsp_reuse1/myproject_csynth.rpt"), encoding: .utf8)
        let truncated = directory.appendingPathComponent("myproject_csynth.rpt")
        try String(full.prefix(try #require(full.range(of: "+ Latency")).lowerBound.utf16Offset(in: full))).write(to: truncated, atomically: true, encoding: .utf8)
        let empty = directory.appendingPathComponent("empty_csynth.rpt")
        try "".write(to: empty, atomically: true, encoding: .utf8)
        let noReports = directory.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: noReports, withIntermediateDirectories: true)
        try "x".write(to: noReports.appendingPathComponent("vitis_hls.log"), atomically: true, encoding: .utf8)
        let cases: [(String, String)] = [
            (truncated.path, "\(truncated.path): section 'Latency' not found (truncated report?)"),
            (empty.path, "\(empty.path): not a Vivado/Vitis HLS C-synthesis report: the file is empty"),
            (noReports.path, "\(noReports.path): no C-synthesis report here"),
            (directory.appendingPathComponent("missing").path, "missing: cannot read: no such file or folder"),
        ]
        let json = directory.appendingPathComponent("out.json")
        for (path, message) in cases {
            for command in [["hls-report", path], ["compare", "Designs/calibration/argykokk_cardio_dsp_reuse1.yml", "--hls-report", path]] {
                let outcome = try CommandLineErrorTests.run(command + ["--json", json.path])
                #expect(outcome.status == 1, "\(command): \(outcome.output)")
                let lines = outcome.output.split(separator: "\n")
                #expect(lines.count == 1 && lines[0].contains(message), "\(command): \(outcome.output)")
                #expect(!FileManager.default.fileExists(atPath: json.path))
            }
        }
    }

    /// For a calibration design: D − (L + 1) and the II difference per layer, and the top's latency and II
    /// differences, from the schedule and from index.json (not from the command), and the largest |difference|.
    static func expectedDifferences(_ id: String) throws
        -> (rows: [(layer: String, latency: Int, interval: Int, dsps: Int, index: Int)], top: (latency: Int, interval: Int), maximum: Int) {
        let loaded = try DesignLoader.load(root.appendingPathComponent("Designs/calibration/\(id).yml"),
                                           profileSearchPaths: [root.appendingPathComponent("Profiles")])
        let schedule = try Scheduler.schedule(loaded.network, options: loaded.options)
        var rows: [(String, Int, Int, Int, Int)] = []
        for layer in try #require(try indexDesign(id)["layers"] as? [[String: Any]]) {
            // hls4ml's "output" is a Verilog keyword: the design calls it output_layer, as the Keras import would.
            let hlsName = try #require(layer["name"] as? String)
            let name = HardwareName.problem(with: hlsName) == nil ? hlsName : hlsName + "_layer"
            let block = try #require(schedule.blocks.first { $0.layerName == name }, "\(id): every instance is in the design")
            let instance = try #require(layer["hls_instance"] as? [String: Any])
            let latency = try #require((instance["latency_max"] as? NSNumber)?.intValue)
            let interval = try #require((instance["interval_max"] as? NSNumber)?.intValue)
            let dsps = try #require(((instance["resources"] as? [String: Any])?["DSP"] as? NSNumber)?.intValue)
            // hls4ml's config struct (`config11`, `relu_config4`) carries the layer's number.
            let config = try #require(layer["config_struct"] as? String)
            let index = try #require(Int(String(config.reversed().prefix { $0.isNumber }.reversed())))
            rows.append((name, block.latencyCycles - (latency + 1), block.initiationInterval - interval, dsps, index))
        }
        #expect(rows.count == schedule.blocks.count)
        let results = try #require(try indexDesign(id)["results"] as? [String: Any])
        // The top: the latency HLS would report for the schedule (`DesignSchedule.hlsTopLatency`, checked against every
        // report by CalibrationTests), as compare prints it.
        let top = ((try #require(schedule.hlsTopLatency)) - (try #require((results["latency_max"] as? NSNumber)?.intValue)),
                   schedule.initiationInterval - (try #require((results["interval_max"] as? NSNumber)?.intValue)))
        return (rows, top, (rows.flatMap { [abs($0.1), abs($0.2)] } + [abs(top.0), abs(top.1)]).max() ?? 0)
    }

    @Test(arguments: ["argykokk_cardio_dsp_reuse1", "argykokk_breast_cancer_lut_reuse2", "argykokk_jet_tagging_dsp_reuse100"])
    func compareCalibrationDesign(_ id: String) throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let expected = try Self.expectedDifferences(id)
        let arguments = ["compare", "Designs/calibration/\(id).yml", "--hls-report", Self.reports.appendingPathComponent(id).path]
        let json = directory.appendingPathComponent("compare.json")
        let strict = try CommandLineErrorTests.run(arguments + ["--json", json.path])
        #expect(strict.status == (expected.maximum == 0 ? 0 : 2), "\(strict.output)")
        #expect(strict.output.contains("so D is compared with L + 1"))
        let object = try Self.jsonObject(json)
        let layers = try #require(object["layers"] as? [[String: Any]])
        for row in expected.rows {
            let reported = try #require(layers.first { $0["layer"] as? String == row.layer }, "\(id) \(row.layer)")
            #expect(reported["latencyDifference"] as? Int == row.latency, "\(id) \(row.layer)")
            // Paired with its own instance: breast_cancer's alpha scales (config11, config12) are numbered after the
            // softmax (config10) but called before it; the top's call order places them.
            #expect(reported["hls4mlLayerIndex"] as? Int == row.index, "\(id) \(row.layer)")
            #expect(reported["intervalDifference"] as? Int == row.interval, "\(id) \(row.layer)")
            // The printed row ends in the same two differences, then the predicted and reported DSPs (equal for every
            // argykokk Dense, CalibrationTests; index.json's figure here).
            let line = try #require(strict.output.split(separator: "\n").first { $0.hasPrefix(row.layer + " ") }, "\(id) \(row.layer)")
            let cells = line.split(separator: " ")
            func signed(_ value: Int) -> String { value > 0 ? "+\(value)" : "\(value)" }
            #expect(cells.count >= 6 && cells[cells.count - 3] == signed(row.interval) && cells[cells.count - 6] == signed(row.latency), "\(line)")
            #expect(cells.count >= 6 && cells[cells.count - 1] == "\(row.dsps)" && cells[cells.count - 2] == "\(row.dsps)", "\(line)")
            #expect(reported["reportedDSPs"] as? Int == row.dsps && reported["predictedDSPs"] as? Int == row.dsps, "\(id) \(row.layer)")
        }
        // Every instance of the report is in the design (the softmax, breast_cancer's BatchNorm scale layers too):
        // the top is counted.
        let top = try #require(object["top"] as? [String: Any])
        #expect(top["counted"] as? Bool == true)
        #expect(top["latencyDifference"] as? Int == expected.top.latency && top["intervalDifference"] as? Int == expected.top.interval, "\(id)")
        #expect((object["reportOnly"] as? [String])?.isEmpty == true)
        #expect((object["designOnly"] as? [String])?.isEmpty == true)
        let tolerant = try CommandLineErrorTests.run(arguments + ["--tolerance", "\(expected.maximum)"])
        #expect(tolerant.status == 0, "\(tolerant.output)")
        if expected.maximum > 0 {
            let short = try CommandLineErrorTests.run(arguments + ["--tolerance", "\(expected.maximum - 1)"])
            #expect(short.status == 2, "\(short.output)")
        }
    }

    /// Vivado HLS 2019.2 numbers the top's calls by function (liu_tutorial_part1: the four `dense` calls first, then
    /// the ReLUs, then the softmax), so the call order would pair fc1 with config11; the config index pairs as many
    /// layers and is kept: relu1 → 4, relu2 → 7, relu3 → 10, fc4 → 11, softmax → 13 (the other three dense modules
    /// carry no configN in this report).
    @Test func vivadoCallNumbersDoNotReorder() throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let design = directory.appendingPathComponent("part1.yml")
        try """
            name: part1
            input: { size: 16, precision: "ap_fixed<16,6>" }
            config: { ClockPeriod: 5, Model: { Precision: "ap_fixed<16,6>" } }
            layers:
              - { name: fc1, class: Dense, units: 64, kernel: 0.3, bias: 0 }
              - { name: relu1, class: ReLU }
              - { name: fc2, class: Dense, units: 32, kernel: 0.3, bias: 0 }
              - { name: relu2, class: ReLU }
              - { name: fc3, class: Dense, units: 32, kernel: 0.3, bias: 0 }
              - { name: relu3, class: ReLU }
              - { name: fc4, class: Dense, units: 5, kernel: 0.3, bias: 0 }
              - { name: softmax, class: Softmax }
            """.write(to: design, atomically: true, encoding: .utf8)
        let json = directory.appendingPathComponent("compare.json")
        let outcome = try CommandLineErrorTests.run(["compare", design.path, "--hls-report",
                                                     Self.reports.appendingPathComponent("liu_tutorial_part1_xcu250").path, "--json", json.path])
        #expect(outcome.status == 0 || outcome.status == 2, "a comparison, not an error: \(outcome.output)")
        let layers = try #require(try Self.jsonObject(json)["layers"] as? [[String: Any]])
        let paired = layers.compactMap { row in (row["layer"] as? String).map { ($0, row["hls4mlLayerIndex"] as? Int) } }
        #expect(paired.map(\.0) == ["fc1", "relu1", "fc2", "relu2", "fc3", "relu3", "fc4", "softmax"])
        #expect(paired.map(\.1) == [nil, 4, nil, 7, nil, 10, 11, 13], "\(paired)")
    }

    @Test func negativeToleranceIsAUsageError() throws {
        let outcome = try CommandLineErrorTests.run(["compare", "Designs/calibration/argykokk_cardio_dsp_reuse1.yml", "--hls-report",
                                                     Self.reports.appendingPathComponent("argykokk_cardio_dsp_reuse1").path, "--tolerance", "-1"])
        #expect(outcome.status == 64 && outcome.output.contains("--tolerance must be 0 or more cycles, got -1"), "\(outcome.output)")
    }

    /// A report of another network: nothing maps, an error (status 1), not an empty comparison.
    @Test func compareWithAnUnrelatedReport() throws {
        let report = Self.reports.appendingPathComponent("liu_tutorial_part7a_pynqz2_axi").path
        let outcome = try CommandLineErrorTests.run(["compare", "Designs/calibration/argykokk_cardio_dsp_reuse1.yml", "--hls-report", report])
        #expect(outcome.status == 1 && outcome.output.contains("no layer of Designs/calibration/argykokk_cardio_dsp_reuse1.yml maps to an instance"), "\(outcome.output)")
    }
}

extension HLSReportCommandTests {
    /// Designs/calibration/argykokk_cardio_dsp_reuse1.yml in a scratch folder (weights by absolute path) with
    /// `extra` layers appended.
    static func cardioDesign(in directory: URL, appending extra: String) throws -> URL {
        let source = try String(contentsOf: root.appendingPathComponent("Designs/calibration/argykokk_cardio_dsp_reuse1.yml"), encoding: .utf8)
        let text = source.replacingOccurrences(of: "file: weights/", with: "file: \(root.path)/Designs/calibration/weights/") + extra
        let url = directory.appendingPathComponent("cardio.yml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// With every instance in the design (the calibration designs end in the softmax) every layer is matched, so the
    /// top counts: design latency against the report's top latency (from index.json), and it decides the status
    /// with the layers.
    @Test func everyLayerMatchedCountsTheTop() throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let design = try Self.cardioDesign(in: directory, appending: "")
        let loaded = try DesignLoader.load(design, profileSearchPaths: [Self.root.appendingPathComponent("Profiles")])
        let schedule = try Scheduler.schedule(loaded.network, options: loaded.options)
        let results = try #require(try Self.indexDesign("argykokk_cardio_dsp_reuse1")["results"] as? [String: Any])
        let topLatency = try #require((results["latency_max"] as? NSNumber)?.intValue)
        let topInterval = try #require((results["interval_max"] as? NSNumber)?.intValue)
        let json = directory.appendingPathComponent("compare.json")
        let arguments = ["compare", design.path, "--hls-report", Self.reports.appendingPathComponent("argykokk_cardio_dsp_reuse1").path,
                         "--profiles", Self.root.appendingPathComponent("Profiles").path]
        let outcome = try CommandLineErrorTests.run(arguments + ["--json", json.path])
        let object = try Self.jsonObject(json)
        let top = try #require(object["top"] as? [String: Any])
        #expect(top["counted"] as? Bool == true)
        let predictedTop = try #require(schedule.hlsTopLatency)
        #expect(top["latencyDifference"] as? Int == predictedTop - topLatency)
        #expect(top["designLatencyCycles"] as? Int == schedule.latencyCycles)
        #expect(top["intervalDifference"] as? Int == schedule.initiationInterval - topInterval)
        #expect((object["designOnly"] as? [String])?.isEmpty == true && (object["reportOnly"] as? [String])?.isEmpty == true)
        let layers = try #require(object["layers"] as? [[String: Any]])
        let differences = layers.flatMap { [$0["latencyDifference"] as? Int, $0["intervalDifference"] as? Int] }.compactMap { $0 }
            + [predictedTop - topLatency, schedule.initiationInterval - topInterval]
        #expect(object["countedDifferences"] as? Int == differences.count)
        let largest = differences.map(abs).max() ?? 0
        #expect(outcome.status == (largest == 0 ? 0 : 2), "\(outcome.output)")
        let own = predictedTop == schedule.latencyCycles ? "" : " (Pipewright's design latency \(schedule.latencyCycles))"
        #expect(outcome.output.contains("top: predicted top latency \(predictedTop)\(own) vs reported top latency \(topLatency) cycles"))
        #expect(try CommandLineErrorTests.run(arguments + ["--tolerance", "\(largest)"]).status == 0)
    }

    /// A design layer the report does not have is listed, and the others keep their instances.
    @Test func designLayerMissingFromTheReportIsListed() throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let design = try Self.cardioDesign(in: directory, appending: "  - name: clip\n    class: ReLU\n")
        let json = directory.appendingPathComponent("compare.json")
        let outcome = try CommandLineErrorTests.run(["compare", design.path, "--hls-report", Self.reports.appendingPathComponent("argykokk_cardio_dsp_reuse1").path,
                                                     "--profiles", Self.root.appendingPathComponent("Profiles").path, "--json", json.path])
        let object = try Self.jsonObject(json)
        // The verdict counts the matched layers only (cardio's four are exact: status 0), never the unmatched one.
        let matched = try #require(object["layers"] as? [[String: Any]]).compactMap { $0["latencyDifference"] as? Int }
        #expect(matched.count == 4 && object["countedDifferences"] as? Int == 8)
        #expect(outcome.status == (matched.allSatisfy { $0 == 0 } ? 0 : 2), "\(outcome.output)")
        #expect(object["designOnly"] as? [String] == ["clip"])
        #expect((object["reportOnly"] as? [String])?.isEmpty == true)
        #expect((object["top"] as? [String: Any])?["counted"] as? Bool == false)
        let layers = try #require(object["layers"] as? [[String: Any]])
        #expect(layers.map { $0["layer"] as? String } == ["fc1", "relu1", "output_layer", "softmax", "clip"])
        #expect(layers.map { $0["hls4mlLayerIndex"] as? Int } == [2, 4, 5, 7, nil])
        #expect(outcome.output.contains("not counted: design layers not in the report: clip"), "\(outcome.output)")
    }
}
