/// The clock the report was scheduled for.
public struct HLSClock: Sendable, Equatable, Encodable {
    public var targetNs: Double?
    public var estimatedNs: Double?
    public var uncertaintyNs: Double?
    public init(targetNs: Double? = nil, estimatedNs: Double? = nil, uncertaintyNs: Double? = nil) {
        self.targetNs = targetNs
        self.estimatedNs = estimatedNs
        self.uncertaintyNs = uncertaintyNs
    }
}
