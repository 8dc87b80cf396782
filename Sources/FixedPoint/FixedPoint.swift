// Module FixedPoint: bit-exact `ap_fixed` / `ap_ufixed` / `ap_int` / `ap_uint` semantics.
// Owns precisions, quantization and overflow modes, parsing hls4ml precision strings, and the
// exact cast of a wide value into a precision. Must not know about layers, schedules or files.
