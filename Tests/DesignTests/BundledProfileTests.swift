import Foundation
import Testing
@testable import Design

/// The profiles shipped with the executable are the repository's Profiles/, and every folder finds them.
@Suite struct BundledProfileTests {
    static func ymlFiles(in folder: URL) throws -> [String: Data] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yml") }
        return try Dictionary(uniqueKeysWithValues: names.map { ($0, try Data(contentsOf: folder.appendingPathComponent($0))) })
    }

    @Test func packagedCopiesEqualTheRepositoryProfiles() throws {
        let source = try Self.ymlFiles(in: TestSupport.profiles)
        let copies = try Self.ymlFiles(in: TestSupport.repository.appendingPathComponent("Sources/Design/Profiles"))
        #expect(!source.isEmpty)
        #expect(copies.keys.sorted() == source.keys.sorted(),
                "Sources/Design/Profiles must hold a copy of every Profiles/*.yml: cp Profiles/*.yml Sources/Design/Profiles/")
        for (name, data) in source { #expect(copies[name] == data, "Sources/Design/Profiles/\(name) differs from Profiles/\(name)") }
    }

    @Test func bundledProfilesAreFoundBesideTheBinary() throws {
        let bundled = try #require(DeviceProfileLoader.bundledProfiles)
        #expect(try Self.ymlFiles(in: bundled) == Self.ymlFiles(in: TestSupport.profiles))
    }

    @Test func searchOrderIsOptionThenEnvironmentThenDesignThenCurrentThenBundled() throws {
        let design = URL(fileURLWithPath: "/data/project/designs/net.yml")
        let paths = DeviceProfileLoader.searchPaths(explicit: [URL(fileURLWithPath: "/opt/a")], designFile: design,
                                                    environment: ["PIPEWRIGHT_PROFILES": "/env/one:/env/two"])
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Profiles").standardizedFileURL.path
        #expect(paths.map(\.standardizedFileURL.path) == [
            "/opt/a", "/env/one", "/env/two", "/data/project/Profiles", cwd, try #require(DeviceProfileLoader.bundledProfiles).path,
        ])
    }

    @Test func missingProfileSaysWhereItLookedAndHowToFixIt() throws {
        let error = try #require(try TestSupport.error(TestSupport.small.replacingOccurrences(of: "device: xcvu9p-2", with: "device: no-such-board")))
        let text = "\(error)"
        #expect(text.contains("no-such-board.yml"))
        #expect(text.contains("Pipewright_Design"), "the bundled folder is listed among the searched ones: \(text)")
        #expect(text.contains("--profiles") && text.contains("PIPEWRIGHT_PROFILES"))
    }
}
