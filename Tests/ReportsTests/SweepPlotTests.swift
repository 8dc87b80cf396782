import Foundation
import FoundationXML
import Testing
import CrossCheck
@testable import Reports

/// The sweep plot's axes and marks, from hand-worked figures.
struct SweepPlotTests {
    // Values up to 1133: a fifth is 226.6; of the round steps 100, 200, 500 the first ≥ 226.6 is 500;
    // 1133 · 1.05 = 1189.65 rounds up to 1500; ticks 0, 500, 1000, 1500.
    @Test func linearTicksAreRound() {
        let axis = PlotAxis(covering: [70, 1133])
        #expect(!axis.logarithmic)
        #expect(axis.ticks == [0, 500, 1000, 1500])
        #expect(axis.fraction(750) == 0.5)
    }

    // 2.5 … 1030 spans a factor 412 > 20: log axis from 1 to 1e4 (4 decades: ticks at the decades only);
    // 3 … 90 spans 30 > 20 over 2 decades: ticks 1, 2, 5, 10, 20, 50, 100.
    @Test func spansOfDecadesAreLogarithmic() {
        let wide = PlotAxis(covering: [2.5, 1030])
        #expect(wide.logarithmic && wide.low == 1 && wide.high == 10_000)
        #expect(wide.ticks == [1, 10, 100, 1000, 10_000])
        #expect(abs(wide.fraction(100) - 0.5) < 1e-12)
        let narrow = PlotAxis(covering: [3, 90])
        #expect(narrow.ticks == [1, 2, 5, 10, 20, 50, 100])
    }

    @Test func roundSteps() {
        #expect([0.3, 1, 1.2, 2.5, 7, 226.6].map(PlotAxis.roundStep) == [0.5, 1, 2, 5, 10, 500])
    }

    /// A failed point is a red × with its reason; the figure has a viewBox and both panels, and is valid XML.
    @Test func failedPointsAreMarked() {
        let points = [
            SweepPoint(reuseFactor: 1, clockPeriodNs: 2.5, latencyCycles: 30, latencyNs: 75, initiationInterval: 1, initiationIntervalNs: 2.5,
                       multipliers: 2000, dsps: 2000, error: nil),
            SweepPoint(reuseFactor: 1, clockPeriodNs: 5, latencyCycles: 14, latencyNs: 70, initiationInterval: 1, initiationIntervalNs: 5,
                       multipliers: 2000, dsps: 2000, error: nil),
            SweepPoint(reuseFactor: 9999, clockPeriodNs: 5, latencyCycles: nil, latencyNs: nil, initiationInterval: nil, initiationIntervalNs: nil,
                       multipliers: nil, dsps: nil, error: "layer 'fc1', field 'ReuseFactor': 9999 is impossible"),
        ]
        let svg = SweepReport(design: "d<1>", points: points).svg()
        #expect(XMLParser(data: Data(svg.utf8)).parse())
        #expect(svg.contains("viewBox=\"0 0 1040 460\""))
        #expect(svg.contains("2 of 3 configurations, 1 failed"))
        #expect(svg.contains("d&lt;1&gt;"))
        #expect(svg.components(separatedBy: "stroke=\"#d00\"").count == 2)
        #expect(svg.contains("RF 9999, 5 ns: layer 'fc1', field 'ReuseFactor'"))
        #expect(svg.contains("cost: multipliers"))
    }
}
