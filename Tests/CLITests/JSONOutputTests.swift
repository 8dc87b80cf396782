import Foundation
import Testing

/// Every command's `--json` writes numbers with at most 12 significant digits (no `3.7199999999999998`).
struct JSONOutputTests {
    /// The non-integer number tokens of `json` (outside strings) with more than 12 significant digits.
    static func longNumbers(in json: String) -> [String] {
        var long: [String] = []
        var inString = false, escaped = false
        var token = ""
        func flush() {
            defer { token = "" }
            guard token.contains(where: { ".eE".contains($0) }) else { return }
            let mantissa = token.split(whereSeparator: { $0 == "e" || $0 == "E" }).first ?? ""
            let digits = mantissa.filter(\.isNumber).drop(while: { $0 == "0" })
            if digits.count > 12 { long.append(token) }
        }
        for character in json {
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
            } else if character == "\"" {
                flush(); inString = true
            } else if character.isNumber || "-+.eE".contains(character) {
                token.append(character)
            } else {
                flush()
            }
        }
        flush()
        return long
    }

    @Test func longNumbersAreFound() {
        #expect(Self.longNumbers(in: #"{"a" : 3.7199999999999998, "b" : "0.30000000000000004", "c" : 3.72, "d" : 12345678901234567}"#)
                == ["3.7199999999999998"])
    }

    @Test func simulateAndSweepJSONHaveShortNumbers() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let simulateJSON = directory.appendingPathComponent("simulate.json"), sweepJSON = directory.appendingPathComponent("sweep.json")
        let simulated = try CommandLineErrorTests.run(["simulate", "Designs/flow_vt.yml", "--timing-only", "--clock-period", "3.33",
                                                       "--json", simulateJSON.path])
        #expect(simulated.status == 0, "\(simulated.output)")
        let swept = try CommandLineErrorTests.run(["sweep", "Designs/flow_vt.yml", "--reuse-factors", "1", "2",
                                                   "--clock-periods", "3.33", "2.5", "--json", sweepJSON.path])
        #expect(swept.status == 0, "\(swept.output)")
        for url in [simulateJSON, sweepJSON] {
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(Self.longNumbers(in: text).isEmpty, "\(url.lastPathComponent): \(Self.longNumbers(in: text))")
            #expect(text.hasSuffix("}\n"))
        }
        let simulateText = try String(contentsOf: simulateJSON, encoding: .utf8)
        // 3.33 ns, its 12.5 % uncertainty 0.41625 ns, and 1e9 / 3.33 = 300300300.3003… per second at II 1.
        #expect(simulateText.contains(#""clockPeriodNs" : 3.33,"#) && simulateText.contains(#""clockUncertaintyNs" : 0.41625,"#))
        #expect(simulateText.contains(#""initiationInterval" : 1,"#) && simulateText.contains(#""throughputPerSecond" : 300300300.3,"#))
    }
}
