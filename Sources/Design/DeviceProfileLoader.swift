import Foundation
import Support
import Scheduling
import Yams

/// Finds and reads device profiles (`Profiles/<name>.yml`), the operator delays the scheduler packs into
/// clock stages. The YAML keys are the property names of `DeviceProfile`.
public enum DeviceProfileLoader {
    /// The profile a design gets when it names no `device:`.
    public static let defaultProfileName = "xcvu9p-2"

    /// The environment variable naming extra profile folders (separated by `:`).
    public static let environmentVariable = "PIPEWRIGHT_PROFILES"

    /// The folders searched for `<name>.yml`, in order: `explicit` (`--profiles`), then the folders in
    /// `PIPEWRIGHT_PROFILES`, then `<design dir>/../Profiles`, then `<current directory>/Profiles`, then the
    /// profiles bundled with Pipewright. Duplicates are dropped.
    public static func searchPaths(explicit: [URL], designFile: URL?,
                                   environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        var paths = explicit
        if let variable = environment[environmentVariable] {
            paths += variable.split(separator: ":").map { URL(fileURLWithPath: String($0)) }
        }
        if let designFile {
            paths.append(designFile.deletingLastPathComponent().appendingPathComponent("../Profiles").standardizedFileURL)
        }
        paths.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Profiles"))
        if let bundled = bundledProfiles { paths.append(bundled) }
        var seen = Set<String>()
        return paths.filter { seen.insert($0.standardizedFileURL.path).inserted }
    }

    /// The folder of the profiles shipped with Pipewright (the resource bundle beside the executable), or nil
    /// when it cannot be found. Found by hand: `Bundle.module` traps when the bundle has been moved.
    public static let bundledProfiles: URL? = {
        var folders: [URL] = []
        if let executable = Bundle.main.executableURL {
            folders.append(executable.deletingLastPathComponent())
            folders.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        folders.append(Bundle.main.bundleURL)
        folders.append(URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent())
        for folder in folders {
            for bundle in ["Pipewright_Design.resources", "Pipewright_Design.bundle", "Pipewright_Design.bundle/Contents/Resources"] {
                let candidate = folder.appendingPathComponent(bundle).appendingPathComponent("Profiles")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(defaultProfileName + ".yml").path) {
                    return candidate.standardizedFileURL
                }
            }
        }
        return nil
    }()

    /// Loads `<name>.yml` from the first of `searchPaths` that has it. `requestedBy` (the design's `device:`
    /// field) is quoted in the error when none has it.
    public static func load(name: String, searchPaths: [URL],
                            requestedBy: DesignLocation? = nil) throws(DesignError) -> DeviceProfile {
        try load(from: locate(name: name, searchPaths: searchPaths, requestedBy: requestedBy))
    }

    /// The file `<name>.yml` in the first of `searchPaths` that has it.
    public static func locate(name: String, searchPaths: [URL],
                              requestedBy: DesignLocation? = nil) throws(DesignError) -> URL {
        let fileName = name.hasSuffix(".yml") || name.hasSuffix(".yaml") ? name : name + ".yml"
        // A name is a file name, never a path: `device: ../../etc/x` must not escape the search folders.
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw .unknownDeviceProfile(name: name, searched: searchPaths.map(\.path), requestedBy: requestedBy)
        }
        for folder in searchPaths {
            let candidate = folder.appendingPathComponent(fileName)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
        }
        throw .unknownDeviceProfile(name: name, searched: searchPaths.map(\.path), requestedBy: requestedBy)
    }

    /// Reads one profile file.
    public static func load(from url: URL) throws(DesignError) -> DeviceProfile {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadableFile(path: url.path, reason: FileProblem.describe(error, path: url.path))
        }
        let profile: DeviceProfile
        do {
            profile = try YAMLDecoder().decode(DeviceProfile.self, from: text)
        } catch let error as DecodingError {
            throw .invalidDeviceProfile(path: url.path, reason: describe(error))
        } catch {
            throw .invalidDeviceProfile(path: url.path, reason: "\(error)")
        }
        try check(profile, path: url.path)
        return profile
    }

    /// The profile as a YAML file that `load(from:)` reads back, laid out as `Profiles/*.yml` (the source as a
    /// folded block, one key per line, numbers as written).
    public static func yaml(_ profile: DeviceProfile) -> String {
        var words = profile.source.split(whereSeparator: \.isWhitespace).map(String.init)
        var lines: [String] = []
        while !words.isEmpty {
            var line = words.removeFirst()
            while let next = words.first, line.count + 1 + next.count <= 110 { line += " " + words.removeFirst() }
            lines.append("  " + line)
        }
        let name = profile.name.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) } ? profile.name : "\"\(profile.name)\""
        var text = "name: \(name)\nsource: >-\n" + lines.joined(separator: "\n") + "\n"
        text += "dspInputWidths: [" + profile.dspInputWidths.map(String.init).joined(separator: ", ") + "]\n"
        text += "lutMultiplierMaxNarrowWidth: \(profile.lutMultiplierMaxNarrowWidth)\n"
        for delay in DeviceProfile.delays { text += "\(delay.name): \(profile[keyPath: delay.path])\n" }
        if let perBit = profile.dspMultiplyNsPerBit { text += "dspMultiplyNsPerBit: \(perBit)\n" }
        if let base = profile.dspMultiplyBaseWidth { text += "dspMultiplyBaseWidth: \(base)\n" }
        if let cycles = profile.singleSharedMultiplierCycles { text += "singleSharedMultiplierCycles: \(cycles)\n" }
        if let output = profile.dspOutputNs { text += "dspOutputNs: \(output)\n" }
        if let read = profile.blockRAMReadNs { text += "blockRAMReadNs: \(read)\n" }
        if let maximum = profile.maximumClockMHz { text += "maximumClockMHz: \(maximum)\n" }
        return text
    }

    private static func check(_ profile: DeviceProfile, path: String) throws(DesignError) {
        for delay in DeviceProfile.delays {
            let value = profile[keyPath: delay.path]
            guard value.isFinite && value >= 0 else {
                throw .invalidDeviceProfile(path: path, reason: "field '\(delay.name)' must be a delay ≥ 0 ns, got \(value)")
            }
        }
        guard !profile.dspInputWidths.isEmpty, profile.dspInputWidths.allSatisfy({ $0 > 0 }) else {
            throw .invalidDeviceProfile(path: path, reason: "field 'dspInputWidths' must list positive operand widths")
        }
        if let perBit = profile.dspMultiplyNsPerBit, !(perBit.isFinite && perBit >= 0) {
            throw .invalidDeviceProfile(path: path, reason: "field 'dspMultiplyNsPerBit' must be a delay ≥ 0 ns, got \(perBit)")
        }
        if let base = profile.dspMultiplyBaseWidth, base < 1 {
            throw .invalidDeviceProfile(path: path, reason: "field 'dspMultiplyBaseWidth' must be a positive width in bits, got \(base)")
        }
        if let cycles = profile.singleSharedMultiplierCycles, cycles < 1 {
            throw .invalidDeviceProfile(path: path, reason: "field 'singleSharedMultiplierCycles' must be a positive number of cycles, got \(cycles)")
        }
        if let output = profile.dspOutputNs, !(output.isFinite && output >= 0) {
            throw .invalidDeviceProfile(path: path, reason: "field 'dspOutputNs' must be a delay ≥ 0 ns, got \(output)")
        }
        if let read = profile.blockRAMReadNs, !(read.isFinite && read >= 0) {
            throw .invalidDeviceProfile(path: path, reason: "field 'blockRAMReadNs' must be a delay ≥ 0 ns, got \(read)")
        }
        if let maximum = profile.maximumClockMHz, !(maximum.isFinite && maximum > 0) {
            throw .invalidDeviceProfile(path: path, reason: "field 'maximumClockMHz' must be a positive frequency in MHz, got \(maximum)")
        }
        guard profile.lutMultiplierMaxNarrowWidth >= 0 else {
            throw .invalidDeviceProfile(path: path, reason: "field 'lutMultiplierMaxNarrowWidth' must be ≥ 0")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, _):
            return "field '\(key.stringValue)' is missing"
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            return "field '\(path(context))' must be a \(type): \(context.debugDescription)"
        case let .dataCorrupted(context):
            return path(context).isEmpty ? context.debugDescription
                : "field '\(path(context))': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
