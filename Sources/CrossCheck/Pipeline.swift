import FixedPoint
import NetworkIR
import Scheduling
import Simulation

/// A scheduled and simulated design.
public struct SimulationRun: Sendable {
    public var network: Network
    public var schedule: DesignSchedule
    public var inputs: [[Int64]]
    public var result: SimulationResult
}

/// The end-to-end flows the command line offers, as library calls.
public enum Pipeline {
    /// Validates, schedules and simulates a network on real-valued inputs (quantized to the input precision).
    public static func simulate(network: Network, options: ScheduleOptions, inputs: [[Double]],
                                simulation: SimulationOptions = SimulationOptions()) throws -> SimulationRun {
        try network.validate()
        let schedule = try Scheduler.schedule(network, options: options)
        let evaluator = try FixedPointEvaluator(network: network)
        for (index, vector) in inputs.enumerated() where vector.count != network.inputSize {
            throw NetworkError.inputSizeMismatch(expected: network.inputSize, found: vector.count, vector: index)
        }
        let raw = inputs.map(evaluator.quantizeInput)
        let result = try CycleSimulator(schedule: schedule, evaluator: simulation.timingOnly ? nil : evaluator)
            .run(inputs: raw, options: simulation)
        return SimulationRun(network: network, schedule: schedule, inputs: raw, result: result)
    }
}

extension Pipeline {
    /// Bit-exact outputs of `count` events, read and written chunk by chunk so that large event files are
    /// never held in memory at once. `read` returns the real-valued inputs of a range of events; `write`
    /// receives the raw outputs (in the output precision) of each chunk, in order.
    public static func evaluateStream(network: Network, count: Int, chunkSize: Int = 4096,
                                      read: (Range<Int>) throws -> [[Double]],
                                      write: ([[Int64]]) throws -> Void) throws {
        try network.validate()
        let evaluator = try FixedPointEvaluator(network: network)
        var start = 0
        while start < count {
            let range = start..<min(start + chunkSize, count)
            let vectors = try read(range)
            for (offset, vector) in vectors.enumerated() where vector.count != network.inputSize {
                throw NetworkError.inputSizeMismatch(expected: network.inputSize, found: vector.count, vector: range.lowerBound + offset)
            }
            try write(vectors.map { evaluator.evaluate(evaluator.quantizeInput($0)) })
            start = range.upperBound
        }
    }
}
