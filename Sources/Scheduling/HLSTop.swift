import Foundation

/// The latency Vitis HLS reports for an io_parallel design's top function, from the blocks' schedules.
///
/// hls4ml's io_parallel top is one pipelined function calling each layer's function in order. Read off the top's
/// own schedule and RTL in Vitis HLS 2021.1 (`myproject.verbose.sched.rpt` and `myproject.v` of the argykokk builds,
/// docs/calibration.md):
/// - a call spans its callee's pipeline depth (L + 1 states, a block's D), the top registers the callee's outputs, and
///   the next call starts in the following state;
/// - when the top's II is 1, a callee without tables whose own II is 1 gets the `ap_ce` interface, and when its
///   pipeline is deeper than two states it registers its inputs there (`p_read_int_reg`): one state more;
/// - a combinational callee (L = 0) and the next call share a state when the callee's logic and the next callee's
///   first stage fit the clock budget together (breast_cancer at 5 ns: the alpha scale's 1.8 ns and the softmax's
///   first 2.1 ns);
/// - the last call writes the output ports in its own last state.
/// So the top's latency is Σ D + (callees registering their inputs) − (shared states) − 1.
extension DesignSchedule {
    /// nil unless the design is an io_parallel chain (every block reads the one before it).
    public var hlsTopLatency: Int? {
        guard options.ioType == .parallel, !blocks.isEmpty, graph.forks.isEmpty,
              graph.blockInputs.count == blocks.count,
              graph.blockInputs.enumerated().allSatisfy({ $0.element.count == 1 }) else { return nil }
        for k in 1..<max(blocks.count, 1) where graph.blockInputs[k][0] != graph.blockOutputs[k - 1] { return nil }
        let budget = options.logicBudgetNs
        let registeredInputs = initiationInterval == 1
            ? blocks.filter { $0.initiationInterval == 1 && $0.tableBits == 0 && $0.latencyCycles >= 3 }.count : 0
        var shared = 0
        for k in 0..<blocks.count - 1 where blocks[k].latencyCycles == 1 {
            if blocks[k].criticalPathNs + blocks[k + 1].firstStageNs(budget: budget) <= budget + 1e-9 { shared += 1 }
        }
        return max(1, blocks.reduce(0) { $0 + $1.latencyCycles } + registeredInputs - shared - 1)
    }
}

extension BlockSchedule {
    /// The logic in the block's first stage: its steps up to the first register; a block scheduled per product (its
    /// list schedule) counts its longest stage.
    func firstStageNs(budget: Double) -> Double {
        guard !steps.isEmpty else { return criticalPathNs }
        var total = 0.0
        for step in steps {
            total += step.delayNs
            if step.registersAfter > 0 { break }
        }
        return total
    }
}
