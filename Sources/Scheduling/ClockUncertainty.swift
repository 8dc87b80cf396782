/// How a design states its clock uncertainty (`ClockUncertainty: 12.5%` or `ClockUncertainty: 0.6`).
/// A percentage follows the clock period when the period is overridden; nanoseconds stay as given.
public enum ClockUncertainty: Sendable, Equatable, CustomStringConvertible {
    /// A percentage of the clock period (12.5 means 12.5 %).
    case percent(Double)
    /// An absolute time in ns.
    case nanoseconds(Double)

    /// HLS's default, 12.5 % of the period.
    public static let hlsDefault = ClockUncertainty.percent(12.5)

    /// The uncertainty in ns at the given clock period.
    public func nanoseconds(atPeriod periodNs: Double) -> Double {
        switch self {
        case let .percent(value): return periodNs * value / 100
        case let .nanoseconds(value): return value
        }
    }

    public var description: String {
        switch self {
        case let .percent(value): return "\(value)%"
        case let .nanoseconds(value): return "\(value) ns"
        }
    }
}
