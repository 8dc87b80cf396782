import Testing
import FixedPoint
import NetworkIR
@testable import Scheduling

struct ProfileFitTests {
    /// Designs whose latency depends on the adder delay: Dense 58 → 16 (59 terms, 6 adder levels) and 16 → 4 at three clocks.
    static func samples(measuredWith truth: DeviceProfile) throws -> [ProfileFit.Sample] {
        var samples: [ProfileFit.Sample] = []
        for (index, (inputs, outputs)) in [(58, 16), (16, 4)].enumerated() {
            for period in [2.5, 5.0, 10.0] {
                let network = denseNetwork(inputs: inputs, outputs: outputs, distinct: true)
                let options = ScheduleOptions(clockPeriodNs: period, device: truth)
                let block = try Scheduler.schedule(network, options: options).blocks[0]
                samples.append(ProfileFit.Sample(name: "d\(index)-\(period)", network: network, options: options,
                                                 measured: ["fc": block.latencyCycles]))
            }
        }
        return samples
    }

    // roundProfile: adder 1.0 ns. At 5 ns (budget 3.875) 58 → 16 takes 5 cycles (SchedulerTests); with 0.5 ns adders
    // (ternary 1.0): level 1 (0, 2.5), level 2 (0, 3.5), level 3 (1, 1.0), level 4 (1, 2.0), level 5 (1, 2.0), root
    // (1, 3.0): 2 cycles.
    @Test func errorsCountEachMeasuredLayer() throws {
        let samples = try Self.samples(measuredWith: roundProfile)
        var fast = roundProfile
        fast.adderBaseNs = 0.5
        let exact = ProfileFit.errors(profile: roundProfile, samples: samples)
        #expect(exact == ProfileFit.Errors(layers: 6, exact: 6, withinOne: 6, totalAbsolute: 0, maxAbsolute: 0, unschedulable: 0))
        let differences = ProfileFit.differences(profile: fast, samples: samples)
        #expect(differences[1] == [2 - 5])
        #expect(ProfileFit.errors(profile: fast, samples: samples).exact < 6)
    }

    /// Measured with 1.0 ns adders, started from 0.5 ns: fitted on all six, the fit finds delays that reproduce every
    /// latency.
    @Test func fitRecoversTheMeasuredLatencies() throws {
        let samples = try Self.samples(measuredWith: roundProfile)
        var start = roundProfile
        start.adderBaseNs = 0.5
        #expect(ProfileFit.errors(profile: start, samples: samples).totalAbsolute > 0)
        let fitted = ProfileFit.fit(start: start, samples: samples)
        #expect(ProfileFit.errors(profile: fitted, samples: samples).totalAbsolute == 0)
        #expect(fitted.dspInputWidths == start.dspInputWidths && fitted.name == start.name)
    }

    /// `calibrate` fits the DSP output path too, through `dspOutputDelayNs` (absent = 0), so a fit can introduce it.
    @Test func theDSPOutputPathIsAFittedDelay() throws {
        let parameter = try #require(DeviceProfile.fittedDelays.first { $0.name == "dspOutputNs" })
        var profile = roundProfile
        #expect(profile.dspOutputNs == nil && profile[keyPath: parameter.path] == 0)
        profile[keyPath: parameter.path] = 1.5
        #expect(profile.dspOutputNs == 1.5)
        #expect(DeviceProfile.fittedDelays.count == DeviceProfile.delays.count + 1)
    }

    /// Every third sample by name is held out: sorted d0-10.0, d0-2.5, d0-5.0, d1-10.0, d1-2.5, d1-5.0, so both
    /// 5 ns samples. Fitted on 2.5 and 10 ns only, the fit is measured on them and reported, whatever it is.
    @Test func heldOutSamplesAreLeftOutOfTheFit() throws {
        let samples = try Self.samples(measuredWith: roundProfile)
        let (fitSet, heldOut) = ProfileFit.split(samples, holdOutEvery: 3)
        #expect(heldOut.map(\.name) == ["d0-5.0", "d1-5.0"])
        #expect(fitSet.count == 4 && ProfileFit.split(samples, holdOutEvery: 0).heldOut.isEmpty)
        var start = roundProfile
        start.adderBaseNs = 0.5
        let fitted = ProfileFit.fit(start: start, samples: fitSet)
        #expect(ProfileFit.errors(profile: fitted, samples: fitSet).totalAbsolute == 0)
        // The held-out samples take no part: the fit of the fit set plus a held-out sample with a wrong
        // measurement differs from the fit of the fit set alone, which ignores it.
        var wrong = heldOut[0]
        wrong.measured["fc"]! += 5
        #expect(ProfileFit.fit(start: start, samples: fitSet + [wrong]) != fitted)
    }

    /// A profile that cannot schedule a sample (no logic time left at 2.5 ns) counts it as missed, never as a fit.
    @Test func unschedulableProfileIsWorst() throws {
        let samples = try Self.samples(measuredWith: roundProfile)
        var broken = roundProfile
        broken.registerOverheadNs = 3
        let errors = ProfileFit.errors(profile: broken, samples: samples)
        #expect(errors.unschedulable == 2)
        #expect(errors.totalAbsolute >= 2000)
    }
}
