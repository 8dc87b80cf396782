import ArgumentParser
import FixedPoint
import Foundation
import KerasImport
import Reports

/// `pipewright import MODEL.h5`: a Keras legacy HDF5 model (Keras 2 or 3, QKeras) to a design file.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a Keras .h5 model (Keras 2/3, QKeras) as a design file.",
        discussion: """
        By default the import reproduces hls4ml 1.3's conversion (config_from_keras_model with granularity \
        'name', BatchNorm folding in float32, 'auto' precision inference, decimal weight files), so that the \
        fixed-point outputs equal hls4ml's C simulation bit for bit.

        EXAMPLES:
          pipewright import model.h5
          pipewright import model.h5 -o Designs/model.yml --reuse-factor 4 --clock-period 3.33
        """)

    @Argument(help: "The Keras model (model.save(\"NAME.h5\")).")
    var model: String

    @Option(name: [.short, .customLong("output")],
            help: "The design file to write (default Designs/<model name>.yml); an existing file is kept unless --force is given.")
    var output: String?

    @Flag(help: "Overwrite the design file if it already exists.")
    var force = false

    @Flag(name: .customLong("no-hls4ml-compat"),
          help: "Do not reproduce hls4ml's numerics: fold BatchNorms in double precision and keep exact weights.")
    var noHLS4MLCompat = false

    @Option(name: .customLong("default-precision"), help: "hls4ml's default_precision, e.g. ap_fixed<16,6>.")
    var defaultPrecision = "ap_fixed<16,6>"

    @Option(name: .customLong("reuse-factor"), parsing: .unconditional, help: "ReuseFactor of every layer.")
    var reuseFactor = 1

    @Option(name: .customLong("clock-period"), parsing: .unconditional, help: "Clock period in ns.")
    var clockPeriod = 5.0

    @Option(name: .customLong("profiles"), help: ArgumentHelp(profilesHelp, valueName: "dir"))
    var profiles: [String] = []

    func run() throws {
        guard reuseFactor > 0 else { throw ValidationError("--reuse-factor must be a positive integer, got \(reuseFactor)") }
        guard clockPeriod > 0, clockPeriod.isFinite else {
            throw ValidationError("--clock-period must be a positive number of ns, got \(clockPeriod)")
        }
        let precision: Precision
        do { precision = try Precision(parsing: defaultPrecision) } catch {
            throw ValidationError("--default-precision: \(error.description)")
        }
        if let output { try refuseToOverwrite(URL(fileURLWithPath: output)) }   // before the import's work
        let options = KerasImportOptions(hls4mlCompatible: !noHLS4MLCompat, defaultPrecision: precision,
                                         reuseFactor: reuseFactor, clockPeriodNs: clockPeriod,
                                         profileSearchPaths: profiles.map { URL(fileURLWithPath: $0) })
        let imported = try KerasImporter.importModel(URL(fileURLWithPath: model), options: options)
        let destination = URL(fileURLWithPath: output ?? "Designs/\(imported.design.network.name).yml")
        try refuseToOverwrite(destination)
        let description = "Imported from \(URL(fileURLWithPath: model).lastPathComponent) by pipewright import"
            + (options.hls4mlCompatible ? " (hls4ml 1.3 compatible numerics)." : ".")
        try OutputFile.write(DesignWriter.yaml(for: imported.design, description: description), to: destination)
        print(imported.summary, terminator: "")
        print("wrote \(destination.relativePath)")
    }

    /// A design file is often edited by hand after an import: it is replaced only with --force.
    func refuseToOverwrite(_ destination: URL) throws {
        guard !force, FileManager.default.fileExists(atPath: destination.path) else { return }
        throw ExistingOutputError(path: destination.relativePath)
    }
}

/// `import` would replace an existing file.
struct ExistingOutputError: Error, CustomStringConvertible {
    let path: String
    var description: String { "\(path) already exists; pass --force to overwrite it (or choose another file with -o)" }
}
