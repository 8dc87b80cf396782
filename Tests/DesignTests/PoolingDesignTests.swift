import Foundation
import NetworkIR
import Testing
@testable import Design

/// Design-file classes for pooling, zero padding and upsampling, and a per-channel BatchNormalization on an image.
struct PoolingDesignTests {
    static func design(_ layers: String, shape: String = "[4, 4, 2]") -> String {
        """
        name: t
        input: { shape: \(shape), precision: "ap_fixed<8,4>" }
        config: { Model: { Precision: { default: "ap_fixed<16,6>", accum: auto, result: auto } } }
        layers:
        \(layers)
        """
    }

    /// scale [2, 3] on a 4×4×2 image is 2, 3, 2, 3, … for the 16 pixels (element i uses channel i mod 2).
    @Test func batchNormOnAnImageTakesOneValuePerChannel() throws {
        let loaded = try TestSupport.load(Self.design("  - { name: bn, class: BatchNormalization, scale: [2, 3], shift: [0.5, -0.5] }"))
        guard case let .batchNormalization(bn) = loaded.network.layers[0].operation else { Issue.record("not a BatchNorm"); return }
        #expect(bn.scale == Array([[Double]](repeating: [2, 3], count: 16).joined()))
        #expect(bn.shift == Array([[Double]](repeating: [0.5, -0.5], count: 16).joined()))
    }

    /// The auto types: AveragePooling2D 2×2 of ap_fixed<8,4>: e = 2, accum ap_fixed<12,6>, result ap_fixed<8,4>;
    /// MaxPooling2D accum = result = the input; a global pooling the model default; ZeroPadding the input type.
    @Test func autoTypesFollowHLS4ML() throws {
        let loaded = try TestSupport.load(Self.design("""
          - { name: ap, class: AveragePooling2D, pool_size: 2 }
          - { name: zp, class: ZeroPadding2D, padding: 1 }
          - { name: mp, class: MaxPooling2D, pool_size: [2, 2], strides: 1 }
          - { name: up, class: UpSampling2D, size: 2 }
          - { name: gap, class: GlobalAveragePooling2D }
        """))
        let p = loaded.network.layers.map(\.precision)
        #expect(p[0].accumulator == .fixed(12, 6) && p[0].result == .fixed(8, 4))
        #expect(p[1].result == .fixed(8, 4))
        #expect(p[2].accumulator == .fixed(8, 4) && p[2].result == .fixed(8, 4))
        #expect(p[3].result == .fixed(8, 4))
        #expect(p[4].accumulator == .fixed(16, 6) && p[4].result == .fixed(16, 6))
        // (4, 4, 2) → (2, 2, 2) → (4, 4, 2) → (3, 3, 2) → (6, 6, 2) → 2.
        #expect(loaded.network.layers.map(\.outputSize) == [8, 32, 18, 72, 2])
    }

    @Test func aPoolingNeedsAnImage() throws {
        let error = try #require(try TestSupport.error(Self.design("  - { name: mp, class: MaxPooling1D }", shape: "[8]")))
        #expect(error.description.contains("mp") && error.description.contains("(width, channels)"))
        // What it reads is named as the field `inputs`, whether written or the layer before it.
        guard case let .invalidValue(location, value, _) = error else { Issue.record("\(error)"); return }
        #expect(location.layer == "mp" && location.field == "inputs" && value == "a (8) tensor (the layer before it)")
    }

    /// A pool left at its default size (2 × 2) that does not fit the image names `pool_size` and the default.
    @Test func aDefaultPoolThatDoesNotFitNamesPoolSize() throws {
        let error = try #require(try TestSupport.error(Self.design("  - { name: mp, class: MaxPooling2D }", shape: "[1, 1, 2]")))
        guard case let .invalidValue(location, value, _) = error else { Issue.record("\(error)"); return }
        #expect(location.layer == "mp" && location.field == "pool_size" && value == "2, 2 (the default)")
        #expect(error.description.contains("field 'pool_size': invalid value '2, 2 (the default)'"))
    }

    @Test func badFieldsNameTheField() throws {
        let bilinear = try #require(try TestSupport.error(Self.design("  - { name: up, class: UpSampling2D, interpolation: bilinear }")))
        #expect(bilinear.description.contains("interpolation"))
        let padding = try #require(try TestSupport.error(Self.design("  - { name: zp, class: ZeroPadding2D, padding: [1, 2, 3] }")))
        #expect(padding.description.contains("padding"))
        let pool = try #require(try TestSupport.error(Self.design("  - { name: mp, class: MaxPooling2D, pool_size: 5 }")))
        #expect(pool.description.contains("pool_size"))
    }
}
