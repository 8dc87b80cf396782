import FixedPoint

extension DatapathBuilder {
    /// Logic that converts `source` (two's complement, `source.fractionalBits` fractional bits) into
    /// `target` exactly as `Precision.quantize` does: the quantization mode rounds the exact value to the
    /// target LSB first, then the overflow mode handles a result outside the target range. The returned
    /// signal holds the target's raw value (with an extra zero sign bit when the target is unsigned).
    func cast(_ source: Signal, to target: Precision, prefix: String = "cast") -> Signal {
        let internalWidth = target.width + (target.isSigned ? 0 : 1)
        if let value = source.constant {
            let raw = target.quantize(value, fractionalBits: source.fractionalBits)
            return Signal(name: "", width: internalWidth, fractionalBits: target.fractionalBits, constant: Int128(raw))
        }
        let rounded = quantize(source, to: target, prefix: prefix)
        let bits = handleOverflow(rounded, target: target)
        if target.isSigned {
            if bits.width == target.width && bits.expression == rounded.name && rounded.width == target.width {
                return Signal(name: rounded.name, width: target.width, fractionalBits: target.fractionalBits)
            }
            return wire(prefix, width: internalWidth, fractionalBits: target.fractionalBits, bits.expression)
        }
        return wire(prefix, width: internalWidth, fractionalBits: target.fractionalBits, "{1'b0, \(bits.expression)}")
    }

    /// Rounds the exact value to the target's LSB; the result has `target.fractionalBits` fractional bits
    /// and as many integer bits as needed (no overflow handling yet).
    private func quantize(_ source: Signal, to target: Precision, prefix: String) -> Signal {
        let shift = source.fractionalBits - target.fractionalBits
        if shift == 0 { return source }
        if shift < 0 { return alignUp(source, by: -shift) }
        // Keep at least one bit above the dropped ones, so that the floor is a slice.
        let value = source.width < shift + 1 ? resize(source, to: shift + 1) : source
        let name = value.name
        let floorWidth = value.width - shift
        markPartiallyUsed(name)
        let floor = wire("\(prefix)_floor", width: floorWidth, fractionalBits: target.fractionalBits,
                         "\(name)[\(value.width - 1):\(shift)]")
        let half = "\(name)[\(shift - 1)]"
        let belowHalf = shift >= 2 ? "(|\(name)[\(shift - 2):0])" : "1'b0"
        let nonzero = "(|\(name)[\(shift - 1):0])"
        let negative = "\(name)[\(value.width - 1)]"
        let increment: String?
        switch target.quantization {
        case .truncate: increment = nil
        case .truncateToZero: increment = "\(negative) & \(nonzero)"
        case .round: increment = half
        case .roundToZero: increment = "\(half) & (\(belowHalf) | \(negative))"
        case .roundToInfinity: increment = "\(half) & (\(belowHalf) | ~\(negative))"
        case .roundToMinusInfinity: increment = shift >= 2 ? "\(half) & \(belowHalf)" : nil
        case .roundConvergent:
            markPartiallyUsed(floor.name)
            let lowBit = floorWidth == 1 ? floor.name : "\(floor.name)[0]"
            increment = "\(half) & (\(belowHalf) | \(lowBit))"
        }
        guard let increment else { return floor }
        let carry = bit("\(prefix)_inc", increment)
        let width = floorWidth + 1
        let zeros = floorWidth == 1 ? "1'b0" : "{\(floorWidth){1'b0}}"
        return wire("\(prefix)_rnd", width: width, fractionalBits: target.fractionalBits,
                    "\(extend(floor, to: width)) + {\(zeros), \(carry)}")
    }

    /// The target's `width` raw bits after the overflow mode.
    private func handleOverflow(_ rounded: Signal, target: Precision) -> (expression: String, width: Int) {
        let width = target.width
        let lowBits = extend(rounded, to: width)
        if target.overflow == .wrap { return (lowBits, width) }
        let roundedWidth = rounded.width
        // A signed AP_SAT_SYM result is never the most negative value (as Precision.quantize): an in-range
        // value equal to it becomes −max too, so that value counts as a low overflow.
        let symmetric = target.overflow == .saturateSymmetric && target.isSigned
        let highPossible = target.isSigned ? roundedWidth > width : roundedWidth > width + 1
        let lowPossible = target.isSigned ? roundedWidth > width || (symmetric && roundedWidth == width) : true
        if !highPossible && !lowPossible { return (lowBits, width) }
        let compareWidth = max(roundedWidth, width + 2)
        let wide = extend(rounded, to: compareWidth)
        let maxRaw = Int128(target.maxRaw), minRaw = Int128(target.minRaw)
        let lowestKept = symmetric ? minRaw + 1 : minRaw
        let high = highPossible ? bit("ovf_hi", "$signed(\(wide)) > $signed(\(Verilog.literal(maxRaw, width: compareWidth)))") : nil
        let low = lowPossible ? bit("ovf_lo", "$signed(\(wide)) < $signed(\(Verilog.literal(lowestKept, width: compareWidth)))") : nil
        let maxLiteral = Verilog.literal(maxRaw, width: width)
        let zero = Verilog.literal(0, width: width)
        let lowValue: String
        switch target.overflow {
        case .wrap: return (lowBits, width)
        case .saturate: lowValue = Verilog.literal(minRaw, width: width)
        case .saturateToZero: lowValue = zero
        case .saturateSymmetric: lowValue = Verilog.literal(target.isSigned ? -maxRaw : 0, width: width)
        }
        let highValue = target.overflow == .saturateToZero ? zero : maxLiteral
        var expression = lowBits
        if let low { expression = "\(low) ? \(lowValue) : \(expression)" }
        if let high { expression = "\(high) ? \(highValue) : (\(expression))" }
        return ("(\(expression))", width)
    }
}
