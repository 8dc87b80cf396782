import ArgumentParser
import FixedPoint
import Foundation
import Support
import KerasImport
import NetworkIR
import Reports
import Scheduling

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
          pipewright import model.h5 --io-type io_stream --softmax-implementation latency
          pipewright import model.h5 --layer-precision logits.result=ap_fixed<16,6>
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

    @Option(name: .customLong("parallelization-factor"), parsing: .unconditional,
            help: "ParallelizationFactor of every convolution: output pixels per iteration of its loop (hls4ml's default 1; a value that does not divide the output pixels is snapped as hls4ml does).")
    var parallelizationFactor: Int?

    @Option(name: .customLong("clock-period"), parsing: .unconditional, help: "Clock period in ns.")
    var clockPeriod = 5.0

    @Option(name: .customLong("io-type"),
            help: "io_parallel or io_stream (hls4ml's IOType; it also decides the type of SELU's λ).")
    var ioType = "io_parallel"

    @Option(name: .customLong("softmax-implementation"), help: "Implementation of every softmax: stable, latency or argmax.")
    var softmaxImplementation = "stable"

    @Option(name: .customLong("layer-precision"),
            help: ArgumentHelp("hls4ml's LayerName.LAYER.Precision.KEY, set before the conversion (repeatable), e.g. logits.result=ap_fixed<16,6>.",
                               valueName: "LAYER.KEY=TYPE"))
    var layerPrecisions: [String] = []

    @Option(name: .customLong("profiles"), help: ArgumentHelp(profilesHelp, valueName: "dir"))
    var profiles: [String] = []

    func run() throws {
        guard reuseFactor > 0 else { throw ValidationError("--reuse-factor must be a positive integer, got \(reuseFactor)") }
        if let parallelizationFactor, parallelizationFactor <= 0 {
            throw ValidationError("--parallelization-factor must be a positive integer, got \(parallelizationFactor)")
        }
        guard clockPeriod > 0, clockPeriod.isFinite else {
            throw ValidationError("--clock-period must be a positive number of ns, got \(clockPeriod)")
        }
        let precision: Precision
        do { precision = try Precision(parsing: defaultPrecision) } catch {
            throw ValidationError("--default-precision: \(error.description)")
        }
        guard let io = IOType(rawValue: ioType.lowercased()) else {
            throw ValidationError("--io-type must be io_parallel or io_stream, got \(ioType)")
        }
        guard let softmax = SoftmaxParameters.Implementation(rawValue: softmaxImplementation.lowercased()) else {
            throw ValidationError("--softmax-implementation must be stable, latency or argmax, got \(softmaxImplementation)")
        }
        var options = KerasImportOptions(hls4mlCompatible: !noHLS4MLCompat, defaultPrecision: precision,
                                         reuseFactor: reuseFactor, parallelizationFactor: parallelizationFactor,
                                         ioType: io, softmaxImplementation: softmax,
                                         clockPeriodNs: clockPeriod, profileSearchPaths: profiles.map { URL(fileURLWithPath: $0) })
        for assignment in layerPrecisions {
            do { try options.addLayerPrecision(assignment) } catch {
                throw ValidationError("--layer-precision \(error.description)")
            }
        }
        if let output { try refuseToOverwrite(URL(fileURLWithPath: output)) }   // before the import's work
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
