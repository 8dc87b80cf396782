import Foundation
import Testing
@testable import HDF5

/// A child process started while an HDF5 file is open must not keep the file locked after it is closed:
/// libhdf5 takes a lock (flock) on every file it opens and opens without close-on-exec, so before the fix the
/// child inherited the descriptor and the next open of the file failed with "Resource temporarily unavailable"
/// for as long as the child lived (seen in CI, where tests start long-running children in parallel).
struct HDF5ChildProcessTests {
    @Test func fileClosedWhileAChildRunsCanBeOpenedAgain() throws {
        let url = try Fixtures.temporaryFile("locked.h5")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        var writer: HDF5File? = try HDF5File.create(url)
        try writer?.writeDoubles("/x", shape: [2], values: [1, 2])
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["5"]
        try child.run()
        defer { child.terminate(); child.waitUntilExit() }
        try writer?.close()
        writer = nil
        #expect(child.isRunning)
        let reader = try HDF5File.open(url)
        #expect(try reader.readDoubles("/x").values == [1, 2])
    }
}
