// Module Design: reads YAML design files and device profiles and turns them into a `Network` (NetworkIR)
// and `ScheduleOptions` (Scheduling). Owns the file format (docs/design-format.md), hls4ml's `auto`
// precision rules and the deterministic random weights. It must not schedule, simulate or evaluate:
// it only builds and validates the inputs of those stages. File I/O stays here, at the edge.
