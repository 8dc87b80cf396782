// Module Scheduling: lowers each layer, for a reuse factor, strategy, clock and device profile, into a
// pipelined block (registered stages, II, latency, operator counts). The one source of timing truth
// that both the simulator and the RTL generator read. Owns no file I/O and no evaluation.
import Foundation

/// Operator delays and mapping rules of one FPGA family, the data that the scheduler packs into
/// clock stages. Loaded from a YAML file in `Profiles/` so that a user can calibrate it.
public struct DeviceProfile: Sendable, Equatable, Codable {
    /// Short name, as referenced from a design file (`device: xcvu9p-2`).
    public var name: String
    /// Where the numbers come from.
    public var source: String
    /// Clock-to-Q plus setup plus typical local routing, paid once per registered stage (ns).
    public var registerOverheadNs: Double
    /// Widths of one DSP multiplier's signed operands (27×18 on UltraScale+ DSP48E2).
    public var dspInputWidths: [Int]
    /// A product whose narrower operand has at most this many bits is built in LUTs, not a DSP.
    public var lutMultiplierMaxNarrowWidth: Int
    /// Combinational delay of one DSP multiply without internal pipeline registers (ns), for operands whose narrower
    /// one has at most `dspMultiplyBaseWidth` bits.
    public var dspMultiplyNs: Double
    /// Added to `dspMultiplyNs` per bit of the narrower operand beyond `dspMultiplyBaseWidth`, up to the DSP's narrower
    /// input width (default none; a product over several DSPs adds the cascade on top): Vitis HLS
    /// picks a deeper DSP multiply core for wider operands (docs/calibration.md). Optional in the YAML; `calibrate`
    /// keeps it as written.
    public var dspMultiplyNsPerBit: Double?
    /// The narrower operand width `dspMultiplyNs` holds for (default 8).
    public var dspMultiplyBaseWidth: Int?
    /// When the Latency strategy's multiplier_limit leaves a layer one shared DSP multiplier: the cycles from a
    /// product's issue to its value (its operand multiplexer registered into the DSP's fully pipelined core), when
    /// the tool builds that core whatever the clock (Vitis HLS 2021.1 on 7-series: `mul_*_5_1`, docs/calibration.md).
    /// Optional; without it the lone multiplier is timed like any shared one.
    public var singleSharedMultiplierCycles: Int?
    /// A DSP product longer than one stage is pipelined in the DSP; its value leaves the last register through the
    /// DSP's output path, this much logic (ns) that an operation reading it in that cycle chains after (Vitis HLS
    /// 2021.1 on 7-series: `Mul_DSP` latency 2 with 2.45 ns in its last state of 2.91, so no addition follows in that
    /// state, docs/calibration.md). Optional; without it the value is ready at the start of the cycle.
    public var dspOutputNs: Double?
    /// Table reads (softmax, activation and KL tables) from block RAM, when set: the address and this much logic fill a
    /// stage ending in the memory's register, and the value leaves it the next cycle through this much logic again
    /// (ns; Vitis HLS 2021.1 on 7-series: 1024-entry tables read in two states, 2.77 ns in each, docs/calibration.md).
    /// Optional; without it a read is distributed ROM, `romReadDelay`, chained like any logic.
    public var blockRAMReadNs: Double?
    /// LUT multiply delay: base plus per bit of the narrower operand (ns).
    public var lutMultiplyBaseNs: Double
    public var lutMultiplyNsPerBit: Double
    /// Carry-chain adder delay: base plus per bit of width (ns).
    public var adderBaseNs: Double
    public var adderNsPerBit: Double
    /// A comparator-driven 2:1 select, e.g. ReLU (ns).
    public var selectNs: Double
    /// Rounding or saturation logic in a cast, beyond plain truncation and wrap (ns).
    public var castRoundingNs: Double
    public var castSaturationNs: Double
    /// Operand multiplexer in front of a shared multiplier, per doubling of the inputs (ns).
    public var operandMuxNsPerLevel: Double
    /// The fastest clock the part's arithmetic can run at (MHz), when the profile states it: a clock beyond it is
    /// warned about (the schedule would assume operations the device cannot register that fast).
    public var maximumClockMHz: Double?

    public init(name: String, source: String, registerOverheadNs: Double, dspInputWidths: [Int],
                lutMultiplierMaxNarrowWidth: Int, dspMultiplyNs: Double, lutMultiplyBaseNs: Double,
                lutMultiplyNsPerBit: Double, adderBaseNs: Double, adderNsPerBit: Double, selectNs: Double,
                castRoundingNs: Double, castSaturationNs: Double, operandMuxNsPerLevel: Double) {
        self.name = name
        self.source = source
        self.registerOverheadNs = registerOverheadNs
        self.dspInputWidths = dspInputWidths
        self.lutMultiplierMaxNarrowWidth = lutMultiplierMaxNarrowWidth
        self.dspMultiplyNs = dspMultiplyNs
        self.lutMultiplyBaseNs = lutMultiplyBaseNs
        self.lutMultiplyNsPerBit = lutMultiplyNsPerBit
        self.adderBaseNs = adderBaseNs
        self.adderNsPerBit = adderNsPerBit
        self.selectNs = selectNs
        self.castRoundingNs = castRoundingNs
        self.castSaturationNs = castSaturationNs
        self.operandMuxNsPerLevel = operandMuxNsPerLevel
    }

    /// Every delay of the profile (ns) by its YAML key, in file order: what the loader checks, `calibrate` fits and
    /// the profile writer writes.
    public static var delays: [(name: String, path: WritableKeyPath<DeviceProfile, Double>)] {
        [("registerOverheadNs", \.registerOverheadNs), ("dspMultiplyNs", \.dspMultiplyNs),
         ("lutMultiplyBaseNs", \.lutMultiplyBaseNs), ("lutMultiplyNsPerBit", \.lutMultiplyNsPerBit),
         ("adderBaseNs", \.adderBaseNs), ("adderNsPerBit", \.adderNsPerBit), ("selectNs", \.selectNs),
         ("castRoundingNs", \.castRoundingNs), ("castSaturationNs", \.castSaturationNs),
         ("operandMuxNsPerLevel", \.operandMuxNsPerLevel)]
    }

    /// The delays `calibrate` fits: every one of `delays`, and the DSP product's output path (`dspOutputNs`, absent
    /// meaning 0, so a fit can introduce it for a part whose profile has none).
    public static var fittedDelays: [(name: String, path: WritableKeyPath<DeviceProfile, Double>)] {
        delays + [("dspOutputNs", \.dspOutputDelayNs)]
    }

    /// `dspOutputNs`, 0 when the profile has none.
    public var dspOutputDelayNs: Double {
        get { dspOutputNs ?? 0 }
        set { dspOutputNs = newValue }
    }

    /// Delay of a carry-chain adder of the given width.
    /// A warning when `periodNs` is faster than the profile's `maximumClockMHz`, else nil.
    public func clockWarning(periodNs: Double) -> String? {
        guard let maximumClockMHz, periodNs > 0, 1000 / periodNs > maximumClockMHz * (1 + 1e-9) else { return nil }
        return "warning: ClockPeriod \(String(format: "%g", periodNs)) ns (\(String(format: "%.0f", 1000 / periodNs)) MHz) is beyond the "
            + "\(name) profile's \(String(format: "%g", maximumClockMHz)) MHz (maximumClockMHz): the schedule assumes registers the device cannot clock that fast"
    }

    public func adderDelay(width: Int) -> Double { adderBaseNs + adderNsPerBit * Double(width) }

    /// A table read from distributed ROM: one LUT level decodes 6 address bits, each 2 more bits add a wide-mux
    /// level (MUXF7/F8 or another LUT), each about one select delay.
    public func romReadDelay(addressBits: Int) -> Double {
        selectNs * Double(1 + max(0, addressBits - 6 + 1) / 2)
    }

    /// How a product of the given operand widths is built: DSP slices used (0 = LUT fabric) and delay.
    public func multiplier(widthA: Int, widthB: Int) -> (dsps: Int, delayNs: Double) {
        let narrow = min(widthA, widthB), wide = max(widthA, widthB)
        if narrow <= lutMultiplierMaxNarrowWidth {
            return (0, lutMultiplyBaseNs + lutMultiplyNsPerBit * Double(narrow))
        }
        let big = dspInputWidths.max() ?? 27, small = dspInputWidths.min() ?? 18
        let dsps = Int((Double(wide) / Double(big)).rounded(.up)) * Int((Double(narrow) / Double(small)).rounded(.up))
        // Cascaded DSPs add their partial products through the post-adder chain.
        let cascade = dsps > 1 ? adderDelay(width: widthA + widthB) * Double(Int(ceil(log2(Double(dsps))))) : 0
        // The width rule covers one DSP's operand (up to its narrower input width); wider products are cascaded above.
        let wider = Double(max(0, min(narrow, small) - (dspMultiplyBaseWidth ?? 8))) * (dspMultiplyNsPerBit ?? 0)
        return (dsps, dspMultiplyNs + wider + cascade)
    }
}
