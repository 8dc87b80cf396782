import HLSReports
import Testing

/// HLS names each call's functional unit in program order (`grp_…_fu_92`); `compare` aligns instances by it.
struct HLSInstanceOrderTests {
    @Test func callOrderIsTheFunctionalUnitNumber() {
        let latency = CycleRange(min: 0, max: 0)
        let normalize = HLSInstance(instance: "grp_normalize_ap_fixed_16_4_5_3_0_ap_fixed_16_4_5_3_0_config11_s_fu_92",
                                    module: "normalize_ap_fixed_16_4_5_3_0_ap_fixed_16_4_5_3_0_config11_s", latency: latency)
        #expect(normalize.callOrder == 92)
        #expect(normalize.layer?.index == 11 && normalize.layer?.kind == "BatchNormalization")
        #expect(HLSInstance(instance: "call_ret_relu_fu_68", module: "relu_config4", latency: latency).callOrder == 68)
        // A dataflow process (`…_U0`) or a name without a number has none: compare falls back to the config index.
        #expect(HLSInstance(instance: "dense_resource_config2_U0", module: "dense_resource_config2", latency: latency).callOrder == nil)
        #expect(HLSInstance(instance: "grp_relu_fu_", module: "relu_config4", latency: latency).callOrder == nil)
    }
}
