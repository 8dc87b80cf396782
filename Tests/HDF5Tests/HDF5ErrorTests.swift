// Failures become HDF5Error cases that name the file and object, and libhdf5 prints nothing.

import Foundation
import HDF5
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` with file descriptor 2 redirected to a temporary file and returns what was written.
/// Other tests running in parallel may write there too, so callers look for HDF5's own marker.
private func capturingStandardError(_ body: () throws -> Void) throws -> String {
    let url = try Fixtures.temporaryFile("stderr.txt")
    defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
    #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
    fflush(nil)
    let saved = dup(2)
    let capture = open(url.path, O_WRONLY | O_TRUNC)
    #expect(saved >= 0 && capture >= 0)
    dup2(capture, 2)
    close(capture)
    do {
        try body()
    } catch {
        fflush(nil)
        dup2(saved, 2)
        close(saved)
        throw error
    }
    fflush(nil)
    dup2(saved, 2)
    close(saved)
    return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
}

/// The error thrown by `body`, or nil (with a recorded issue) when it did not throw.
private func thrownError(_ body: () throws(HDF5Error) -> Void) -> HDF5Error? {
    do {
        try body()
        Issue.record("expected an HDF5Error")
        return nil
    } catch {
        return error
    }
}

@Suite("Errors")
struct HDF5ErrorTests {
    @Test("a missing file cannot be opened")
    func missingFile() throws {
        let url = Fixtures.url("keras/does_not_exist.h5")
        let failure = thrownError { () throws(HDF5Error) in _ = try HDF5File.open(url) }
        guard case .cannotOpen(let file, let reason)? = failure else {
            Issue.record("unexpected \(String(describing: failure))")
            return
        }
        #expect(file == url.path)
        #expect(!reason.isEmpty)
        #expect(failure?.description.contains(url.path) == true)
    }

    @Test("a truncated copy and a text file renamed .h5 cannot be opened, and HDF5 prints nothing")
    func damagedFiles() throws {
        let truncated = try Fixtures.temporaryFile("truncated.h5")
        let text = try Fixtures.temporaryFile("notes.h5")
        defer {
            try? FileManager.default.removeItem(at: truncated.deletingLastPathComponent())
            try? FileManager.default.removeItem(at: text.deletingLastPathComponent())
        }
        let original = try Data(contentsOf: Fixtures.encoderKeras3)
        try original.prefix(2000).write(to: truncated)
        try Data("This is not an HDF5 file.\n".utf8).write(to: text)

        var failures: [HDF5Error?] = []
        let printed = try capturingStandardError {
            failures.append(thrownError { () throws(HDF5Error) in _ = try HDF5File.open(truncated) })
            failures.append(thrownError { () throws(HDF5Error) in _ = try HDF5File.open(text) })
        }
        #expect(!printed.contains("HDF5-DIAG"), "libhdf5 printed: \(printed)")
        for (failure, url) in zip(failures, [truncated, text]) {
            guard case .cannotOpen(let file, let reason)? = failure else {
                Issue.record("unexpected \(String(describing: failure)) for \(url.lastPathComponent)")
                continue
            }
            #expect(file == url.path)
            #expect(!reason.isEmpty)
            #expect(failure?.description.contains(url.path) == true)
        }
    }

    @Test("missing objects, groups read as datasets and wrong attribute types name file and object")
    func objectErrors() throws {
        let file = try HDF5File.open(Fixtures.encoderKeras3)
        let path = Fixtures.encoderKeras3.path
        var failures: [HDF5Error?] = []
        let printed = try capturingStandardError {
            failures.append(thrownError { () throws(HDF5Error) in _ = try file.readDoubles("/model_weights/dense1/no_such_weight") })
            failures.append(thrownError { () throws(HDF5Error) in _ = try file.readFloats("/model_weights") })
            failures.append(thrownError { () throws(HDF5Error) in _ = try file.stringAttribute("no_such_attribute") })
            failures.append(thrownError { () throws(HDF5Error) in _ = try file.numericAttribute("model_config", of: "/") })
            failures.append(thrownError { () throws(HDF5Error) in _ = try file.children(of: "/missing/group") })
            failures.append(thrownError { () throws(HDF5Error) in _ = try file.shape(ofDataset: "/nothing/here") })
            failures.append(thrownError { () throws(HDF5Error) in _ = try file.stringArrayAttributeChunked("layer_names", of: "/") })
        }
        #expect(!printed.contains("HDF5-DIAG"), "libhdf5 printed: \(printed)")

        let expected: [HDF5Error] = [
            .notFound(file: path, object: "/model_weights/dense1/no_such_weight"),
            .wrongType(file: path, object: "/model_weights", expected: "a dataset", found: "a group"),
            .notFound(file: path, object: "/@no_such_attribute"),
            .wrongType(file: path, object: "/@model_config", expected: "a numeric attribute", found: "string"),
            .notFound(file: path, object: "/missing/group"),
            .notFound(file: path, object: "/nothing/here"),
            .notFound(file: path, object: "/@layer_names"),
        ]
        #expect(failures == expected.map { Optional($0) })
        #expect(failures[0]?.description
            == "\(path): object '/model_weights/dense1/no_such_weight' not found")
        for failure in failures.compactMap({ $0 }) {
            #expect(failure.description.contains(path))
        }
        #expect(failures[1]?.description.contains("'/model_weights'") == true)
    }

    @Test("a dataset is not a group")
    func datasetAsGroup() throws {
        let file = try HDF5File.open(Fixtures.encoderVectors)
        let failure = thrownError { () throws(HDF5Error) in _ = try file.children(of: "/x") }
        #expect(failure == .wrongType(file: Fixtures.encoderVectors.path, object: "/x", expected: "a group", found: "a dataset"))
    }
}
