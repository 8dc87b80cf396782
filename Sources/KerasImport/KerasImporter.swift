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
        let scheduleOptions = ScheduleOptions(
            clockPeriodNs: options.clockPeriodNs,
            clockUncertaintyNs: uncertainty.nanoseconds(atPeriod: options.clockPeriodNs),
            ioType: options.ioType,
            defaultImplementation: LayerImplementation(reuseFactor: options.reuseFactor, strategy: options.strategy),
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
            let p = layer.precision
            var fields = ["result \(p.result)"]
            switch layer.operation {
            case .dense:
                fields += ["weight \(p.weight!)", "bias \(p.bias!)", "accum \(p.accumulator!)"]
            case let .convolution(c):
                fields = ["\(c.inputShape) → \(c.outputShape)"] + fields
                    + ["weight \(p.weight!)", "bias \(p.bias!)", "accum \(p.accumulator!)"]
            case .batchNormalization:
                fields += ["scale \(p.weight!)", "bias \(p.bias!)"]
            case let .leakyReLU(alpha):
                fields += ["alpha \(alpha) as \(p.parameter!)"]
            case let .lookup(activation):
                fields += ["table \(activation.tableSize) × \(p.extra["table"]!)"]
                if activation.function == .elu { fields += ["alpha \(activation.alpha) as \(p.parameter!)"] }
                if activation.function == .selu { fields += ["λ as \(p.parameter!)"] }
            case let .hardActivation(activation):
                fields += ["slope \(activation.slope) as \(p.extra["slope"]!)", "shift \(activation.shift) as \(p.extra["shift"]!)"]
            case let .softmax(parameters):
                fields += ["\(parameters.implementation.rawValue)"]
                if parameters.implementation != .argmax {
                    fields += ["accum \(p.accumulator!)", "exp table \(parameters.expTableSize) × \(p.extra["exp_table"]!)",
                               "inverse table \(parameters.invTableSize) × \(p.extra["inv_table"]!)"]
                }
                if let norm = p.extra["inp_norm"] { fields += ["inp_norm \(norm)"] }
            case let .klDivergence(parameters):
                fields += ["accum \(p.accumulator!)", "exp table \(parameters.tableSize) × \(p.extra["table"]!)"]
            case let .pooling(parameters):
                fields = ["\(parameters.inputShape) → \(parameters.outputShape)"] + fields + ["accum \(p.accumulator!)"]
            case let .zeroPadding(parameters):
                fields = ["\(parameters.inputShape) → \(parameters.outputShape)"] + fields
            case let .upSampling(parameters):
                fields = ["\(parameters.inputShape) → \(parameters.outputShape)"] + fields
            case .relu, .linear, .squaredNorm, .merge:
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
