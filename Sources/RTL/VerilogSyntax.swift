/// A small Verilog-2005 syntax model: enough structure for the generated RTL to be inspected by tests
/// before it is rendered to text by `VerilogRenderer`.
public struct VerilogModule: Sendable, Equatable {
    /// Module name (also the file name, `<name>.v`).
    public var name: String
    /// A comment written above the module.
    public var comment: String
    public var ports: [VerilogPort]
    /// `wire` and `reg` declarations, in order.
    public var declarations: [VerilogDeclaration]
    /// Continuous assignments, in order.
    public var assigns: [VerilogAssign]
    /// Sub-module instances.
    public var instances: [VerilogInstance]
    /// `always @(posedge clk)` blocks.
    public var alwaysBlocks: [VerilogAlways]
    /// Read-only tables (`reg` arrays filled by an `initial` block), read combinationally.
    public var roms: [VerilogROM] = []
    /// False: the declarations (not the ports) are wrapped in `verilator tracing_off/on`, so a VCD holds only what
    /// the waveform views show (a block's datapath wires and registers are thousands of signals).
    public var traceDeclarations = true

    public init(name: String, comment: String = "", ports: [VerilogPort] = [], declarations: [VerilogDeclaration] = [],
                assigns: [VerilogAssign] = [], instances: [VerilogInstance] = [], alwaysBlocks: [VerilogAlways] = []) {
        self.name = name
        self.comment = comment
        self.ports = ports
        self.declarations = declarations
        self.assigns = assigns
        self.instances = instances
        self.alwaysBlocks = alwaysBlocks
    }

    /// The port with the given name, if any.
    public func port(named name: String) -> VerilogPort? { ports.first { $0.name == name } }

    /// The declaration with the given name, if any.
    public func declaration(named name: String) -> VerilogDeclaration? { declarations.first { $0.name == name } }
}

/// A read-only table: `reg [width-1:0] name [0:entries.count-1]`, filled once by an `initial` block.
public struct VerilogROM: Sendable, Equatable {
    public var name: String
    public var width: Int
    /// Raw entries (two's complement; the low `width` bits are stored).
    public var entries: [Int128]
    public var comment: String?

    public init(name: String, width: Int, entries: [Int128], comment: String? = nil) {
        self.name = name
        self.width = width
        self.entries = entries
        self.comment = comment
    }
}

/// A module port (always a `wire`; outputs are driven by `assign`).
public struct VerilogPort: Sendable, Equatable {
    public enum Direction: String, Sendable, Equatable {
        case input, output
    }
    public var direction: Direction
    public var name: String
    /// Width in bits (1 = scalar).
    public var width: Int

    public init(_ direction: Direction, _ name: String, width: Int = 1) {
        self.direction = direction
        self.name = name
        self.width = width
    }
}

/// A `wire` or `reg` declaration, `[width-1:0]`, unsigned (two's complement is tracked by the generator).
public struct VerilogDeclaration: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case wire, reg
    }
    public var kind: Kind
    public var name: String
    public var width: Int
    public var comment: String?

    public init(_ kind: Kind, _ name: String, width: Int, comment: String? = nil) {
        self.kind = kind
        self.name = name
        self.width = width
        self.comment = comment
    }
}

/// `assign target = expression;`
public struct VerilogAssign: Sendable, Equatable {
    public var target: String
    public var expression: String

    public init(_ target: String, _ expression: String) {
        self.target = target
        self.expression = expression
    }
}

/// `module name (.port(expression), ...);`
public struct VerilogInstance: Sendable, Equatable {
    public var module: String
    public var name: String
    /// (port, expression) pairs in port order.
    public var connections: [PortConnection]

    public struct PortConnection: Sendable, Equatable {
        public var port: String
        public var expression: String
        public init(_ port: String, _ expression: String) {
            self.port = port
            self.expression = expression
        }
    }

    public init(module: String, name: String, connections: [PortConnection]) {
        self.module = module
        self.name = name
        self.connections = connections
    }
}

/// A statement inside an `always @(posedge clk)` block.
public indirect enum VerilogStatement: Sendable, Equatable {
    /// `target <= expression;`
    case nonblocking(target: String, expression: String)
    /// `if (condition) begin … end else begin … end`
    case conditional(condition: String, then: [VerilogStatement], otherwise: [VerilogStatement])
}

/// `always @(posedge clock) begin … end`
public struct VerilogAlways: Sendable, Equatable {
    public var clock: String
    public var statements: [VerilogStatement]

    public init(clock: String = "clk", statements: [VerilogStatement]) {
        self.clock = clock
        self.statements = statements
    }
}
