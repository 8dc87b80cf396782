import Foundation

extension Precision {
    /// Parses an hls4ml or Xilinx precision string.
    ///
    /// Accepted forms: `ap_fixed<16,6>`, `ap_ufixed<8,3,AP_RND_CONV,AP_SAT>`, `fixed<18,8,TRN,WRAP,0>`,
    /// `ufixed<8,0>`, `ap_int<8>`, `int<8>`, `ap_uint<1>`, `uint<4>`. Quantization and overflow modes may be
    /// written with or without the `AP_` prefix. A fifth template argument (saturation bits) is accepted
    /// only when it is 0, the only value hls4ml writes.
    public init(parsing text: String) throws(PrecisionError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let open = trimmed.firstIndex(of: "<"), trimmed.hasSuffix(">") else {
            throw .malformed(text: text, reason: "expected a form like ap_fixed<16,6>")
        }
        var kind = trimmed[..<open].lowercased().trimmingCharacters(in: .whitespaces)
        if kind.hasPrefix("ap_") { kind.removeFirst(3) }
        let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        let arguments = inner.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        /// The argument at `index` as an `Int`. An integer too large for `Int` is never valid; it is reported
        /// with the supported `range` ("within 1...64") rather than as "not an integer".
        func integer(_ index: Int, _ what: String, range: String) throws(PrecisionError) -> Int {
            guard index < arguments.count else { throw .malformed(text: text, reason: "\(what) must be an integer") }
            let argument = arguments[index]
            if let value = Int(argument) { return value }
            let digits = argument.first == "-" || argument.first == "+" ? argument.dropFirst() : Substring(argument)
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                throw .malformed(text: text, reason: "\(what) must be \(range), got \(argument)")
            }
            throw .malformed(text: text, reason: "\(what) must be an integer")
        }
        let widthRange = "within 1...\(kind.hasPrefix("u") ? Precision.maximumWidth - 1 : Precision.maximumWidth)"
        let integerBitsRange = "within -\(Precision.integerBitsLimit)...\(Precision.integerBitsLimit)"
        switch kind {
        case "int", "uint":
            guard arguments.count == 1 else {
                throw .malformed(text: text, reason: "\(kind) takes exactly one argument, the width")
            }
            let width = try integer(0, "the width", range: widthRange)
            self = kind == "int" ? .int(width) : .uint(width)
        case "fixed", "ufixed":
            guard (2...5).contains(arguments.count) else {
                throw .malformed(text: text, reason: "\(kind) takes 2 to 5 arguments <W,I[,Q[,O[,N]]]>")
            }
            let width = try integer(0, "the width", range: widthRange)
            let integerBits = try integer(1, "the integer bits", range: integerBitsRange)
            var quantization = QuantizationMode.truncate
            var overflow = OverflowMode.wrap
            if arguments.count >= 3 {
                guard let mode = QuantizationMode(token: arguments[2]) else {
                    throw .malformed(text: text, reason: "unknown quantization mode '\(arguments[2])' "
                        + "(one of \(QuantizationMode.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                quantization = mode
            }
            if arguments.count >= 4 {
                guard let mode = OverflowMode(token: arguments[3]) else {
                    throw .malformed(text: text, reason: "unknown overflow mode '\(arguments[3])' "
                        + "(one of \(OverflowMode.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                overflow = mode
            }
            if arguments.count == 5 {
                let saturationBits = try integer(4, "the saturation bits", range: "0")
                guard saturationBits == 0 else {
                    throw .malformed(text: text, reason: "saturation bits N = \(saturationBits) are not supported (only 0)")
                }
            }
            self = Precision(width: width, integerBits: integerBits, isSigned: kind == "fixed",
                             quantization: quantization, overflow: overflow)
        default:
            throw .malformed(text: text, reason: "unknown type '\(trimmed[..<open])' (expected ap_fixed, ap_ufixed, ap_int or ap_uint)")
        }
        do {
            try validate()
        } catch let .unsupportedWidth(_, width, limit) {
            // Quote what the user wrote, not the normalized description (`ap_fixed<0,0>`, not `ap_int<0>`).
            throw .unsupportedWidth(text: text, width: width, limit: limit)
        } catch let .unsupportedIntegerBits(_, integerBits, limit) {
            throw .unsupportedIntegerBits(text: text, integerBits: integerBits, limit: limit)
        }
    }
}
