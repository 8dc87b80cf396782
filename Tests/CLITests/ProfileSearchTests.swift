import Foundation
import Testing

/// A design simulates from any folder: the default device profile is shipped with the executable.
struct ProfileSearchTests {
    /// A fresh folder with the tiny design and nothing else (no Profiles/ beside or above it).
    static func bareFolder(device: String? = nil) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-bare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let text = (device.map { "device: \($0)\n" } ?? "") + CommandLineErrorTests.good
        try text.write(to: folder.appendingPathComponent("tiny.yml"), atomically: true, encoding: .utf8)
        return folder
    }

    /// The environment of the tests with PIPEWRIGHT_PROFILES set to `profilesVariable`, or removed when it is nil.
    static func run(_ arguments: [String], in folder: URL, profilesVariable: String? = nil) throws -> CommandLineErrorTests.Outcome {
        try CommandLineErrorTests.run(arguments, in: folder, environment: ["PIPEWRIGHT_PROFILES": profilesVariable])
    }

    @Test func simulateWorksInAFolderWithoutProfiles() throws {
        let folder = try Self.bareFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try Self.run(["simulate", "tiny.yml", "--count", "3"], in: folder)
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("simulated 3 inferences"))
    }

    @Test func profilesOptionAndVariableAreSearched() throws {
        let folder = try Self.bareFolder(device: "my-board")
        defer { try? FileManager.default.removeItem(at: folder) }
        let custom = folder.appendingPathComponent("boards")
        try FileManager.default.createDirectory(at: custom, withIntermediateDirectories: true)
        let original = try String(contentsOf: CommandLineErrorTests.root.appendingPathComponent("Profiles/xcvu9p-2.yml"), encoding: .utf8)
        try original.replacingOccurrences(of: "name: xcvu9p-2", with: "name: my-board")
            .write(to: custom.appendingPathComponent("my-board.yml"), atomically: true, encoding: .utf8)

        let missing = try Self.run(["simulate", "tiny.yml"], in: folder)
        #expect(missing.status == 1)
        #expect(missing.output.contains("my-board.yml") && missing.output.contains("--profiles") && missing.output.contains("PIPEWRIGHT_PROFILES"),
                "\(missing.output)")

        let option = try Self.run(["simulate", "tiny.yml", "--profiles", "boards", "--count", "2"], in: folder)
        #expect(option.status == 0, "\(option.output)")
        let variable = try Self.run(["simulate", "tiny.yml", "--count", "2"], in: folder, profilesVariable: custom.path)
        #expect(variable.status == 0, "\(variable.output)")
    }
}
