import Foundation
import Scheduling
import Testing
@testable import Design

@Suite struct DeviceProfileLoaderTests {
    /// Every shipped profile, written by `yaml(_:)` (as `calibrate -o` writes a fitted one) and read back, is equal.
    @Test(arguments: ["xcvu9p-2", "xc7z007s-2", "xc7z007s-2-fabric", "xcvu13p-2", "xcu250-2L", "xc7z020-1"])
    func writtenProfileReadsBackEqual(_ name: String) throws {
        var profile = try DeviceProfileLoader.load(name: name, searchPaths: [TestSupport.profiles])
        profile.source += " Extra: a colon, a # sign, 'quotes' and \"double quotes\", − and →."
        profile.dspMultiplyNs = 3.125
        let folder = try TestSupport.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("\(name).yml")
        try DeviceProfileLoader.yaml(profile).write(to: file, atomically: true, encoding: .utf8)
        #expect(try DeviceProfileLoader.load(from: file) == profile)
    }

    @Test func loadsTheDefaultProfile() throws {
        let profile = try DeviceProfileLoader.load(name: "xcvu9p-2", searchPaths: [TestSupport.profiles])
        #expect(profile.name == "xcvu9p-2")
        #expect(profile.registerOverheadNs == 0.35)
        #expect(profile.dspInputWidths == [27, 18])
    }

    @Test func searchOrderPutsExplicitPathsFirst() {
        let design = TestSupport.designs.appendingPathComponent("flow_vt.yml")
        let paths = DeviceProfileLoader.searchPaths(explicit: [URL(fileURLWithPath: "/custom")], designFile: design)
        #expect(paths.first?.path == "/custom")
        #expect(paths.dropFirst().first?.standardizedFileURL.path == TestSupport.profiles.standardizedFileURL.path)
        #expect(paths.last?.lastPathComponent == "Profiles")
    }

    @Test func explicitPathWins() throws {
        let folder = try TestSupport.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try String(contentsOf: TestSupport.profiles.appendingPathComponent("xcvu9p-2.yml"), encoding: .utf8)
        try original.replacingOccurrences(of: "registerOverheadNs: 0.35", with: "registerOverheadNs: 0.5")
            .write(to: folder.appendingPathComponent("xcvu9p-2.yml"), atomically: true, encoding: .utf8)
        let profile = try DeviceProfileLoader.load(name: "xcvu9p-2", searchPaths: [folder, TestSupport.profiles])
        #expect(profile.registerOverheadNs == 0.5)
    }

    @Test func invalidProfileNamesTheField() throws {
        let folder = try TestSupport.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "name: broken\nsource: test\n".write(to: folder.appendingPathComponent("broken.yml"), atomically: true, encoding: .utf8)
        #expect {
            try DeviceProfileLoader.load(name: "broken", searchPaths: [folder])
        } throws: { error in
            guard case let .invalidDeviceProfile(path, reason)? = error as? DesignError else { return false }
            return path.hasSuffix("broken.yml") && reason.contains("missing")
        }
    }

    /// The optional width rule of the DSP multiply: 3.4 ns up to 8 bits, + 0.2 ns per bit of the narrower operand
    /// beyond (xc7z007s-2: 5.4 ns for the softmax's 18 × 18 product, 3.4 ns for 8 × 9); absent, every width takes
    /// `dspMultiplyNs`; a negative or non-numeric value is an error naming the field. The lone shared multiplier's
    /// cycles (5 on xc7z007s-2 DSPs, absent elsewhere), the DSP output path and the block-RAM read are written back
    /// and checked the same way.
    @Test func dspMultiplyWidthRule() throws {
        let profile = try DeviceProfileLoader.load(name: "xc7z007s-2", searchPaths: [TestSupport.profiles])
        #expect(profile.dspMultiplyNsPerBit == 0.2 && profile.dspMultiplyBaseWidth == 8)
        #expect(abs(profile.multiplier(widthA: 18, widthB: 18).delayNs - 5.4) < 1e-9)
        #expect(profile.multiplier(widthA: 9, widthB: 8).delayNs == 3.4)
        let plain = try DeviceProfileLoader.load(name: "xcvu9p-2", searchPaths: [TestSupport.profiles])
        #expect(plain.dspMultiplyNsPerBit == nil && plain.multiplier(widthA: 18, widthB: 18).delayNs == plain.dspMultiplyNs)
        let folder = try TestSupport.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = DeviceProfileLoader.yaml(profile)
        #expect(profile.singleSharedMultiplierCycles == 5 && plain.singleSharedMultiplierCycles == nil)
        #expect(try DeviceProfileLoader.load(name: "xc7z007s-2-fabric", searchPaths: [TestSupport.profiles]).singleSharedMultiplierCycles == nil)
        #expect(profile.dspOutputNs == 2.0 && plain.dspOutputNs == nil)
        #expect(profile.blockRAMReadNs == 2.32 && plain.blockRAMReadNs == nil)
        let written = [("dspMultiplyNsPerBit", "0.2"), ("dspMultiplyBaseWidth", "8"), ("singleSharedMultiplierCycles", "5"),
                       ("dspOutputNs", "2.0"), ("blockRAMReadNs", "2.32")]
        for ((field, good), bad) in zip(written, ["-0.1", "0", "0", "-1", "-0.5"]) {
            #expect(text.contains("\(field): \(good)\n"))
            let broken = text.replacingOccurrences(of: "\(field): \(good)", with: "\(field): \(bad)")
            try broken.write(to: folder.appendingPathComponent("broken.yml"), atomically: true, encoding: .utf8)
            #expect(throws: DesignError.self) { try DeviceProfileLoader.load(name: "broken", searchPaths: [folder]) }
            do { _ = try DeviceProfileLoader.load(name: "broken", searchPaths: [folder]) } catch {
                #expect(String(describing: error).contains("field '\(field)'"), "\(error)")
            }
        }
    }

    @Test func missingProfileListsTheSearchedFolders() {
        #expect {
            try DeviceProfileLoader.load(name: "nothing", searchPaths: [TestSupport.profiles])
        } throws: { error in
            guard case let .unknownDeviceProfile("nothing", searched, nil)? = error as? DesignError else { return false }
            return searched == [TestSupport.profiles.path]
                && (error as? DesignError)?.description.contains("nothing.yml") == true
        }
    }
}
