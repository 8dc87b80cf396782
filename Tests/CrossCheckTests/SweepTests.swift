import Foundation
import FoundationXML
import Testing
import Design
import Scheduling
@testable import CrossCheck
@testable import Reports

struct SweepTests {
    @Test func sweepPointsAreTheUnstalledScheduleFigures() throws {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/flow_vt.yml"))
        let points = try Sweep.run(network: loaded.network, options: loaded.options, clockUncertainty: loaded.clockUncertainty, reuseFactors: [1, 4, 100_000], clockPeriods: [2.5, 10])
        #expect(points.count == 6)
        for point in points where point.reuseFactor != 100_000 {
            let schedule = try Scheduler.schedule(loaded.network, options: loaded.applying(reuseFactor: point.reuseFactor, clockPeriodNs: point.clockPeriodNs).options)
            #expect(point.error == nil)
            #expect(point.latencyCycles == schedule.blocks.reduce(0) { $0 + $1.latencyCycles })
            #expect(point.initiationInterval == schedule.initiationInterval)
            #expect(point.initiationInterval == schedule.blocks.filter { $0.kind == "Dense" }.map { min(point.reuseFactor, $0.latencyCycles) }.max())
            #expect(point.latencyNs == Double(try #require(point.latencyCycles)) * point.clockPeriodNs)
        }
        // RF 100000 exceeds n_in × n_out of every dense layer: reported per point, not thrown.
        #expect(points.filter { $0.reuseFactor == 100_000 }.allSatisfy { $0.error?.contains("ReuseFactor") == true })
        // and a failed point has no figures (never a latency of 0 cycles).
        #expect(points.filter { $0.reuseFactor == 100_000 }.allSatisfy { $0.latencyCycles == nil && $0.initiationInterval == nil && $0.dsps == nil })
        let report = SweepReport(design: "vae", points: points)
        #expect(report.csv().split(separator: "\n").count == 7)
        #expect(XMLParser(data: Data(report.svg().utf8)).parse())
    }
}
