import Foundation
import Testing

/// Issue #10: `simulate --count 10000000 --timing-only` kept about 1.1 KB per event and aborted. The cycle
/// simulation now covers the first 4,096 events and --outputs streams the rest, so memory does not grow with
/// the event count.
struct EventCountTests {
    @Test func tenMillionEventsRunInBoundedMemory() throws {
        let outcome = try CommandLineErrorTests.run(["simulate", "Designs/flow_vt.yml", "--timing-only", "--count", "10000000"])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("simulated 4096 inferences"))
        #expect(outcome.output.contains("covers the first 4096 of the 10000000 events"))
    }
}
