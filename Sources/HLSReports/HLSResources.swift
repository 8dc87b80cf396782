/// Resource estimates (HLS's, not post-synthesis). A resource the report does not list is nil.
public struct HLSResources: Sendable, Equatable, Encodable {
    public var bram18k: Int?
    public var dsp: Int?
    public var ff: Int?
    public var lut: Int?
    public var uram: Int?
    public init(bram18k: Int? = nil, dsp: Int? = nil, ff: Int? = nil, lut: Int? = nil, uram: Int? = nil) {
        self.bram18k = bram18k
        self.dsp = dsp
        self.ff = ff
        self.lut = lut
        self.uram = uram
    }
}
