import Foundation
import Testing

/// File-system failures are said in words, with the path: never "NSCocoaErrorDomain Code=…".
struct FileErrorTests {
    static func expectPlainError(_ outcome: CommandLineErrorTests.Outcome, _ words: [String]) {
        #expect(outcome.status == 1, "\(outcome.output)")
        #expect(outcome.reason == .exit)
        #expect(!outcome.output.contains("NSCocoaErrorDomain") && !outcome.output.contains("Code=") && !outcome.output.contains("H5F"),
                "\(outcome.output)")
        for word in words { #expect(outcome.output.contains(word), "'\(word)' missing in: \(outcome.output)") }
        #expect(outcome.output.split(separator: "\n").filter { $0.hasPrefix("Error") }.count == 1)
    }

    @Test func folderPassedAsADesign() throws {
        let folder = try CommandLineErrorTests.scratch("tiny.yml", CommandLineErrorTests.good).deletingLastPathComponent()
        Self.expectPlainError(try CommandLineErrorTests.run(["simulate", folder.path]), [folder.path, "is a folder, not a design file"])
    }

    @Test func missingDesign() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("pipewright-\(UUID().uuidString)/none.yml")
        Self.expectPlainError(try CommandLineErrorTests.run(["simulate", missing.path]), [missing.path, "no such file or folder"])
    }

    /// A file where a folder must be: the output folder cannot be created (even for root, unlike a read-only folder).
    @Test(arguments: ["--csv", "--json", "--outputs"])
    func outputUnderAFileInsteadOfAFolder(_ option: String) throws {
        let design = try CommandLineErrorTests.scratch("tiny.yml", CommandLineErrorTests.good)
        let blocker = design.deletingLastPathComponent().appendingPathComponent("blocker")
        try Data("x".utf8).write(to: blocker)
        let target = blocker.appendingPathComponent("sub/report.out").path
        let outcome = try CommandLineErrorTests.run(["simulate", design.path, "--count", "2", option, target])
        Self.expectPlainError(outcome, [target, "\(blocker.path) is a file, not a folder"])
        let left = try FileManager.default.contentsOfDirectory(atPath: design.deletingLastPathComponent().path)
        #expect(left.sorted() == ["blocker", "tiny.yml"], "no partial output file")
    }

    @Test func outputThatIsAFolder() throws {
        let design = try CommandLineErrorTests.scratch("tiny.yml", CommandLineErrorTests.good)
        let folder = design.deletingLastPathComponent().path
        Self.expectPlainError(try CommandLineErrorTests.run(["simulate", design.path, "--count", "2", "--csv", folder]),
                              [folder, "is a folder"])
    }
}
