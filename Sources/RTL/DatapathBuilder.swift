import FixedPoint
import Scheduling

/// Collects the wires, assignments and `en`-enabled registers of one block's datapath while the block
/// generator walks the schedule's steps. All arithmetic is written on explicitly sign-extended operands of
/// the result width, so no Verilog signedness or width rule is relied on (and `-Wall` stays quiet).
final class DatapathBuilder {
    private(set) var declarations: [VerilogDeclaration] = []
    private(set) var assigns: [VerilogAssign] = []
    /// Registers enabled by `en`, each with an optional extra load condition.
    private(set) var registers: [(target: String, expression: String, condition: String?)] = []
    /// Signals of which only some bits are read (collected into an `unused_*` sink for lint).
    private(set) var partiallyUsed: [String] = []
    private var counters: [String: Int] = [:]
    /// Read-only tables of the datapath.
    private(set) var roms: [VerilogROM] = []

    /// A fresh identifier with the given prefix.
    func fresh(_ prefix: String) -> String {
        let index = counters[prefix, default: 0]
        counters[prefix] = index + 1
        return "\(prefix)_\(index)"
    }

    func declareWire(_ name: String, width: Int, comment: String? = nil) {
        declarations.append(VerilogDeclaration(.wire, name, width: width, comment: comment))
    }

    func assign(_ target: String, _ expression: String) {
        assigns.append(VerilogAssign(target, expression))
    }

    func markPartiallyUsed(_ name: String) {
        if !partiallyUsed.contains(name) { partiallyUsed.append(name) }
    }

    /// A new wire holding `expression` (of exactly `width` bits).
    func wire(_ prefix: String, width: Int, fractionalBits: Int, _ expression: String, comment: String? = nil) -> Signal {
        let name = fresh(prefix)
        declareWire(name, width: width, comment: comment)
        assign(name, expression)
        return Signal(name: name, width: width, fractionalBits: fractionalBits)
    }

    /// A 1-bit wire.
    func bit(_ prefix: String, _ expression: String) -> String {
        let name = fresh(prefix)
        declareWire(name, width: 1)
        assign(name, expression)
        return name
    }

    /// An expression of exactly `width` bits holding `signal` sign-extended (or truncated to its low bits).
    func extend(_ signal: Signal, to width: Int) -> String {
        if let value = signal.constant { return Verilog.literal(value, width: width) }
        if width == signal.width { return signal.name }
        if width < signal.width {
            markPartiallyUsed(signal.name)
            return "\(signal.name)[\(width - 1):0]"
        }
        let sign = signal.width == 1 ? signal.name : "\(signal.name)[\(signal.width - 1)]"
        let extra = width - signal.width
        return extra == 1 ? "{\(sign), \(signal.name)}" : "{{\(extra){\(sign)}}, \(signal.name)}"
    }

    /// The sign bit of a non-constant signal, as an expression.
    func signBit(_ signal: Signal) -> String {
        if let value = signal.constant { return value < 0 ? "1'b1" : "1'b0" }
        if signal.width == 1 { return signal.name }
        markPartiallyUsed(signal.name)
        return "\(signal.name)[\(signal.width - 1)]"
    }

    /// `signal · 2^shift` as a signal with `shift` more fractional bits (exact).
    func alignUp(_ signal: Signal, by shift: Int) -> Signal {
        precondition(shift >= 0)
        if shift == 0 { return signal }
        if let value = signal.constant { return .constant(value << shift, fractionalBits: signal.fractionalBits + shift) }
        return wire("align", width: signal.width + shift, fractionalBits: signal.fractionalBits + shift,
                    "{\(signal.name), \(shift)'b0}")
    }

    /// Exact product of two signals (widths add).
    func multiply(_ a: Signal, _ b: Signal, prefix: String = "prod") -> Signal {
        let fraction = a.fractionalBits + b.fractionalBits
        if let x = a.constant, let y = b.constant { return .constant(x * y, fractionalBits: fraction) }
        if a.constant == 0 || b.constant == 0 {
            // A product by zero needs no logic; the other operand may then be read by nothing else (lint).
            for operand in [a, b] where !operand.isConstant { markPartiallyUsed(operand.name) }
            return .constant(0, fractionalBits: fraction)
        }
        let width = a.width + b.width
        // A constant with at most two signed digits (±2^a, ±2^a ± 2^b) is shifts and one adder, as HLS builds it
        // (ProductSchedule counts no multiplier for it): the terms are taken modulo 2^width, where the exact
        // product fits.
        if a.isConstant != b.isConstant, let c = a.constant ?? b.constant,
           case let terms = ProductSchedule.signedDigitTerms(c), terms.count <= 2 {
            let x = extend(a.isConstant ? b : a, to: width)
            var expression = ""
            for (index, term) in terms.enumerated() {
                let shifted = term.shift == 0 ? x : "(\(x) << \(term.shift))"
                expression += index == 0 ? (term.negative ? "-\(shifted)" : shifted) : (term.negative ? " - \(shifted)" : " + \(shifted)")
            }
            return wire(prefix, width: width, fractionalBits: fraction, expression)
        }
        // Both operands are sign-extended to the product width, so the low bits are the same signed or
        // unsigned; marking the multiply signed lets synthesis drop the redundant sign bits (one DSP per
        // product instead of two or three).
        return wire(prefix, width: width, fractionalBits: fraction, "$signed(\(extend(a, to: width))) * $signed(\(extend(b, to: width)))")
    }

    /// `a + b` with aligned fractional bits; exact (`max + 1` bits) unless `width` asks for a modulo sum.
    func add(_ a: Signal, _ b: Signal, width requested: Int? = nil, prefix: String = "sum") -> Signal {
        let fraction = max(a.fractionalBits, b.fractionalBits)
        let x = alignUp(a, by: fraction - a.fractionalBits), y = alignUp(b, by: fraction - b.fractionalBits)
        let width = requested ?? (max(x.width, y.width) + 1)
        if let p = x.constant, let q = y.constant, requested == nil { return .constant(p + q, fractionalBits: fraction) }
        if x.constant == 0 { return requested == nil ? y : resize(y, to: width) }
        if y.constant == 0 { return requested == nil ? x : resize(x, to: width) }
        return wire(prefix, width: width, fractionalBits: fraction, "\(extend(x, to: width)) + \(extend(y, to: width))")
    }

    /// `pick ? a : b`, both aligned to their common fractional bits and extended to a common width (exact);
    /// `condition` makes the 1-bit `pick` and gets the two aligned, extended operands to compare if it needs them.
    func select(_ a: Signal, _ b: Signal, where condition: (_ first: String, _ second: String) -> String) -> Signal {
        let fraction = max(a.fractionalBits, b.fractionalBits)
        let x = alignUp(a, by: fraction - a.fractionalBits), y = alignUp(b, by: fraction - b.fractionalBits)
        let width = max(x.width, y.width)
        let (first, second) = (extend(x, to: width), extend(y, to: width))
        let pick = condition(first, second)
        return wire("sel", width: width, fractionalBits: fraction, "\(pick) ? \(first) : \(second)")
    }

    /// `a − b` with aligned fractional bits, exact (`max + 1` bits).
    func subtract(_ a: Signal, _ b: Signal, prefix: String = "diff") -> Signal {
        let fraction = max(a.fractionalBits, b.fractionalBits)
        let x = alignUp(a, by: fraction - a.fractionalBits), y = alignUp(b, by: fraction - b.fractionalBits)
        let width = max(x.width, y.width) + 1
        return wire(prefix, width: width, fractionalBits: fraction, "\(extend(x, to: width)) - \(extend(y, to: width))")
    }

    /// The signal sign-extended or wrapped to `width` bits.
    func resize(_ signal: Signal, to width: Int) -> Signal {
        if signal.width == width { return signal }
        if let value = signal.constant {
            return Signal(name: "", width: width, fractionalBits: signal.fractionalBits, constant: wrap(value, width: width))
        }
        return wire("rs", width: width, fractionalBits: signal.fractionalBits, extend(signal, to: width))
    }

    /// Two's complement wrap of a constant to `width` bits.
    func wrap(_ value: Int128, width: Int) -> Int128 {
        guard width < 127 else { return value }
        let shift = 128 - width
        return (value << shift) >> shift
    }

    /// One `en`-enabled register stage for a signal (constants pass through).
    func register(_ signal: Signal, prefix: String) -> Signal {
        if signal.isConstant { return signal }
        let name = fresh(prefix)
        declarations.append(VerilogDeclaration(.reg, name, width: signal.width))
        registers.append((name, signal.name, nil))
        return Signal(name: name, width: signal.width, fractionalBits: signal.fractionalBits)
    }

    /// A register with its own load condition (inside `if (en)`), e.g. an accumulator.
    func conditionalRegister(_ name: String, width: Int, next: String, condition: String) {
        declarations.append(VerilogDeclaration(.reg, name, width: width))
        registers.append((name, next, condition))
    }

    /// A new ROM holding `entries` (raw values of `precision`); returns its name.
    func rom(_ prefix: String, precision: Precision, entries: [Int64], comment: String) -> (name: String, precision: Precision) {
        let name = fresh(prefix)
        roms.append(VerilogROM(name: name, width: precision.width, entries: entries.map { Int128($0) }, comment: comment))
        return (name, precision)
    }

    /// The entry of `rom` at `index` (an unsigned signal of exactly the table's address bits), as a two's
    /// complement signal of the ROM's precision (an extra zero sign bit when it is unsigned).
    func read(_ rom: (name: String, precision: Precision), at index: Signal, prefix: String = "entry") -> Signal {
        let p = rom.precision
        let word = "\(rom.name)[\(index.name)]"
        if p.isSigned { return wire(prefix, width: p.width, fractionalBits: p.fractionalBits, word) }
        return wire(prefix, width: p.width + 1, fractionalBits: p.fractionalBits, "{1'b0, \(word)}")
    }

    /// The top `bits` bits of the low `width` bits of `signal` (hls4ml's `x(W-1, W-N)` slice), as an unsigned index.
    func topBits(_ signal: Signal, width: Int, bits: Int, prefix: String = "idx") -> Signal {
        if signal.width == 1 { return wire(prefix, width: 1, fractionalBits: 0, signal.name) }
        markPartiallyUsed(signal.name)
        let slice = bits == 1 ? "\(signal.name)[\(width - 1)]" : "\(signal.name)[\(width - 1):\(width - bits)]"
        return wire(prefix, width: bits, fractionalBits: 0, slice)
    }

    /// hls4ml's index into a 2^`bits`-entry table over a range symmetric about 0: `int(x·N / 2^divisorBits) + N/2`,
    /// clamped to [0, N−1]. That is `ap_int<bits>(x·N / 2^divisorBits)` toward zero and saturated (a reinterpretation
    /// of x's fractional bits, then a cast) with its sign bit flipped (adding N/2 modulo N).
    func symmetricTableIndex(_ x: Signal, bits: Int, divisorBits: Int) -> Signal {
        let scaled = Signal(name: x.name, width: x.width, fractionalBits: x.fractionalBits - (bits - divisorBits))
        let q = cast(scaled, to: .fixed(bits, bits, .truncateToZero, .saturate), prefix: "q")
        if q.width == 1 { return wire("idx", width: 1, fractionalBits: 0, "~\(q.name)") }
        markPartiallyUsed(q.name)
        return wire("idx", width: bits, fractionalBits: 0, "{~\(q.name)[\(bits - 1)], \(q.name)[\(bits - 2):0]}")
    }

    /// `n` register stages in a row.
    func registers(_ signal: Signal, count: Int, prefix: String) -> Signal {
        var current = signal
        for _ in 0..<count { current = register(current, prefix: prefix) }
        return current
    }
}
