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
}
