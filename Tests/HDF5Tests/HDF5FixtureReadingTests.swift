// Reading the real Keras and hls4ml fixture files (read-only).

import Foundation
import HDF5
import Testing

@Suite("Reading the shared fixtures")
struct HDF5FixtureReadingTests {
    @Test("hls4ml vectors: x is 1000×57 float32 within ±7.9, outputs are 1000×3")
    func vectorDatasets() throws {
        let file = try HDF5File.open(Fixtures.encoderVectors)
        #expect(file.isDataset("/x"))
        #expect(try file.shape(ofDataset: "/x") == [1000, 57])

        let floats = try file.readFloats("x")
        #expect(floats.shape == [1000, 57])
        #expect(floats.values.count == 57_000)
        #expect(floats.values.allSatisfy { abs($0) <= 7.9 })
        #expect(floats.values.contains { $0 != 0 })

        // float32 → float64 conversion by libhdf5 is exact, so both reads agree value for value.
        let doubles = try file.readDoubles("/x")
        #expect(doubles.shape == [1000, 57])
        #expect(doubles.values == floats.values.map { Double($0) })

        for name in ["y_float", "y_hls4ml_io_parallel"] {
            #expect(try file.shape(ofDataset: name) == [1000, 3])
            let output = try file.readDoubles(name)
            #expect(output.shape == [1000, 3])
            #expect(output.values.count == 3000)
            #expect(output.values.allSatisfy { $0.isFinite })
        }
        #expect(try file.children(of: "/").contains("x"))
    }

    @Test("hyperslab rows 10..<20 equal the same rows of the full read")
    func hyperslabRows() throws {
        let file = try HDF5File.open(Fixtures.encoderVectors)
        let full = try file.readDoubles("/x")
        let slab = try file.readDoubles("/x", rows: 10..<20)
        #expect(slab.count == 10 * 57)
        #expect(slab == Array(full.values[(10 * 57)..<(20 * 57)]))
        #expect(try file.readDoubles("/x", rows: 5..<5).isEmpty)
        #expect(try file.readDoubles("/x", rows: 999..<1000) == Array(full.values.suffix(57)))
        #expect(throws: HDF5Error.self) { try file.readDoubles("/x", rows: 990..<1001) }
    }

    @Test("Keras 3 file: root attributes, model_weights layers, kernel shapes")
    func keras3Model() throws {
        let file = try HDF5File.open(Fixtures.encoderKeras3)
        #expect(file.hasAttribute("model_config", of: "/"))
        let config = try file.stringAttribute("model_config")
        #expect(config.hasPrefix("{"))
        let json = try JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any]
        let layers = (json?["config"] as? [String: Any])?["layers"] as? [[String: Any]] ?? []
        let configuredNames = layers.compactMap { ($0["config"] as? [String: Any])?["name"] as? String }
        #expect(configuredNames.contains("dense1"))

        let kerasVersion = try file.stringAttribute("keras_version")
        #expect(kerasVersion.hasPrefix("3."))
        #expect(try file.stringAttribute("backend", of: "/") == "jax")
        #expect(try file.attributeNames(of: "/").contains("model_config"))

        let layerGroups = try file.children(of: "/model_weights")
        // Every layer with weights has a group; the README's architecture names them.
        for name in ["bn0", "dense1", "bn1", "dense2", "bn2", "z_mean"] {
            #expect(layerGroups.contains(name), "missing layer group \(name) in \(layerGroups)")
        }

        // Walk the groups to every dataset called kernel (or kernel:0).
        var kernels: [String: [Int]] = [:]
        var pending = ["/model_weights"]
        while let group = pending.popLast() {
            for child in try file.children(of: group) {
                let childPath = group + "/" + child
                if file.isGroup(childPath) {
                    pending.append(childPath)
                } else if file.isDataset(childPath), child == "kernel" || child == "kernel:0" {
                    kernels[childPath] = try file.shape(ofDataset: childPath)
                }
            }
        }
        // 57 → Dense 32 → Dense 16 → Dense 3 (fixtures/README.md).
        #expect(Set(kernels.values) == [[57, 32], [32, 16], [16, 3]])
        let dense1Kernel = try #require(kernels.first { $0.key.hasPrefix("/model_weights/dense1/") })
        let kernel = try file.readFloats(dense1Kernel.key)
        #expect(kernel.values.count == 57 * 32)
    }

    @Test("Keras 2 file: fixed-length layer_names and weight_names attributes")
    func keras2Model() throws {
        let file = try HDF5File.open(Fixtures.encoderKeras2)
        let config = try file.stringAttribute("model_config")
        let json = try JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any]
        let layers = (json?["config"] as? [String: Any])?["layers"] as? [[String: Any]] ?? []
        // A Sequential model's layer_names list its layers in order, without the InputLayer.
        let expected = layers
            .filter { $0["class_name"] as? String != "InputLayer" }
            .compactMap { ($0["config"] as? [String: Any])?["name"] as? String }
        #expect(expected == ["bn0", "dense1", "bn1", "lrelu1", "dense2", "bn2", "lrelu2", "z_mean"])

        let layerNames = try file.stringArrayAttribute("layer_names", of: "/model_weights")
        #expect(layerNames == expected)
        #expect(try file.stringArrayAttributeChunked("layer_names", of: "/model_weights") == expected)

        let weightNames = try file.stringArrayAttribute("weight_names", of: "/model_weights/dense1")
        #expect(weightNames == ["dense1/kernel:0", "dense1/bias:0"])
        #expect(try file.stringArrayAttribute("weight_names", of: "/model_weights/lrelu1").isEmpty)
        #expect(try file.shape(ofDataset: "/model_weights/dense1/" + weightNames[0]) == [57, 32])
        #expect(try file.shape(ofDataset: "/model_weights/dense1/" + weightNames[1]) == [32])
        let batchNorm = try file.stringArrayAttribute("weight_names", of: "/model_weights/bn0")
        #expect(batchNorm == ["bn0/gamma:0", "bn0/beta:0", "bn0/moving_mean:0", "bn0/moving_variance:0"])
    }

    @Test("exists checks every link along the path")
    func existence() throws {
        let file = try HDF5File.open(Fixtures.encoderKeras3)
        #expect(file.exists("/"))
        #expect(file.exists("/model_weights"))
        #expect(file.exists("model_weights/dense1"))
        #expect(!file.exists("/model_weights/nonexistent/kernel"))
        #expect(!file.exists("/nonexistent/deeper/still"))
        #expect(file.isGroup("/model_weights"))
        #expect(!file.isDataset("/model_weights"))
        #expect(!file.isGroup("/nonexistent"))
        #expect(!file.hasAttribute("model_config", of: "/nonexistent"))
        #expect(!file.hasAttribute("no_such_attribute", of: "/"))
    }
}

@Suite("Concurrency")
struct HDF5ConcurrencyTests {
    @Test("parallel readers of one shared file and of their own files agree with a serial read")
    func parallelReads() async throws {
        let shared = try HDF5File.open(Fixtures.encoderVectors)
        let reference = try shared.readDoubles("/x").values
        let rowLength = 57
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for task in 0..<16 {
                group.addTask {
                    let rows = (task * 50)..<(task * 50 + 60)
                    let file = task.isMultiple(of: 2) ? shared : try HDF5File.open(Fixtures.encoderVectors)
                    let slab = try file.readDoubles("/x", rows: rows)
                    return slab == Array(reference[(rows.lowerBound * rowLength)..<(rows.upperBound * rowLength)])
                }
            }
            for try await agrees in group {
                #expect(agrees)
            }
        }
    }
}
