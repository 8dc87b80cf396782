import Testing
import FixedPoint
import NetworkIR
import Scheduling
@testable import Simulation

struct VCDWriterTests {
    /// One Linear block of D 1 (ap_fixed<8,4>), clock 5 ns: P = 5000 ps, 2 reset cycles.
    /// Cycle 0 spans [(0+2)·P, 3·P) = [10000, 15000); its inputs appear at the rising edge that opens it, the last
    /// reset edge at 7500, where rst falls and in_valid rises. Token 0 enters in cycle 0; it is in the block's slot
    /// from the edge closing cycle 0, at 10000 + 2500 = 12500, so out_valid rises there; the sink takes it in cycle 1.
    @Test func registeredSignalsChangeAtTheClockEdgeWithRTLNames() throws {
        let layer = Layer(name: "lin", operation: .linear, inputSize: 1, precision: LayerPrecision(result: .fixed(8, 4)))
        let network = Network(name: "tiny", inputSize: 1, inputPrecision: .fixed(8, 4), layers: [layer])
        let schedule = try Scheduler.schedule(network, options: ScheduleOptions(clockPeriodNs: 5, device: chain([]).options.device))
        #expect(schedule.blocks[0].latencyCycles == 1)
        let result = try CycleSimulator(schedule: schedule, evaluator: try FixedPointEvaluator(network: network))
            .run(inputs: [[3]], options: SimulationOptions(recordWaveform: true))
        let text = VCDWriter(network: network, schedule: schedule).render(try #require(result.waveform))
        #expect(text.contains("$scope module TOP $end\n$scope module tiny $end"))
        #expect(text.contains("$scope module u_lin $end"))
        func identifier(_ name: String) throws -> Substring {
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("$var") && $0.contains(" \(name) ") })
            return line.split(separator: " ")[3]
        }
        let outValid = try identifier("out_valid"), inValid = try identifier("in_valid")
        func value(of id: Substring, at time: Int) -> String? {
            // The value set in the block of lines after "#time", if any.
            guard let start = text.range(of: "\n#\(time)\n") else { return nil }
            for line in text[start.upperBound...].split(separator: "\n") {
                if line.hasPrefix("#") { return nil }
                if line.hasSuffix(id) && line.count == id.count + 1 { return String(line.prefix(1)) }
            }
            return nil
        }
        #expect(value(of: inValid, at: 7500) == "1")
        #expect(value(of: try identifier("rst"), at: 7500) == "0")
        #expect(value(of: outValid, at: 12500) == "1")
        #expect(value(of: outValid, at: 17500) == "0")   // taken in cycle 1, slot empty after that edge
        #expect(text.contains("b11 "))                      // raw 3 on in_data/out_data
    }
}
