/// Renders the Verilog syntax model as Verilog-2005 text (the last stage of the generator pipeline).
public enum VerilogRenderer {
    /// The text of one module, as written to `<module>.v`.
    public static func render(_ module: VerilogModule) -> String {
        var out = ""
        for line in module.comment.split(separator: "\n", omittingEmptySubsequences: false) where !module.comment.isEmpty {
            out += "// \(line)\n"
        }
        out += "module \(module.name) (\n"
        for (index, port) in module.ports.enumerated() {
            let separator = index == module.ports.count - 1 ? "" : ","
            out += "    \(port.direction.rawValue) wire \(range(port.width))\(port.name)\(separator)\n"
        }
        out += ");\n"
        if !module.declarations.isEmpty { out += "\n" }
        let untraced = !module.traceDeclarations && !(module.declarations.isEmpty && module.roms.isEmpty)
        if untraced { out += "    /* verilator tracing_off */\n" }
        for declaration in module.declarations {
            let comment = declaration.comment.map { "  // \($0)" } ?? ""
            out += "    \(declaration.kind.rawValue) \(range(declaration.width))\(declaration.name);\(comment)\n"
        }
        for rom in module.roms {
            let comment = rom.comment.map { "  // \($0)" } ?? ""
            out += "    reg \(range(rom.width))\(rom.name) [0:\(rom.entries.count - 1)];\(comment)\n"
        }
        for rom in module.roms {
            out += "    initial begin\n"
            for (index, entry) in rom.entries.enumerated() {
                out += "        \(rom.name)[\(index)] = \(Verilog.literal(entry, width: rom.width));\n"
            }
            out += "    end\n"
        }
        if untraced { out += "    /* verilator tracing_on */\n" }
        if !module.assigns.isEmpty { out += "\n" }
        for assign in module.assigns {
            out += "    assign \(assign.target) = \(assign.expression);\n"
        }
        for instance in module.instances {
            out += "\n    \(instance.module) \(instance.name) (\n"
            for (index, connection) in instance.connections.enumerated() {
                let separator = index == instance.connections.count - 1 ? "" : ","
                out += "        .\(connection.port)(\(connection.expression))\(separator)\n"
            }
            out += "    );\n"
        }
        for block in module.alwaysBlocks {
            out += "\n    always @(posedge \(block.clock)) begin\n"
            for statement in block.statements { render(statement, indent: 2, into: &out) }
            out += "    end\n"
        }
        out += "\nendmodule\n"
        return out
    }

    static func range(_ width: Int) -> String { width == 1 ? "" : "[\(width - 1):0] " }

    static func render(_ statement: VerilogStatement, indent: Int, into out: inout String) {
        let pad = String(repeating: "    ", count: indent)
        switch statement {
        case let .nonblocking(target, expression):
            out += "\(pad)\(target) <= \(expression);\n"
        case let .conditional(condition, then, otherwise):
            out += "\(pad)if (\(condition)) begin\n"
            for inner in then { render(inner, indent: indent + 1, into: &out) }
            if otherwise.isEmpty {
                out += "\(pad)end\n"
            } else {
                out += "\(pad)end else begin\n"
                for inner in otherwise { render(inner, indent: indent + 1, into: &out) }
                out += "\(pad)end\n"
            }
        }
    }
}
