import Foundation
import Testing

/// `sweep --io-type`: every point in the IOType given instead of the design's.
struct StreamSweepTests {
    /// cnn_vae_encoder's io_parallel form loops its first convolution over 18 partitions (II 18 at RF 1). Streaming,
    /// its 20 × 3 input image enters one pixel per cycle at best, so no point can have an II below 60 × RF, and the
    /// sweep's io_stream point is the one `simulate --io-type io_stream` measures.
    @Test func ioTypeOverridesTheDesign() throws {
        let base = ["sweep", "Designs/cnn_vae_encoder.yml", "--reuse-factors", "1", "2", "--clock-periods", "5"]
        let parallel = try CommandLineErrorTests.run(base)
        #expect(parallel.status == 0, "\(parallel.output)")
        let stream = try CommandLineErrorTests.run(base + ["--io-type", "io_stream"])
        #expect(stream.status == 0, "\(stream.output)")
        func rows(_ text: String) -> [[String]] {
            text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.filter { $0.count >= 7 && ($0[0] == "1" || $0[0] == "2") }
        }
        // Columns: RF, clock, latency, latency ns, II, II ns, mult, DSP.
        #expect(rows(parallel.output).map { $0[4] } == ["18", "36"], "\(parallel.output)")
        let streamed = rows(stream.output)
        #expect(streamed.count == 2 && streamed.allSatisfy { Int($0[4])! >= 60 * Int($0[0])! }, "\(stream.output)")
        let simulated = try CommandLineErrorTests.run(["simulate", "Designs/cnn_vae_encoder.yml", "--io-type", "io_stream", "--timing-only"])
        #expect(simulated.output.contains("latency \(streamed[0][2]) cycles") && simulated.output.contains("II \(streamed[0][4]) cycles"),
                "\(simulated.output)")
        let wrong = try CommandLineErrorTests.run(base + ["--io-type", "io_serial"])
        #expect(wrong.status == 64 && wrong.output.contains("--io-type must be io_parallel or io_stream, got io_serial"))
    }
}
