import Design
import Foundation
import NetworkIR
import Scheduling

/// A Keras model turned into a Pipewright design.
public struct ImportedModel: Sendable {
    /// The network and its schedule options (`source` is the .h5 file).
    public var design: LoadedDesign
    /// The hls4ml-style config, per-layer types and notes of the conversion.
    public var conversion: HLS4MLConversion
    /// The Keras model as read.
    public var model: KerasModel
}

/// Imports Keras legacy HDF5 models (`pipewright import`).
public enum KerasImporter {
    /// Reads `url` (Keras 2 or 3, Sequential or a Functional chain, QKeras layers) and converts it.
    public static func importModel(_ url: URL, options: KerasImportOptions = KerasImportOptions()) throws(KerasImportError) -> ImportedModel {
        let model = try KerasH5Reader.read(url)
        return try convert(model, source: url, options: options)
    }

    /// Converts an already read model.
    public static func convert(_ model: KerasModel, source: URL, options: KerasImportOptions = KerasImportOptions()) throws(KerasImportError) -> ImportedModel {
        let conversion = try HLS4MLConversion(model: model, options: options)
        let device: DeviceProfile
        do {
            device = try DeviceProfileLoader.load(name: options.device,
                searchPaths: DeviceProfileLoader.searchPaths(explicit: options.profileSearchPaths, designFile: nil))
        } catch { throw .design(error) }
        let uncertainty = ClockUncertainty.hlsDefault
        // The ParallelizationFactor goes into each convolution's own LayerName entry, where hls4ml reads it (every
        // layer has an entry, and an entry hides the Model's value: get_layer_config_value).
        var implementations: [String: LayerImplementation] = [:]
        if let factor = options.parallelizationFactor {
            for layer in conversion.network.layers {
                guard case .convolution = layer.operation else { continue }
                implementations[layer.name] = LayerImplementation(reuseFactor: options.reuseFactor, strategy: options.strategy,
                                                                  parallelizationFactor: factor)
            }
        }
        let scheduleOptions = ScheduleOptions(
            clockPeriodNs: options.clockPeriodNs,
            clockUncertaintyNs: uncertainty.nanoseconds(atPeriod: options.clockPeriodNs),
            ioType: options.ioType,
            defaultImplementation: LayerImplementation(reuseFactor: options.reuseFactor, strategy: options.strategy),
            layerImplementations: implementations,
            device: device)
        var notes = conversion.notes
        notes.insert("imported from \(model.file) (Keras \(model.architecture.kerasMajorVersion), \(model.architecture.modelClass)"
            + (options.hls4mlCompatible ? ", hls4ml 1.3 compatible)" : ")"), at: 0)
        let design = LoadedDesign(network: conversion.network, options: scheduleOptions, source: source,
                                  clockUncertainty: uncertainty, notes: notes)
        return ImportedModel(design: design, conversion: conversion, model: model)
    }
}

extension ImportedModel {
    /// A human summary: one line per layer with shape and precisions, then the notes.
    public var summary: String {
        let network = design.network
        var lines = ["\(network.name): \(network.inputSize) inputs (\(network.inputPrecision)) → \(network.outputSize) outputs, \(network.layers.count) layers"]
        for layer in network.layers {
            var fields = ["result \(layer.precision.result)"]
            // An imported design is validated, so every kind's named types are there.
            switch try? layer.typedOperation() {
            case let .dense(_, p)?:
                fields += ["weight \(p.weight)", "bias \(p.bias)", "accum \(p.accumulator)"]
            case let .convolution(c, p)?:
                fields = ["\(c.inputShape) → \(c.outputShape)"] + fields
                    + ["weight \(p.weight)", "bias \(p.bias)", "accum \(p.accumulator)"]
            case let .batchNormalization(_, p)?:
                fields += ["scale \(p.scale)", "bias \(p.bias)"]
            case let .leakyReLU(alpha, parameter)?:
                fields += ["alpha \(alpha) as \(parameter)"]
            case let .lookup(activation, p)?:
                fields += ["table \(activation.tableSize) × \(p.table)"]
                if let parameter = p.parameter {
                    fields += [activation.function == .elu ? "alpha \(activation.alpha) as \(parameter)" : "λ as \(parameter)"]
                }
            case let .hardActivation(activation, p)?:
                fields += ["slope \(activation.slope) as \(p.slope)", "shift \(activation.shift) as \(p.shift)"]
            case let .softmax(parameters, p)?:
                fields += ["\(parameters.implementation.rawValue)"]
                if let p {
                    fields += ["accum \(p.accumulator)", "exp table \(parameters.expTableSize) × \(p.expTable)",
                               "inverse table \(parameters.invTableSize) × \(p.invTable)"]
                    if let norm = p.inputNorm { fields += ["inp_norm \(norm)"] }
                }
            case let .klDivergence(parameters, p)?:
                fields += ["accum \(p.accumulator)", "exp table \(parameters.tableSize) × \(p.table)"]
            case let .pooling(parameters, accumulator)?:
                fields = ["\(parameters.inputShape) → \(parameters.outputShape)"] + fields + ["accum \(accumulator)"]
            case let .zeroPadding(parameters)?:
                fields = ["\(parameters.inputShape) → \(parameters.outputShape)"] + fields
            case let .upSampling(parameters)?:
                fields = ["\(parameters.inputShape) → \(parameters.outputShape)"] + fields
            case .relu?, .linear?, .squaredNorm?, .merge?, nil:
                break
            }
            let name = layer.name.padding(toLength: max(layer.name.count, 14), withPad: " ", startingAt: 0)
            let kind = layer.kindName.padding(toLength: 18, withPad: " ", startingAt: 0)
            lines.append("  \(name) \(kind) \(layer.inputSize) → \(layer.outputSize)  " + fields.joined(separator: ", "))
        }
        for note in design.notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
