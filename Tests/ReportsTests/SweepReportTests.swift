import CrossCheck
import Foundation
import Reports
import Testing

/// Failed sweep points have no figures in any format, and numbers are short.
@Suite struct SweepReportTests {
    static let report = SweepReport(design: "net", points: [
        SweepPoint(reuseFactor: 1, clockPeriodNs: 3.33, latencyCycles: 7, latencyNs: 7 * 3.33, initiationInterval: 1,
                   initiationIntervalNs: 3.33, multipliers: 12, dsps: 12, error: nil),
        .failed(reuseFactor: 64, clockPeriodNs: 5, reason: "layer \"fc1\", field 'ReuseFactor': 64 does not divide 24"),
    ])

    @Test func csvLeavesFailedFiguresEmptyAndQuotesTheReason() {
        let lines = Self.report.csv().split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        // 7 × 3.33 ns = 23.31 ns (not the binary 23.310000000000002).
        #expect(lines[1] == "net,1,3.33,7,23.31,1,3.33,12,12,")
        // Six empty figures, then the reason with its quotes doubled (RFC 4180).
        #expect(lines[2] == "net,64,5,,,,,,,\"layer \"\"fc1\"\", field 'ReuseFactor': 64 does not divide 24\"")
    }

    @Test func jsonHasNullFiguresAndTheFailureCount() throws {
        let json = try Self.report.json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["failedPoints"] as? Int == 1)
        let points = try #require(object["points"] as? [[String: Any]])
        #expect(points.count == 2)
        for key in ["latencyCycles", "latencyNs", "initiationInterval", "initiationIntervalNs", "multipliers", "dsps"] {
            #expect(points[1][key] is NSNull, "\(key) of the failed point must be null")
        }
        #expect(points[0]["latencyCycles"] as? Int == 7)
        #expect(json.contains("\"latencyNs\" : 23.31,"))
    }

    @Test func tableShowsDashesAndCountsFailures() {
        let table = Self.report.table()
        #expect(table.hasPrefix("net (io_parallel): 2 configurations, 1 failed"))
        let failedRow = table.split(separator: "\n").first { $0.hasPrefix("64") }.map(String.init) ?? ""
        #expect(failedRow.contains("does not divide 24"))
        #expect(!failedRow.contains(" 0 "), "no made-up zero in a failed row")
    }
}
