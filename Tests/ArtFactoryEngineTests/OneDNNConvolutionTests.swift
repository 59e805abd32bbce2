import CEngineDNNL
import Foundation
import Testing
@testable import ArtFactoryEngine

/// oneDNN's convolutions (used for narrow layers on AVX-512 CPUs) against the native im2col path.
@Suite(.enabled(if: afk_dnnl_available() != 0, "oneDNN could not create its CPU engine"))
struct OneDNNConvolutionTests {
    static func random(_ n: Int, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
    }

    struct Shape: Sendable, CustomStringConvertible {
        let n, cin, h, w, cout, k, stride, pad: Int
        let bias: Bool
        let weights: WeightPrecision
        var description: String { "\(n)x\(cin)x\(h)x\(w) -> \(cout) k\(k) s\(stride) p\(pad) bias \(bias) \(weights)" }
    }

    static let shapes: [Shape] = [
        Shape(n: 1, cin: 4, h: 16, w: 12, cout: 64, k: 3, stride: 1, pad: 1, bias: true, weights: .f32),
        Shape(n: 2, cin: 64, h: 20, w: 20, cout: 64, k: 3, stride: 1, pad: 1, bias: false, weights: .f16),
        Shape(n: 1, cin: 64, h: 17, w: 9, cout: 3, k: 3, stride: 2, pad: 1, bias: true, weights: .bf16),
        Shape(n: 1, cin: 32, h: 8, w: 8, cout: 48, k: 1, stride: 1, pad: 0, bias: true, weights: .f32),
    ]

    @Test(arguments: shapes)
    func matchesTheNativePath(_ s: Shape) throws {
        let x = Tensor(shape: [s.n, s.cin, s.h, s.w], data: Self.random(s.n * s.cin * s.h * s.w, seed: 1))
        let weight = WeightMatrix(Self.random(s.cout * s.cin * s.k * s.k, seed: 2).map { $0 * 0.2 }, as: s.weights)
        let bias = s.bias ? Self.random(s.cout, seed: 3) : nil
        let native = Convolution.im2colConv2d(x, weight: weight, bias: bias, outChannels: s.cout, kernel: s.k, stride: s.stride, padding: s.pad)
        let dnnl = try #require(OneDNNConvolution.conv2d(x, weight: weight, bias: bias, outChannels: s.cout, kernel: s.k,
                                                          stride: s.stride, padding: s.pad))
        #expect(dnnl.shape == native.shape)
        let worst = zip(dnnl.data, native.data).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-4, "\(s): max |diff| \(worst)")
    }

    @Test(.enabled(if: EnginePrecision.bf16Supported, "bf16 path skipped: \(EnginePrecision.bf16Unavailability ?? "")"))
    func bf16ConvolutionsStayCloseToF32() throws {
        let s = Self.shapes[1]
        let x = Tensor(shape: [s.n, s.cin, s.h, s.w], data: Self.random(s.n * s.cin * s.h * s.w, seed: 4))
        let weight = WeightMatrix(Self.random(s.cout * s.cin * s.k * s.k, seed: 5).map { $0 * 0.05 })
        let f32 = try #require(OneDNNConvolution.conv2d(x, weight: weight, bias: nil, outChannels: s.cout, kernel: s.k, stride: 1, padding: 1))
        let bf16 = try #require(EnginePrecision.withCompute(.bf16) {
            OneDNNConvolution.conv2d(x, weight: weight, bias: nil, outChannels: s.cout, kernel: s.k, stride: 1, padding: 1)
        })
        let scale = f32.data.map(abs).max() ?? 1
        let worst = zip(bf16.data, f32.data).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst / scale < 0.02, "bf16 relative error \(worst / scale)")
        #expect(worst > 0, "the bf16 path really ran in bf16")
    }

    @Test func theMeasuredPolicySendsOnlyNarrowLayers() {
        if OneDNNConvolution.policy == .measured {
            #expect(OneDNNConvolution.applies(inChannels: 64, outChannels: 3))
            #expect(!OneDNNConvolution.applies(inChannels: 320, outChannels: 320))
            #expect(!OneDNNConvolution.applies(inChannels: 64, outChannels: 128))
        }
    }
}
