// The names a design and its layers may take.

/// The one rule for the names of designs and layers: each becomes a Verilog module or signal name, so it must
/// be a plain identifier, no SystemVerilog keyword, and none of the names the generated top module keeps for
/// its own ports. `Network.validate()` applies it when a design is loaded or imported, so a name `rtl` could not
/// use is refused there, not later; the RTL generator and the Keras import's renaming use the same rule.
public enum HardwareName {
    /// Every keyword of IEEE 1800-2017 SystemVerilog (Annex B), which includes all of Verilog-2005's:
    /// Verilator reads `.v` files as SystemVerilog unless told otherwise (so `logic` or `int` fail there too),
    /// and `pipewright resources` reads them with Yosys `read_verilog -sv`. A superset of the words the
    /// generator itself checks.
    public static let keywords: Set<String> = [
        "accept_on", "alias", "always", "always_comb", "always_ff", "always_latch", "and", "assert", "assign",
        "assume", "automatic", "before", "begin", "bind", "bins", "binsof", "bit", "break", "buf", "bufif0",
        "bufif1", "byte", "case", "casex", "casez", "cell", "chandle", "checker", "class", "clocking", "cmos",
        "config", "const", "constraint", "context", "continue", "cover", "covergroup", "coverpoint", "cross",
        "deassign", "default", "defparam", "design", "disable", "dist", "do", "edge", "else", "end", "endcase",
        "endchecker", "endclass", "endclocking", "endconfig", "endfunction", "endgenerate", "endgroup",
        "endinterface", "endmodule", "endpackage", "endprimitive", "endprogram", "endproperty", "endspecify",
        "endsequence", "endtable", "endtask", "enum", "event", "eventually", "expect", "export", "extends",
        "extern", "final", "first_match", "for", "force", "foreach", "forever", "fork", "forkjoin", "function",
        "generate", "genvar", "global", "highz0", "highz1", "if", "iff", "ifnone", "ignore_bins", "illegal_bins",
        "implements", "implies", "import", "incdir", "include", "initial", "inout", "input", "inside", "instance",
        "int", "integer", "interconnect", "interface", "intersect", "join", "join_any", "join_none", "large",
        "let", "liblist", "library", "local", "localparam", "logic", "longint", "macromodule", "matches",
        "medium", "modport", "module", "nand", "negedge", "nettype", "new", "nexttime", "nmos", "nor",
        "noshowcancelled", "not", "notif0", "notif1", "null", "or", "output", "package", "packed", "parameter",
        "pmos", "posedge", "primitive", "priority", "program", "property", "protected", "pull0", "pull1",
        "pulldown", "pullup", "pulsestyle_ondetect", "pulsestyle_onevent", "pure", "rand", "randc", "randcase",
        "randsequence", "rcmos", "real", "realtime", "ref", "reg", "reject_on", "release", "repeat", "restrict",
        "return", "rnmos", "rpmos", "rtran", "rtranif0", "rtranif1", "s_always", "s_eventually", "s_nexttime",
        "s_until", "s_until_with", "scalared", "sequence", "shortint", "shortreal", "showcancelled", "signed",
        "small", "soft", "solve", "specify", "specparam", "static", "string", "strong", "strong0", "strong1",
        "struct", "super", "supply0", "supply1", "sync_accept_on", "sync_reject_on", "table", "tagged", "task",
        "this", "throughout", "time", "timeprecision", "timeunit", "tran", "tranif0", "tranif1", "tri", "tri0",
        "tri1", "triand", "trior", "trireg", "type", "typedef", "union", "unique", "unique0", "unsigned", "until",
        "until_with", "untyped", "use", "uwire", "var", "vectored", "virtual", "void", "wait", "wait_order",
        "wand", "weak", "weak0", "weak1", "while", "wildcard", "wire", "with", "within", "wor", "xnor", "xor",
    ]

    /// Names the generated top module reserves for its own ports and channels (`in_valid`, `out_data`,
    /// `dbg_ready`, `clk`, `rst`): a layer or design with one of these names is rejected by the generator.
    public static let reservedByRTL: Set<String> = ["in", "out", "dbg", "clk", "rst"]

    /// Whether `name` is a plain Verilog identifier: letters, digits and `_`, not starting with a digit.
    public static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// Why `name` cannot name a design or a layer in the RTL, or nil when it can.
    public static func problem(with name: String) -> String? {
        if !isIdentifier(name) { return "'\(name)' is not a Verilog identifier" }
        if keywords.contains(name) { return "'\(name)' is a Verilog keyword" }
        if reservedByRTL.contains(name) { return "'\(name)' is reserved for the RTL's ports" }
        return nil
    }
}
