import Design
import FixedPoint
import Foundation
import KerasImport
import NetworkIR
import Scheduling
import Testing

/// The FIFOs of the CNN fixtures imported in io_stream against the `#pragma HLS STREAM … depth=` lines hls4ml 1.3.0
/// wrote (`fifo_depths` of each `<model>_io_stream.json`): every stream between two layers has hls4ml's depth (the
/// tensor's pixels) and carries one pixel of the tensor's channels (`nnet::array<T, channels*1>`). Two of hls4ml's
/// streams are not FIFOs of Pipewright's graph, by design, and are checked for what stands in their place:
/// - `zp2d_<conv>`, the ZeroPadding2D hls4ml inserts before a 'same' convolution: Pipewright's convolution walks the
///   padded image itself, so its walk has as many iterations as that stream has pixels;
/// - `repack_<reshape>`, hls4ml's Repack of a Reshape from a vector to an image: the UpSampling that reads the vector
///   takes it whole and writes the image, whose input pixels that stream held.
struct StreamFIFOFixtureTests {
    static let models = ["cicada_v2_student", "cnn_vae_encoder", "cnn_ae", "conv1d_tagger"]

    static func options(_ model: String) -> KerasImportOptions {
        var precisions: [String: [String: Precision]] = [:]
        if model == "cicada_v2_student" { precisions["x_in"] = ["result": .ufixed(10, 10)] }
        if model == "conv1d_tagger" { precisions["dense_out"] = ["result": .fixed(16, 6)] }
        return KerasImportOptions(ioType: .stream, layerPrecisions: precisions, profileSearchPaths: [Fixtures.profiles])
    }

    @Test(arguments: models)
    func streamsHaveHLS4MLsDepthsAndElements(model: String) throws {
        let imported = try KerasImporter.importModel(Fixtures.keras(model), options: Self.options(model))
        let network = imported.design.network
        let schedule = try Scheduler.schedule(network, options: imported.design.options)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.root.appendingPathComponent("hls4ml/\(model)_io_stream.json")))
        let depths = try #require((json as? [String: Any])?["fifo_depths"] as? [String: [String: Any]])
        var ours: [String: (depth: Int, elements: Int)] = [:]
        for fifo in schedule.graph.fifos where fifo.purpose == .stream {
            let tensor = schedule.graph.channels[fifo.inputChannel].tensor
            ours[network.layers[tensor].name] = (fifo.depth, fifo.elements)
        }
        var matched = Set<String>()
        for entry in depths.values {
            let layer = try #require(entry["layer"] as? String), depth = try #require(entry["depth"] as? Int)
            let type = try #require(entry["element_type_cpp"] as? String)
            let elements = try #require(Int(type.split(separator: " ").last!.split(separator: "*").first!))
            if layer.hasPrefix("zp2d_") {
                let conv = String(layer.dropFirst(5))
                let index = try #require(network.layers.firstIndex { $0.name == conv })
                let walk = try #require(schedule.blocks[index].stream?.walk)
                #expect(walk.iterations == depth, "\(layer)")
            } else if layer.hasPrefix("repack_") {
                let index = try #require(schedule.blocks.firstIndex { $0.stream?.walk.reader == .rowBuffer && $0.stream?.tokensIn == 1 })
                guard case let .upSampling(parameters) = network.layers[index].operation else { Issue.record("\(layer)"); continue }
                #expect(parameters.inputHeight * parameters.inputWidth == depth && parameters.channels == elements, "\(layer)")
                // The walk reads the vector once, then writes every output pixel (y, x) from the repacked pixel
                // (y / heightFactor, x / widthFactor), the vector's slices following the (empty) element of the iteration.
                let walk = try #require(schedule.blocks[index].stream?.walk)
                let (height, width) = (parameters.outputHeight, parameters.outputWidth)
                #expect(walk.pops == [true] + [Bool](repeating: false, count: height * width))
                #expect(walk.pushes == [false] + [Bool](repeating: true, count: height * width))
                let expected = (0..<(height * width)).map { pixel in
                    depth + (pixel / width / parameters.heightFactor) * parameters.inputWidth + (pixel % width) / parameters.widthFactor
                }
                #expect(Array(walk.sources.dropFirst()) == expected, "\(layer)")
            } else {
                let found = try #require(ours[layer], "no stream after \(layer)")
                #expect(found.depth == depth && found.elements == elements, "\(layer): \(found) vs hls4ml \(depth) × \(elements)")
                matched.insert(layer)
            }
        }
        #expect(Set(ours.keys) == matched)
    }
}
