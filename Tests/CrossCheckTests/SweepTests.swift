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

    /// The ParallelizationFactor axis on cnn_ae (three convolutions of 12 × 4 = 48 output pixels): every
    /// convolution gets each PF in turn, so the design's II at RF r is (48 / PF)·r (the convolutions' partition loops
    /// are the slowest blocks), down to r at PF 48; a PF that does not divide 48 (5) is snapped by the scheduler to
    /// the closest divisor (4: 12 partitions). The CSV gains a parallelization_factor column, the JSON a key.
    @Test func parallelizationFactorAxis() throws {
        let loaded = try DesignLoader.load(repositoryRoot.appendingPathComponent("Designs/cnn_ae.yml"))
        let points = try Sweep.run(network: loaded.network, options: loaded.options, clockUncertainty: loaded.clockUncertainty,
                                   reuseFactors: [1, 2], clockPeriods: [5], parallelizationFactors: [1, 5, 48])
        #expect(points.map(\.parallelizationFactor) == [1, 5, 48, 1, 5, 48])
        #expect(points.map(\.initiationInterval) == [48, 12, 1, 96, 24, 2])
        #expect(points.allSatisfy { $0.error == nil })
        // Fewer pixels at once, fewer multipliers.
        let multipliers = try points.prefix(3).map { try #require($0.multipliers) }
        #expect(multipliers[0] < multipliers[1] && multipliers[1] < multipliers[2])
        let report = SweepReport(design: "cnn_ae", points: points)
        let csv = report.csv().split(separator: "\n").map(String.init)
        #expect(csv[0].hasPrefix("design,reuse_factor,parallelization_factor,clock_ns,"))
        #expect(csv[2].hasPrefix("cnn_ae,1,5,5,"))
        #expect(report.table().contains("PF"))
        #expect(XMLParser(data: Data(report.svg().utf8)).parse())
        #expect(report.svg().contains(">RF 2, PF 48<"))
        // Without the axis: no column, and the JSON key is null.
        let plain = SweepReport(design: "cnn_ae", points: try Sweep.run(network: loaded.network, options: loaded.options,
                                clockUncertainty: loaded.clockUncertainty, reuseFactors: [1], clockPeriods: [5]))
        #expect(plain.csv().hasPrefix("design,reuse_factor,clock_ns,"))
        #expect(try plain.json().contains("\"parallelizationFactor\" : null"))
        #expect(plain.points.first?.initiationInterval == 48)
    }
}
