/// A min/max pair of cycle counts.
public struct CycleRange: Sendable, Equatable, Encodable, CustomStringConvertible {
    public var min: Int
    public var max: Int
    public init(min: Int, max: Int) { self.min = min; self.max = max }
    public init(_ value: Int) { self.init(min: value, max: value) }
    public var description: String { min == max ? "\(min)" : "\(min)–\(max)" }
}

/// A min/max pair of times in ns.
public struct NanosecondRange: Sendable, Equatable, Encodable {
    public var min: Double
    public var max: Double
    public init(min: Double, max: Double) { self.min = min; self.max = max }
}
