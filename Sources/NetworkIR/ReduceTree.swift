/// hls4ml's balanced `reduce` (`nnet_common.h`): n > 2 terms split into the largest power of two below n (left)
/// and the rest (right), recursively. The shape matters when every partial result is cast (a rounding or
/// saturating softmax accum_t); the evaluation, the schedule and the RTL all follow it from here.
public enum ReduceTree {
    /// Terms in the left part of n ≥ 2 terms.
    public static func leftCount(_ n: Int) -> Int {
        var left = 1
        while left * 2 <= n - 1 { left *= 2 }
        return left
    }

    /// Levels of the tree over n terms (0 for one term).
    public static func levels(_ n: Int) -> Int {
        guard n > 1 else { return 0 }
        let left = leftCount(n)
        return 1 + max(levels(left), levels(n - left))
    }

    /// Stages the sum over n terms takes when every addition may take one of its operands' additions into a ternary
    /// adder (two additions in one stage) and every term is there from the start: a complete tree gains nothing (each
    /// merged operand needs its own operands a stage earlier), an unbalanced one does (3 terms: 1 stage, 5: 2).
    public static func ternaryStages(_ n: Int) -> Int {
        var known: [Int: Int] = [:]   // the splits repeat few sizes: each is worked out once
        return ternaryStages(n, known: &known)
    }

    private static func ternaryStages(_ n: Int, known: inout [Int: Int]) -> Int {
        guard n > 1 else { return 0 }
        if let stages = known[n] { return stages }
        let left = leftCount(n), right = n - left
        var best = 1 + max(ternaryStages(left, known: &known), ternaryStages(right, known: &known))
        for (merged, other) in [(left, right), (right, left)] where merged > 1 {
            let inner = leftCount(merged)
            best = min(best, 1 + max(ternaryStages(inner, known: &known), ternaryStages(merged - inner, known: &known),
                                     ternaryStages(other, known: &known)))
        }
        known[n] = best
        return best
    }
}
