import Design
import FixedPoint
import Foundation
import NetworkIR
import Scheduling
import Testing

/// Calibration of the scheduler against what Vitis HLS really reported (docs/calibration.md).
///
/// Ground truth: `../shared/hls_reports/index.json`, read at test time (never copied into this file). For
/// every argykokk hls4ml design (io_parallel, Latency strategy, reliability high) the design file
/// `Designs/calibration/<id>.yml` rebuilds the synthesized configuration — real pruned weights, C++ types,
/// RF, clock, uncertainty — on the `xc7z007s-2` profile (`xc7z007s-2-fabric` for the `lut` builds), with every
/// instance of the report (Dense, ReLU, breast_cancer's BatchNorm scale layers, the softmax), and each layer's
/// predicted block latency is compared with the HLS instance of the same name, and each design's latency with the
/// report's top.
///
/// What is compared. A Pipewright block of D slots counts its own output register: the next block sees the
/// result D cycles after the input. An HLS instance's reported latency L does not: its result leaves its last
/// state combinationally and the caller registers it, so in the io_parallel top the instance occupies L + 1
/// cycles (its pipeline depth; the reports show top latency = Σ (L_i + 1) + 0…3 for every argykokk design).
/// So D is compared with L + 1; the table shows both L and L + 1.
///
/// The model, from Vitis HLS 2021.1's own schedules of these builds (their `.verbose.sched.rpt` and RTL, in
/// ArgyKokk/hls4ml_MLP_estimator @ 72e2e22, docs/calibration.md); the asserted bounds below are the measured ones:
/// - Dense under the Latency strategy at every RF: the `ProductSchedule` list schedule. Products by constants with at
///   most two signed digits are shifts and adders (−2^a − 2^b one ternary adder, or two subtractions where another
///   product of the input shares its negation); one multiplication per distinct (input, weight); each output's
///   bias (when not zero) and products summed in a tree that halves its terms in HLS's order (`termOrder`: the
///   products that are the input's own bits, the bias, the others, each from the last input down; for an unsigned
///   input positive weights before negative ones), the first half rounded up; every addition as wide as its range
///   (its operands' ranges summed: a product's as HLS builds it, less what the cast to accum_t drops), at most the
///   accumulator bits the result keeps; from the output
///   down, where an addition adds another of the same width (the right one if both are), HLS makes the pair one
///   ternary adder, a stage of its own, and the addition taken in is not a ternary adder itself. A pipelined DSP
///   product leaves its last register 2.45 ns into the state (`dspOutputNs`), so the first addition waits a state.
///   At RF > 1 the real multiplications go on hls4ml's multiplier_limit, the earliest latest start (ALAP, every output
///   registered at the end of the last cycle) first, then program order (list scheduling), with no multiplexer delay in
///   the schedule (HLS adds the multiplexers at binding).
/// - The softmax's exp sum: hls4ml's `reduce` with ternary adders (3 terms: one stage, 5: two, 16: four).
/// - Fabric builds: every product a LUT stage (5.28 ns for the 8-bit ones, 7.95 for the softmax's 18 × 18).
/// - The lone shared DSP multiplier (multiplier_limit 1) on the 5-stage core (`singleSharedMultiplierCycles`).
/// - The io_parallel top: `DesignSchedule.hlsTopLatency` (the callees' depths, the ap_ce input registers at II 1,
///   the shared states, the output ports).
/// What remains is listed in docs/calibration.md (every instance within ±1).
/// - ReLU at 5 ns: HLS made it combinational (L = 0, depth 1), which the model matches; a Pipewright block
///   always has ≥ 1 slot, so a latency-0 block cannot be represented, but here it is not needed.
/// - DSPs: the predicted DSP count equals the report's for every Dense instance at every RF (real multiplications
///   or the multiplier limit; 0 for fabric builds).
@Suite struct CalibrationTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let index = repository.appendingPathComponent("../shared/hls_reports/index.json").standardizedFileURL

    struct Row {
        var design: String
        var layer: String
        var kind: String            // "Dense", "ReLU", "Softmax" or "BatchNormalization" (hls4ml's nnet::normalize)
        var multipliers: String     // "dsp" or "fabric"
        var hlsReuseFactor: Int     // as synthesized
        var reuseFactor: Int        // as scheduled (differs where RF > n_in·n_out)
        var hlsLatency: Int         // instance latency L
        var hlsInterval: Int
        var predicted: Int          // BlockSchedule.latencyCycles (slots D)
        var predictedInterval: Int
        var clockNs: Double
        var hlsDSPs: Int
        var predictedDSPs: Int
        var hlsSlots: Int { hlsLatency + 1 }
        var difference: Int { predicted - hlsSlots }
        /// RF class for the bounds: 1, 2, or "many" (100).
        var rfClass: String { kind != "Dense" ? "any" : (hlsReuseFactor <= 2 ? "\(hlsReuseFactor)" : "100") }
    }

    /// A design's top: the top latency predicted for HLS and the design's II against the report's.
    struct Top {
        var design: String
        var multipliers: String
        var hlsReuseFactor: Int
        var clockNs: Double
        var hlsLatency: Int
        var hlsInterval: Int
        /// Σ (L + 1) over the report's instances: the top's own cycles are hlsLatency − this.
        var hlsInstanceSlots: Int
        var predicted: Int
        var predictedInterval: Int
        var difference: Int { predicted - hlsLatency }
    }

    static func json(_ value: Any?, _ key: String) -> Any? { (value as? [String: Any])?[key] }
    static func int(_ value: Any?) -> Int? { (value as? NSNumber)?.intValue }

    static let compared: Set<String> = ["nnet::dense", "nnet::relu", "nnet::softmax", "nnet::normalize"]

    /// Every comparable row, or a failure naming what is missing.
    static func rows() throws -> [Row] { try comparison().rows }

    /// Every comparable row and every design's top.
    static func comparison() throws -> (rows: [Row], tops: [Top]) {
        let data = try Data(contentsOf: index)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let designs = try #require(root["designs"] as? [[String: Any]])
        var rows: [Row] = [], tops: [Top] = []
        for design in designs {
            let id = try #require(design["id"] as? String)
            guard id.hasPrefix("argykokk_") else { continue }
            let hls4ml = try #require(design["hls4ml"] as? [String: Any])
            guard hls4ml["io_type"] as? String == "io_parallel",
                  (hls4ml["strategy"] as? String)?.hasPrefix("Latency") == true,
                  design["reliability"] as? String == "high" else { continue }
            let url = repository.appendingPathComponent("Designs/calibration/\(id).yml")
            let loaded = try DesignLoader.load(url, profileSearchPaths: [repository.appendingPathComponent("Profiles")])

            // The design file must be the synthesized configuration.
            let clock = try #require(design["clock"] as? [String: Any])
            let target = try #require((clock["target_ns"] as? NSNumber)?.doubleValue)
            let uncertainty = try #require((clock["uncertainty_ns"] as? NSNumber)?.doubleValue)
            #expect(abs(loaded.options.clockPeriodNs - target) < 1e-9, "\(id): clock")
            #expect(abs(loaded.options.clockUncertaintyNs - uncertainty) < 1e-9, "\(id): uncertainty")
            let fabric = hls4ml["mul_impl"] as? String == "fabric"
            #expect(loaded.options.device.name == (fabric ? "xc7z007s-2-fabric" : "xc7z007s-2"), "\(id): device")
            #expect(loaded.network.inputPrecision.description == hls4ml["input_type"] as? String, "\(id): input type")

            let schedule = try Scheduler.schedule(loaded.network, options: loaded.options)
            let instances = try #require(design["layers"] as? [[String: Any]])
            // Every instance of the report is in the design, in its order: the top can be compared.
            #expect(instances.count == loaded.network.layers.count, "\(id): layers")
            #expect(instances.allSatisfy { compared.contains($0["hls4ml_func"] as? String ?? "") }, "\(id): an instance of another kind")
            for layer in instances {
                let name = try #require(layer["name"] as? String)
                // hls4ml's "output" is a Verilog keyword: the design names it as the Keras import would, `output_layer`.
                let designName = HardwareName.problem(with: name) == nil ? name : name + "_layer"
                let block = try #require(schedule.blocks.first { $0.layerName == designName }, "\(id): no block '\(designName)'")
                let irLayer = loaded.network.layers[block.layerIndex]
                let instance = layer["hls_instance"]
                #expect(irLayer.precision.result.description == layer["output_type"] as? String, "\(id) \(name): result type")
                switch try irLayer.typedOperation() {
                case let .softmax(parameters, types?):
                    #expect(parameters.implementation.rawValue == "stable" && layer["implementation"] as? String == "nnet::softmax_implementation::stable")
                    #expect(parameters.expTableSize == int(layer["table_size"]) && parameters.invTableSize == int(layer["table_size"]), "\(id): tables")
                    #expect(types.expTable.description == layer["exp_table_t"] as? String && types.invTable.description == layer["inv_table_t"] as? String,
                            "\(id): table types")
                case let .batchNormalization(_, types):
                    #expect(types.scale.description == layer["scale_t"] as? String && types.bias.description == layer["bias_t"] as? String,
                            "\(id) \(name): scale and bias types")
                default: break
                }
                if case let .dense(parameters) = irLayer.operation {
                    // The weights are the pruned ones HLS saw: same zeros and non-zeros.
                    #expect(irLayer.precision.weight?.description == layer["weight_t"] as? String, "\(id) \(name): weight type")
                    #expect(irLayer.precision.accumulator?.description == layer["accum_t"] as? String, "\(id) \(name): accum type")
                    #expect(parameters.weights.filter { $0 == 0 }.count == int(layer["n_zeros"]), "\(id) \(name): zeros")
                    #expect(parameters.weights.filter { $0 != 0 }.count == int(layer["n_nonzeros"]), "\(id) \(name): non-zeros")
                }
                let hlsRF = try #require(int(layer["reuse_factor"]))
                if block.kind == "Dense" {
                    let nInOut = irLayer.inputSize * irLayer.outputSize
                    #expect(block.reuseFactor == min(hlsRF, nInOut), "\(id) \(name): RF")
                }
                rows.append(Row(design: String(id.dropFirst("argykokk_".count)), layer: name, kind: block.kind,
                                multipliers: fabric ? "fabric" : "dsp", hlsReuseFactor: hlsRF, reuseFactor: block.reuseFactor,
                                hlsLatency: try #require(int(json(instance, "latency_max"))),
                                hlsInterval: try #require(int(json(instance, "interval_max"))),
                                predicted: block.latencyCycles, predictedInterval: block.initiationInterval,
                                clockNs: target, hlsDSPs: try #require(int(json(json(instance, "resources"), "DSP"))),
                                predictedDSPs: block.dsps))
            }
            let results = try #require(design["results"] as? [String: Any])
            let slots = try instances.reduce(0) { sum, layer in sum + (try #require(int(json(layer["hls_instance"], "latency_max")))) + 1 }
            tops.append(Top(design: String(id.dropFirst("argykokk_".count)), multipliers: fabric ? "fabric" : "dsp",
                            hlsReuseFactor: try #require(int(hls4ml["reuse_factor"]) ?? (hls4ml["reuse_factor"] as? [NSNumber])?.last?.intValue),
                            clockNs: target, hlsLatency: try #require(int(results["latency_max"])),
                            hlsInterval: try #require(int(results["interval_max"])), hlsInstanceSlots: slots,
                            predicted: try #require(schedule.hlsTopLatency), predictedInterval: schedule.initiationInterval))
        }
        return (rows, tops)
    }

    static func table(_ rows: [Row]) -> String {
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        var lines = ["| design | layer | RF | HLS latency L | HLS slots L+1 | predicted D | D − (L+1) | HLS II | predicted II |",
                     "|---|---|---|---|---|---|---|---|---|"]
        for row in rows {
            let rf = row.kind != "Dense" ? "–" : (row.reuseFactor == row.hlsReuseFactor ? "\(row.hlsReuseFactor)" : "\(row.hlsReuseFactor) (→\(row.reuseFactor))")
            let diff = row.difference > 0 ? "+\(row.difference)" : "\(row.difference)"
            lines.append("| \(pad(row.design, 28)) | \(pad(row.layer, 6)) | \(rf) | \(row.hlsLatency) | \(row.hlsSlots) | \(row.predicted) | \(diff) | \(row.hlsInterval) | \(row.predictedInterval) |")
        }
        return lines.joined(separator: "\n")
    }

    struct Stats { var count: Int; var meanAbsolute: Double; var mean: Double; var maxAbsolute: Int; var exact: Int; var withinOne: Int }
    static func stats(_ rows: [Row]) -> Stats {
        let diffs = rows.map(\.difference)
        return Stats(count: diffs.count,
                     meanAbsolute: diffs.isEmpty ? 0 : Double(diffs.map(abs).reduce(0, +)) / Double(diffs.count),
                     mean: diffs.isEmpty ? 0 : Double(diffs.reduce(0, +)) / Double(diffs.count),
                     maxAbsolute: diffs.map(abs).max() ?? 0,
                     exact: diffs.filter { $0 == 0 }.count, withinOne: diffs.filter { abs($0) <= 1 }.count)
    }

    @Test func predictedLatencyAgreesWithHLSReports() throws {
        let rows = try Self.rows()
        // Every argykokk design of the index (23) must be compared, none silently skipped, with every instance.
        #expect(Set(rows.map(\.design)).count == 23)
        #expect(rows.count == 62 + 39 + 23 + 12, "62 Dense, 39 ReLU, 23 softmax, 12 BatchNorm scale instances")
        print("Calibration: Pipewright block latency vs Vitis HLS instance latency (cycles)")
        for line in Self.table(rows).split(separator: "\n") { print(line) }

        // Measured bounds per layer kind, RF class and clock (mean absolute error, max |error|), in cycles.
        // Tightening any of them needs the model changes listed in the suite comment, not new numbers.
        let bounds: [(kind: String, rf: String, multipliers: String?, clock: Double?, mae: Double, max: Int)] = [
            ("Dense", "1", "dsp", nil, 0.0, 0),      // measured 0 (n 11)
            ("Dense", "1", "fabric", nil, 0.15, 1),  // measured 0.14 (n 7: arrhythmia output −1), max 1
            ("Dense", "1", nil, nil, 0.1, 1),        // measured 0.06 (n 18), max 1
            ("ReLU", "any", nil, nil, 0.0, 0),       // measured 0 (n 39): exact at 3.33 ns and at 5 ns
            ("Dense", "2", nil, nil, 0.1, 1),        // measured 0.09 (n 22: arrhythmia fabric fc1 +1, output −1), max 1
            ("Dense", "100", nil, nil, 0.0, 0),      // measured 0 (n 22)
            ("Dense", "100", nil, 3.33, 0.0, 0),     // measured 0 (n 16)
            ("Dense", "100", nil, 5.0, 0.0, 0),      // measured 0 (n 6)
            ("Dense", "any", nil, 3.33, 0.1, 1),     // measured 0.07 (n 44), max 1
            ("Dense", "any", nil, 5.0, 0.0, 0),      // measured 0 (n 18)
            // hls4ml 0.7's softmax_stable: the final 18 × 18 product's deeper DSP core (dspMultiplyNsPerBit), two cycles
            // per max-tree level at 3.33 ns (selectNs 0.9, calibrate's fit), every table read from block RAM in two
            // stages (blockRAMReadNs), the exp sum's ternary adders, the LUT product one stage in the fabric builds
            // (see docs/calibration.md).
            ("Softmax", "any", "dsp", nil, 0.25, 1),  // measured 0.25 (n 12: breast_cancer +1), max 1
            ("Softmax", "any", "fabric", nil, 0.4, 1), // measured 0.36 (n 11), max 1
            // nnet::normalize at 5 ns, scales of 2.0: shifts, so HLS made it combinational (L = 0) and the block is
            // the add and the cast in one stage (the constant-product rule of docs/timing.md).
            ("BatchNormalization", "any", nil, nil, 0.0, 0), // measured 0 (n 12)
        ]
        var summary: [String] = []
        for bound in bounds {
            let group = rows.filter {
                $0.kind == bound.kind && (bound.rf == "any" || $0.rfClass == bound.rf)
                    && (bound.multipliers == nil || $0.multipliers == bound.multipliers)
                    && (bound.clock == nil || abs($0.clockNs - bound.clock!) < 1e-9)
            }
            let s = Self.stats(group)
            let label = "\(bound.kind) RF \(bound.rf)\(bound.multipliers.map { " \($0)" } ?? "")\(bound.clock.map { " @ \($0) ns" } ?? "")"
            summary.append("\(label): n = \(s.count), exact \(s.exact), within ±1 \(s.withinOne), mean abs error "
                           + "\(String(format: "%.2f", s.meanAbsolute)), mean error \(String(format: "%+.2f", s.mean)), max |error| \(s.maxAbsolute)")
            #expect(s.count > 0, "\(label): no rows")
            #expect(s.meanAbsolute <= bound.mae + 1e-9, "\(label): mean absolute error \(s.meanAbsolute) > \(bound.mae)")
            #expect(s.maxAbsolute <= bound.max, "\(label): max error \(s.maxAbsolute) > \(bound.max)")
        }
        let dense = rows.filter { $0.kind == "Dense" }
        let all = Self.stats(dense)
        summary.append("Dense all: n = \(all.count), exact \(all.exact), within ±1 \(all.withinOne), max |error| \(all.maxAbsolute); "
                       + "II exact \(dense.filter { $0.predictedInterval == $0.hlsInterval }.count)")
        #expect(all.withinOne >= 62 && all.exact >= 59, "measured: 59 exact, 62 within ±1 of 62")
        // Every instance (the issue's targets: exact for ≥ 80 %, within ±1 for ≥ 95 %): measured 126 and 136 of 136.
        let every = Self.stats(rows)
        summary.append("Every instance: n = \(every.count), exact \(every.exact) (\(String(format: "%.1f", 100 * Double(every.exact) / Double(every.count))) %), "
                       + "within ±1 \(every.withinOne); II exact \(rows.filter { $0.predictedInterval == $0.hlsInterval }.count)")
        #expect(every.exact >= 126 && every.withinOne == every.count, "measured: 126 exact, 136 within ±1")
        // II: exact for every instance (the issue's target), RF 100 included (II = min(RF, depth)).
        #expect(rows.filter { $0.predictedInterval == $0.hlsInterval }.count == rows.count, "measured: II exact for 136 of 136")
        #expect(Double(every.exact) >= 0.8 * Double(every.count) && Double(every.withinOne) >= 0.95 * Double(every.count))
        print(summary.joined(separator: "\n"))
    }

    /// The tops, now that every instance is in the designs: the top latency predicted for HLS
    /// (`DesignSchedule.hlsTopLatency`: Σ D, + 1 per callee that registers its inputs at II 1, − 1 per shared state,
    /// − 1 for the output ports) against the report's. What is left is the instances' ±1 residuals, summed.
    @Test func topsAgainstTheReports() throws {
        let tops = try Self.comparison().tops
        #expect(tops.count == 23)
        print("Calibration tops: Pipewright design latency vs Vitis HLS top latency (cycles)")
        print("| design | RF | HLS top | Σ (L+1) | top's own | predicted | difference | HLS II | predicted II |")
        print("|---|---|---|---|---|---|---|---|---|")
        for top in tops {
            func signed(_ value: Int) -> String { value > 0 ? "+\(value)" : "\(value)" }
            print("| \(top.design) | \(top.hlsReuseFactor) | \(top.hlsLatency) | \(top.hlsInstanceSlots) | \(signed(top.hlsLatency - top.hlsInstanceSlots)) "
                  + "| \(top.predicted) | \(signed(top.difference)) | \(top.hlsInterval) | \(top.predictedInterval) |")
        }
        let differences = tops.map(\.difference)
        let within = differences.filter { abs($0) <= 2 }.count
        print("tops: n = \(tops.count), within ±2 \(within), exact \(differences.filter { $0 == 0 }.count), "
              + "max |difference| \(differences.map(abs).max() ?? 0), mean \(String(format: "%+.2f", Double(differences.reduce(0, +)) / Double(tops.count)))")
        // Measured: 23 of 23 within ±2 (16 exact), max 2: breast_cancer's six +2 (its softmax one cycle long, and its
        // output_alpha not sharing a state with the softmax: the model's first softmax stage holds the compare and its
        // select, HLS's the compare alone); arrhythmia's fabric build at RF 1 −2 (its output layer and softmax one cycle
        // short each).
        #expect(within == 23 && differences.filter { $0 == 0 }.count >= 16 && differences.map(abs).max()! <= 2, "\(differences)")
        // The top's II is its slowest instance's, in Pipewright as in the reports: exact at RF 1 and 2.
        for top in tops where top.hlsReuseFactor <= 2 { #expect(top.predictedInterval == top.hlsInterval, "\(top.design)") }
    }

    /// DSPs: the real multiplications (at least three signed digits, one per distinct (input, weight)) or, when
    /// more, hls4ml's multiplier_limit; 0 in the fabric builds — equal to the report's DSP count for every Dense
    /// instance at every RF (at RF 1 the count of non-zero weights would be 2–10 times too many: 1268 for 119).
    @Test func multipliersAreTheReportedDSPs() throws {
        let rows = try Self.rows().filter { $0.kind == "Dense" }
        #expect(rows.count == 62)
        for row in rows { #expect(row.predictedDSPs == row.hlsDSPs, "\(row.design) \(row.layer): \(row.predictedDSPs) DSPs vs HLS \(row.hlsDSPs)") }
    }

    /// II: at RF 1 and 2 HLS reports II = RF, as Pipewright does; ReLU II is 1 in both. At RF 100 HLS reports
    /// II = min(RF, depth) = L + 1 (every depth here is < 100), and so does Pipewright (min(RF, D)): there the II is
    /// off exactly as much as the latency.
    @Test func initiationIntervalAgreesWithTheReports() throws {
        let rows = try Self.rows()
        for row in rows {
            if row.kind == "Dense" {
                #expect(row.hlsInterval == min(row.hlsReuseFactor, row.hlsLatency + 1), "\(row.design) \(row.layer): HLS II")
            }
            if row.kind != "Dense" || row.hlsReuseFactor <= 2 {
                #expect(row.predictedInterval == row.hlsInterval, "\(row.design) \(row.layer): II \(row.predictedInterval) vs HLS \(row.hlsInterval)")
            } else {
                #expect(row.predictedInterval == min(row.reuseFactor, row.predicted))
                #expect(row.predictedInterval - row.hlsInterval == row.difference, "\(row.design) \(row.layer)")
            }
        }
    }
}
