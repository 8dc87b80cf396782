// Module RTL: turns a scheduled network into synthesizable Verilog-2005 (schedule → Verilog syntax model →
// text), writes GTKWave save files, and builds and runs a Verilator C++ harness to produce transfer cycles
// and raw outputs. Owns no scheduling decisions (it follows `DesignSchedule` exactly) and no fixed-point
// semantics of its own (it reproduces `CompiledLayer.evaluate` bit for bit). Must not touch other modules.
