import Foundation
import HDF5

/// Reads a Keras legacy HDF5 model (`model.save("x.h5")`, Keras 2 or 3): the root attribute `model_config`
/// and the weights under `/model_weights/<layer>/…`. Keras 2 names variables `kernel:0` and lists them in the
/// layer group's `weight_names`; Keras 3 nests `<layer>/<layer>/<var>`. Both are found: `weight_names` first,
/// otherwise by walking the layer's groups.
public enum KerasH5Reader {
    /// Opens `url` and reads architecture and weights.
    public static func read(_ url: URL) throws(KerasImportError) -> KerasModel {
        let file: HDF5File
        do { file = try HDF5File.open(url) } catch { throw .hdf5(error) }
        let name = file.path
        guard file.hasAttribute("model_config", of: "/") else {
            let reason = file.exists("/model_weights") || file.hasAttribute("layer_names", of: "/")
                ? "the root has no 'model_config' attribute (a weights-only file?)"
                : "the root has no 'model_config' attribute"
            throw .notAKerasModel(file: name, reason: reason)
        }
        let json: String
        let version: String?
        do {
            json = try file.stringAttribute("model_config", of: "/")
            version = file.hasAttribute("keras_version", of: "/") ? try file.stringAttribute("keras_version", of: "/") : nil
        } catch { throw .hdf5(error) }
        let architecture = try KerasArchitecture(modelConfig: json, kerasVersion: version, file: name)
        guard file.isGroup("/model_weights") || !architecture.layers.contains(where: \.hasWeights) else {
            throw .notAKerasModel(file: name, reason: "no '/model_weights' group")
        }
        return try KerasModel(architecture: architecture, source: H5WeightSource(file: file), file: name)
    }
}

extension KerasLayer {
    var hasWeights: Bool {
        switch kind {
        case .dense, .batchNormalization, .convolution: return true
        default: return false
        }
    }
}

/// The weights of one layer group in a Keras HDF5 file.
struct H5WeightSource: KerasWeightSource {
    let file: HDF5File

    func searchedLocation(ofLayer name: String) -> String { "/model_weights/\(name)" }

    func tensors(ofLayer name: String) throws(KerasImportError) -> [String: KerasTensor] {
        let group = "/model_weights/\(name)"
        guard file.isGroup(group) else { return [:] }
        var paths: [String] = []
        if file.hasAttribute("weight_names", of: group),
           let names = try? file.stringArrayAttributeChunked("weight_names", of: group), !names.isEmpty {
            paths = names.map { group + "/" + $0 }
        } else {
            do { paths = try datasets(under: group, depth: 0) } catch { throw .hdf5(error) }
        }
        var tensors: [String: KerasTensor] = [:]
        for path in paths where file.isDataset(path) {
            var variable = String(path.split(separator: "/").last ?? "")
            if let colon = variable.firstIndex(of: ":") { variable = String(variable[..<colon]) }
            guard tensors[variable] == nil else { continue }
            do {
                let (shape, values) = try file.readFloats(path)
                tensors[variable] = KerasTensor(path: path, shape: shape, values: values)
            } catch { throw .hdf5(error) }
        }
        return tensors
    }

    private func datasets(under group: String, depth: Int) throws(HDF5Error) -> [String] {
        guard depth < 8 else { return [] }
        var found: [String] = []
        for child in try file.children(of: group) {
            let path = group + "/" + child
            if file.isDataset(path) { found.append(path) }
            else if file.isGroup(path) { found += try datasets(under: path, depth: depth + 1) }
        }
        return found
    }
}
