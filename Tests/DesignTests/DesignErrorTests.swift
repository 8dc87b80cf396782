import FixedPoint
import Foundation
import NetworkIR
import Testing
@testable import Design

/// Every kind of bad input ends in the right `DesignError`, whose message names the file, the layer and
/// the field (and the line where YAML gives one).
@Suite struct DesignErrorTests {
    /// The small design with one substitution, which must apply.
    func variant(_ original: String, _ replacement: String) -> String {
        precondition(TestSupport.small.contains(original), "test variant does not apply: \(original)")
        return TestSupport.small.replacingOccurrences(of: original, with: replacement)
    }

    func expectMessage(_ error: DesignError?, contains parts: [String],
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let text = error.map(\.description) ?? "no error"
        for part in parts {
            #expect(text.contains(part), "message '\(text)' lacks '\(part)'", sourceLocation: sourceLocation)
        }
    }

    @Test func unreadableFile() {
        let url = URL(fileURLWithPath: "/nonexistent/pipewright/missing.yml")
        #expect {
            try DesignLoader.load(url)
        } throws: { error in
            guard case .unreadableFile(let path, _) = error as? DesignError else { return false }
            return path.contains("missing.yml") && (error as? DesignError)?.description.contains("missing.yml") == true
        }
    }

    @Test func malformedYAMLNamesLineAndColumn() throws {
        let error = try TestSupport.error("name: x\ninput: { size: 4\nlayers: [\n")
        guard case let .malformedYAML(location, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(location.line != nil)
        #expect(location.column != nil)
        expectMessage(error, contains: ["design.yml:", "malformed YAML"])
    }

    @Test func duplicateKeysAreMalformed() throws {
        let error = try TestSupport.error(variant("name: small_net\n", "name: small_net\nname: again\n"))
        guard case .malformedYAML? = error else { Issue.record("got \(String(describing: error))"); return }
        expectMessage(error, contains: ["design.yml", "name"])
    }

    @Test func emptyFileIsMalformed() throws {
        guard case .malformedYAML? = try TestSupport.error("# nothing\n") else { Issue.record("expected malformedYAML"); return }
    }

    @Test func missingFieldNamesLayerAndField() throws {
        let error = try TestSupport.error(variant("    units: 3\n", ""))
        guard case let .missingField(location)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(location.layer == "fc1")
        #expect(location.field == "units")
        #expect(location.line == 12)   // the layer's mapping starts at "- name: fc1"
        expectMessage(error, contains: ["design.yml:12", "layer 'fc1'", "field 'units'", "missing"])
    }

    @Test func missingNameUsesTheLayerIndex() throws {
        let error = try TestSupport.error(variant("  - name: score\n    class: SquaredNorm", "  - class: SquaredNorm"))
        guard case let .missingField(location)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(location.layer == "#3")
        expectMessage(error, contains: ["layer #3", "field 'name'"])
    }

    @Test func missingTopLevelField() throws {
        let error = try TestSupport.error(variant("input: { size: 4, precision: \"ap_fixed<10,4>\" }\n", ""))
        guard case let .missingField(location)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(location.field == "input")
    }

    @Test func unknownLayerClassListsTheKnownOnes() throws {
        let error = try TestSupport.error(variant("class: SquaredNorm", "class: Conv3D"))
        guard case let .unknownLayerClass(location, className, known)? = error else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(className == "Conv3D")
        #expect(known.contains("Dense") && known.contains("LeakyReLU"))
        #expect(location.layer == "score")
        expectMessage(error, contains: ["design.yml:23", "layer 'score'", "field 'class'", "Conv3D", "BatchNormalization"])
    }

    @Test func unknownFieldIsATypo() throws {
        let error = try TestSupport.error(variant("    units: 2\n", "    units: 2\n    unit: 3\n"))
        guard case let .unknownField(location, known)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(location.layer == "fc2")
        #expect(location.field == "unit")
        #expect(known.contains("units"))
    }

    @Test func badPrecisionStringWrapsPrecisionError() throws {
        let error = try TestSupport.error(variant("fc2: { ReuseFactor: 2, Strategy: Resource }",
                                                  "fc2: { Precision: { weight: \"ap_fixed<12>\" } }"))
        guard case let .invalidPrecision(location, precisionError)? = error else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(precisionError == .malformed(text: "ap_fixed<12>", reason: "fixed takes 2 to 5 arguments <W,I[,Q[,O[,N]]]>"))
        #expect(location.layer == "fc2")
        #expect(location.field == "config.LayerName.fc2.Precision.weight")
        expectMessage(error, contains: ["design.yml:10", "layer 'fc2'", "Precision.weight", "ap_fixed<12>"])
    }

    @Test func precisionKeyThatTheClassDoesNotHave() throws {
        let error = try TestSupport.error(variant("fc2: { ReuseFactor: 2, Strategy: Resource }",
                                                  "score: { Precision: { weight: \"ap_fixed<12,4>\" } }"))
        guard case let .unknownField(location, known)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(location.field == "config.LayerName.score.Precision.weight")
        #expect(known == ["default", "result", "accum"])
    }

    @Test func inlineKernelWithTheWrongShape() throws {
        let error = try TestSupport.error(variant("[10, 11, 12]]", "[10, 11]]"))
        guard case let .shapeMismatch(location, expected, found)? = error else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect((expected, found) == (3, 2))
        #expect(location.layer == "fc1")
        #expect(location.field == "kernel[3]")
        expectMessage(error, contains: ["layer 'fc1'", "kernel[3]", "expected 3", "found 2"])
    }

    @Test func inlineKernelWithTooFewRows() throws {
        let error = try TestSupport.error(variant(", [10, 11, 12]]", "]"))
        guard case .shapeMismatch(_, 4, 3)? = error else { Issue.record("got \(String(describing: error))"); return }
    }

    @Test func fileWeightsWithTheWrongCount() throws {
        let error = try TestSupport.error(variant("kernel: {random: {seed: 7, scale: 0.5}}", "kernel: {file: k.txt}"),
                                          files: ["k.txt": "1 2 3 4 5"])
        guard case let .shapeMismatch(location, 6, 5)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(location.layer == "fc2")
        #expect(location.field == "kernel.file")
        expectMessage(error, contains: ["design.yml:21", "layer 'fc2'", "kernel"])
    }

    @Test func missingOrBadWeightFile() throws {
        let missing = try TestSupport.error(variant("kernel: {random: {seed: 7, scale: 0.5}}", "kernel: {file: nope.txt}"))
        guard case .unreadableParameterFile? = missing else { Issue.record("got \(String(describing: missing))"); return }
        expectMessage(missing, contains: ["layer 'fc2'", "nope.txt"])
        let garbage = try TestSupport.error(variant("kernel: {random: {seed: 7, scale: 0.5}}", "kernel: {file: k.txt}"),
                                            files: ["k.txt": "1 2 3\n4 five 6\n"])
        guard case let .unreadableParameterFile(_, _, reason)? = garbage else {
            Issue.record("got \(String(describing: garbage))"); return
        }
        #expect(reason.contains("line 2") && reason.contains("five"))
    }

    @Test func explicitInputSizeThatDoesNotMatch() throws {
        let error = try TestSupport.error(variant("  - name: fc2\n", "  - name: fc2\n    input_size: 4\n"))
        guard case let .shapeMismatch(location, 3, 4)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(location.layer == "fc2")
        #expect(location.field == "input_size")
    }

    @Test(arguments: ["0", "-2", "1.5", "two"])
    func invalidReuseFactor(_ value: String) throws {
        let error = try TestSupport.error(variant("ReuseFactor: 2,", "ReuseFactor: \(value),"))
        guard case let .invalidReuseFactor(location, found)? = error else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(found == value)
        #expect(location.field == "config.LayerName.fc2.ReuseFactor")
        expectMessage(error, contains: ["design.yml:10", "fc2", "ReuseFactor", "positive integer"])
    }

    @Test func invalidModelReuseFactor() throws {
        let error = try TestSupport.error(variant("    ReuseFactor: 1\n", "    ReuseFactor: 0\n"))
        guard case let .invalidReuseFactor(location, "0")? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(location.field == "config.Model.ReuseFactor")
    }

    @Test func unknownDeviceProfile() throws {
        let error = try TestSupport.error(variant("device: xcvu9p-2", "device: xc7k325t-9"))
        guard case let .unknownDeviceProfile(name, searched, requestedBy)? = error else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(name == "xc7k325t-9")
        #expect(searched.first == TestSupport.profiles.path)
        #expect(requestedBy?.field == "device")
        expectMessage(error, contains: ["design.yml:2", "xc7k325t-9", "Profiles"])
    }

    @Test func deviceNameCannotBeAPath() throws {
        guard case .unknownDeviceProfile? = try TestSupport.error(variant("device: xcvu9p-2", "device: ../Profiles/xcvu9p-2"))
        else { Issue.record("expected unknownDeviceProfile"); return }
    }

    @Test func unknownLayerNameEntry() throws {
        let error = try TestSupport.error(variant("fc2: { ReuseFactor", "fc9: { ReuseFactor"))
        guard case let .unknownLayerNameEntry(location, name, known)? = error else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(name == "fc9")
        #expect(known == ["fc1", "fc1_relu", "fc2", "score"])
        expectMessage(error, contains: ["design.yml:10", "fc9", "fc1_relu"])
        _ = location
    }

    @Test func networkValidationErrorPointsAtTheLayer() throws {
        // A saturating Dense accumulator is rejected by Network.validate().
        let error = try TestSupport.error(variant("fc2: { ReuseFactor: 2, Strategy: Resource }",
                                                  "fc2: { Precision: { accum: \"ap_fixed<30,12,AP_TRN,AP_SAT>\" } }"))
        guard case let .invalidNetwork(location, .invalidPrecision(layer, field, _))? = error else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(layer == "fc2" && field == "accum")
        #expect(location.line == 18)
        expectMessage(error, contains: ["design.yml:18", "layer 'fc2'", "accum", "AP_WRAP"])
    }

    @Test func duplicateLayerNames() throws {
        let error = try TestSupport.error(variant("  - name: score\n", "  - name: fc2\n"))
        guard case .invalidNetwork(let location, .duplicateName("fc2"))? = error else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(location.line == 22)   // the second use of the name
    }

    @Test func squaredNormAccumulatorMustWrap() throws {
        let error = try TestSupport.error(variant("fc2: { ReuseFactor: 2, Strategy: Resource }",
                                                  "score: { Precision: { accum: \"ap_fixed<40,20,AP_TRN,AP_SAT>\" } }"))
        guard case let .invalidValue(location, _, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(location.field == "config.LayerName.score.Precision.accum")
    }

    @Test(arguments: [
        ("ClockPeriod: 4", "ClockPeriod: -4", "config.ClockPeriod"),
        ("ClockPeriod: 4", "ClockPeriod: 4\n  ClockUncertainty: 150%", "config.ClockUncertainty"),
        ("ClockPeriod: 4", "ClockPeriod: 4\n  ClockUncertainty: 5", "config.ClockUncertainty"),
        ("ClockPeriod: 4", "ClockPeriod: 4\n  IOType: io_serial", "config.IOType"),
        ("Strategy: Resource", "Strategy: Fastest", "config.LayerName.fc2.Strategy"),
        ("name: small_net", "name: 3small", "name"),
        ("activation: relu", "activation: swish", "activation"),
        ("units: 3", "units: three", "units"),
        ("seed: 7", "seed: -7", "kernel.random.seed"),
    ])
    func invalidValues(_ original: String, _ replacement: String, _ field: String) throws {
        let error = try TestSupport.error(variant(original, replacement))
        guard case let .invalidValue(location, _, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(location.field == field)
        #expect(location.file.hasSuffix("design.yml"))
    }

    @Test func modelDefaultCannotBeAuto() throws {
        let error = try TestSupport.error(variant("default: \"ap_fixed<16,6>\"", "default: auto"))
        guard case let .invalidValue(location, _, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(location.field == "config.Model.Precision.default")
    }
}

/// Absurd sizes and precisions end in an error, not in a crash or a huge allocation.
@Suite struct DesignLimitTests {
    @Test func hugeUnits() throws {
        let yaml = TestSupport.small.replacingOccurrences(of: "units: 2\n", with: "units: 999999999999\n")
        guard case let .invalidValue(location, _, _)? = try TestSupport.error(yaml) else {
            Issue.record("expected invalidValue"); return
        }
        #expect(location.field == "units")
    }

    @Test func hugeKernel() throws {
        let yaml = TestSupport.small.replacingOccurrences(of: "units: 2\n", with: "units: 16000000\n")
        guard case let .invalidValue(location, _, _)? = try TestSupport.error(yaml) else {
            Issue.record("expected invalidValue"); return
        }
        #expect(location.field == "kernel")
    }

    @Test func absurdIntegerBits() throws {
        let yaml = TestSupport.small.replacingOccurrences(of: "ap_fixed<10,4>", with: "ap_fixed<10,4000000000000000000>")
        guard case .invalidPrecision? = try TestSupport.error(yaml) else { Issue.record("expected invalidPrecision"); return }
    }

    /// Int.min integer bits used to trap (`abs` in the design parser); Int.max ones and ±1001 are errors too.
    @Test(arguments: ["-9223372036854775808", "9223372036854775807", "1001", "-1001"])
    func extremeIntegerBitsAreAnErrorWithTheLimit(_ integerBits: String) throws {
        let text = "ap_fixed<10,\(integerBits)>"
        let yaml = TestSupport.small.replacingOccurrences(of: "ap_fixed<10,4>", with: text)
        let error = try TestSupport.error(yaml)
        guard case let .invalidPrecision(_, precisionError)? = error else {
            Issue.record("expected invalidPrecision, got \(String(describing: error))"); return
        }
        #expect(precisionError == .unsupportedIntegerBits(text: text, integerBits: Int(integerBits)!, limit: 1000))
        let message = error?.description ?? ""
        #expect(message.contains("design.yml:") && message.contains(text) && message.contains("-1000...1000"), "\(message)")
    }

    @Test func nonMappingRootAndLayer() throws {
        guard case .invalidValue? = try TestSupport.error("- just\n- a list\n") else { Issue.record("root"); return }
        let yaml = TestSupport.small.replacingOccurrences(of: "  - name: score\n    class: SquaredNorm", with: "  - 42")
        guard case let .invalidValue(location, _, _)? = try TestSupport.error(yaml) else { Issue.record("layer"); return }
        #expect(location.layer == "#3")
    }
}
