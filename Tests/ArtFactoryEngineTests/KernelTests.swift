import Foundation
import CEngineKernels
import Testing
@testable import ArtFactoryEngine

/// Each kernel against a direct, obviously-correct loop on random data.
@Suite struct KernelTests {
    struct Rng {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2000 - 1000) / 1000
        }
        mutating func tensor(_ shape: [Int]) -> Tensor {
            Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in next() })
        }
    }

    static func naiveConv(_ x: Tensor, _ w: Tensor, _ b: [Float], stride s: Int, padding p: Int) -> Tensor {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (co, k) = (w.shape[0], w.shape[2])
        let oh = (h + 2 * p - k) / s + 1, ow = (wd + 2 * p - k) / s + 1
        var out = Tensor(shape: [n, co, oh, ow])
        for bi in 0..<n { for o in 0..<co { for y in 0..<oh { for xx in 0..<ow {
            var sum = Double(b[o])
            for ci in 0..<c { for ky in 0..<k { for kx in 0..<k {
                let iy = y * s - p + ky, ix = xx * s - p + kx
                if iy >= 0 && iy < h && ix >= 0 && ix < wd {
                    sum += Double(x.data[((bi * c + ci) * h + iy) * wd + ix]) * Double(w.data[((o * c + ci) * k + ky) * k + kx])
                }
            } } }
            out.data[((bi * co + o) * oh + y) * ow + xx] = Float(sum)
        } } } }
        return out
    }

    @Test(arguments: [(3, 1, 1), (1, 1, 0), (3, 2, 1), (3, 2, 0)])
    func convolutionMatchesDirectLoop(kernel: Int, stride: Int, padding: Int) {
        var rng = Rng(state: 42)
        let x = rng.tensor([2, 5, 9, 11]), w = rng.tensor([7, 5, kernel, kernel]), b = rng.tensor([7]).data
        let fast = Convolution.conv2d(x, weight: WeightMatrix(w.data), bias: b, outChannels: 7, kernel: kernel, stride: stride, padding: padding)
        expectClose(fast, Self.naiveConv(x, w, b, stride: stride, padding: padding), tolerance: 1e-5, "conv k\(kernel) s\(stride) p\(padding)")
    }

    /// Winograd F(2x2, 3x3) on odd sizes (partial tiles on the bottom and right edges), with and without
    /// bias, in several tile chunks, against the direct loop.
    @Test(arguments: [(2, 5, 7, 33, 31, true), (1, 3, 4, 32, 32, false), (3, 9, 6, 17, 20, true)])
    func winogradMatchesDirectLoop(batch: Int, cin: Int, cout: Int, height: Int, width: Int, withBias: Bool) {
        #expect(Winograd.applies(batch: batch, height: height, width: width))
        var rng = Rng(state: UInt64(cin * 100 + height))
        let x = rng.tensor([batch, cin, height, width]), w = rng.tensor([cout, cin, 3, 3]), b = rng.tensor([cout]).data
        let fast = Winograd.conv3x3(x, weight: WeightMatrix(w.data), bias: withBias ? b : nil, outChannels: cout)
        let reference = Self.naiveConv(x, w, withBias ? b : [Float](repeating: 0, count: cout), stride: 1, padding: 1)
        expectClose(fast, reference, tolerance: 1e-5, "winograd \(x.shape) -> \(cout)")
    }

    @Test func winogradSplitsLargeInputsIntoTileChunks() {
        // 96 channels: 4 Mi floats / (16 * 96) = 2730 tiles per chunk < 2 * 48 * 40 tiles.
        var rng = Rng(state: 11)
        let x = rng.tensor([2, 96, 96, 80]), w = rng.tensor([8, 96, 3, 3]), b = rng.tensor([8]).data
        #expect(2 * 48 * 40 > Winograd.chunkFloats / (16 * 96))
        let fast = Winograd.conv3x3(x, weight: WeightMatrix(w.data), bias: b, outChannels: 8)
        let slow = Convolution.im2colConv2d(x, weight: WeightMatrix(w.data), bias: b, outChannels: 8, kernel: 3, stride: 1, padding: 1)
        expectClose(fast, slow, tolerance: 1e-5, "winograd vs im2col")
    }

    @Test func convolutionInRowBandsMatchesWholeImage() {
        // 64 channels * 9 * 2048 columns > the band budget, so the rows are split into several bands.
        var rng = Rng(state: 7)
        let x = rng.tensor([1, 64, 7, 2048]), w = rng.tensor([2, 64, 3, 3]), b: [Float] = [0.5, -0.5]
        #expect(64 * 9 * 2048 * 7 > Convolution.bandBudget && 64 * 9 * 2048 * 3 <= Convolution.bandBudget)
        let fast = Convolution.conv2d(x, weight: WeightMatrix(w.data), bias: b, outChannels: 2, kernel: 3, stride: 1, padding: 1)
        let slow = Self.naiveConv(x, w, b, stride: 1, padding: 1)
        expectClose(fast, slow, tolerance: 1e-5, "banded conv")
    }

    static func naiveAttention(_ q: Tensor, _ k: Tensor, _ v: Tensor, heads: Int, causal: Bool) -> Tensor {
        let (bn, n, width) = (q.shape[0], q.shape[1], q.shape[2]), m = k.shape[1], d = width / heads
        var out = Tensor(shape: q.shape)
        for b in 0..<bn { for h in 0..<heads { for i in 0..<n {
            var scores = [Double](repeating: -.infinity, count: m)
            for j in 0..<m where !(causal && j > i) {
                var s = 0.0
                for t in 0..<d { s += Double(q.data[(b * n + i) * width + h * d + t]) * Double(k.data[(b * m + j) * width + h * d + t]) }
                scores[j] = s / Double(d).squareRoot()
            }
            let top = scores.max() ?? 0
            let e = scores.map { exp($0 - top) }, total = e.reduce(0, +)
            for t in 0..<d {
                var acc = 0.0
                for j in 0..<m { acc += e[j] / total * Double(v.data[(b * m + j) * width + h * d + t]) }
                out.data[(b * n + i) * width + h * d + t] = Float(acc)
            }
        } } }
        return out
    }

    @Test func tiledAttentionMatchesFullSoftmax() {
        var rng = Rng(state: 3)
        // 600 query rows span three tiles (256, 256, 88); cross-attention to 77 keys and self-attention.
        let q = rng.tensor([2, 600, 16]), k = rng.tensor([2, 77, 16]), v = rng.tensor([2, 77, 16])
        expectClose(Attention.multiHead(q: q, k: k, v: v, heads: 4), Self.naiveAttention(q, k, v, heads: 4, causal: false), tolerance: 1e-5, "cross")
        let ks = rng.tensor([2, 600, 16]), vs = rng.tensor([2, 600, 16])
        expectClose(Attention.multiHead(q: q, k: ks, v: vs, heads: 2), Self.naiveAttention(q, ks, vs, heads: 2, causal: false), tolerance: 1e-5, "self")
        let qc = rng.tensor([1, 77, 8])
        expectClose(Attention.multiHead(q: qc, k: qc, v: qc, heads: 2, causal: true), Self.naiveAttention(qc, qc, qc, heads: 2, causal: true), tolerance: 1e-5, "causal")
    }

    /// The fused (flash-style) kernel against the exact softmax: head widths of 1, 2.5, 5 and 20 AVX
    /// vectors, key counts that end in a partial block and a partial 16-column group, query rows that
    /// end in partial 6-row and 48-row groups, and large scores so the running max moves between key blocks.
    /// On a CPU without AVX2 + FMA this checks the kernel's plain C reference instead (and the policy says no).
    @Test func fusedAttentionMatchesFullSoftmax() throws {
        print("fused attention: \(afk_vectorized() != 0 ? "AVX2 + FMA kernel" : "plain C reference (no AVX2 + FMA on this CPU)")")
        var rng = Rng(state: 11)
        let shapes: [(n: Int, m: Int, d: Int, heads: Int)] = [(250, 300, 40, 2), (97, 1000, 64, 1), (53, 257, 80, 2),
                                                              (20, 290, 160, 1), (7, 263, 8, 3)]
        for (n, m, d, heads) in shapes {
            let q = Elementwise.scale(rng.tensor([2, n, d * heads]), 4)
            let k = Elementwise.scale(rng.tensor([2, m, d * heads]), 4)
            let v = rng.tensor([2, m, d * heads])
            let fused = Attention.multiHeadFlash(q: q, k: k, v: v, heads: heads)
            expectClose(fused, Self.naiveAttention(q, k, v, heads: heads, causal: false), tolerance: 2e-5, "fused n \(n) m \(m) d \(d)")
        }
        // Below the key threshold, for wide heads and with a causal mask the tiled path still runs.
        #expect(!Attention.usesFlash(keys: 77, headDim: 40, causal: false))
        #expect(!Attention.usesFlash(keys: 1024, headDim: 80, causal: false))
        #expect(!Attention.usesFlash(keys: 4096, headDim: 40, causal: true))
        #expect(!Attention.usesFlash(keys: 4096, headDim: 36, causal: false))
    }

    /// The fused kernel with bf16 products (AVX-512 BF16), on the bf16 compute path: within bf16 rounding
    /// of the exact f32 softmax on the same odd shapes.
    @Test(.enabled(if: afk_flash_attention_bf16_supported() != 0, "needs AVX-512 BF16 (avx512_bf16) on this CPU"))
    func fusedAttentionWithBF16ProductsMatchesFullSoftmax() {
        var rng = Rng(state: 12)
        let shapes: [(n: Int, m: Int, d: Int, heads: Int)] = [(250, 300, 40, 2), (97, 1001, 64, 1), (53, 257, 80, 2),
                                                              (20, 290, 160, 1), (7, 263, 8, 3)]
        EnginePrecision.withCompute(.bf16) {
            #expect(Attention.usesFlash(keys: 4096, headDim: 40, causal: false))
            #expect(Attention.usesFlash(keys: 1024, headDim: 80, causal: false))
            #expect(!Attention.usesFlash(keys: 77, headDim: 40, causal: false))
            for (n, m, d, heads) in shapes {
                let q = Elementwise.scale(rng.tensor([2, n, d * heads]), 2)
                let k = Elementwise.scale(rng.tensor([2, m, d * heads]), 2)
                let v = rng.tensor([2, m, d * heads])
                let fused = Attention.multiHeadFlash(q: q, k: k, v: v, heads: heads)
                expectClose(fused, Self.naiveAttention(q, k, v, heads: heads, causal: false), tolerance: 1.5e-2,
                            "bf16 fused n \(n) m \(m) d \(d)")
            }
        }
    }

    @Test func groupNormMatchesDefinition() {
        var rng = Rng(state: 9)
        let x = Elementwise.scale(rng.tensor([2, 8, 5, 3]), 3)
        let gamma = rng.tensor([8]).data, beta = rng.tensor([8]).data
        let out = Normalization.groupNorm(x, groups: 4, gamma: gamma, beta: beta, epsilon: 1e-5, silu: true)
        var expected = Tensor(shape: x.shape)
        for b in 0..<2 { for g in 0..<4 {
            let idx = (0..<(2 * 15)).map { (b * 8 + g * 2) * 15 + $0 }
            let mean = idx.reduce(0.0) { $0 + Double(x.data[$1]) } / 30
            let variance = idx.reduce(0.0) { $0 + pow(Double(x.data[$1]) - mean, 2) } / 30
            for i in idx {
                let ch = (i / 15) % 8
                let v = (Double(x.data[i]) - mean) / (variance + 1e-5).squareRoot() * Double(gamma[ch]) + Double(beta[ch])
                expected.data[i] = Float(v / (1 + exp(-v)))
            }
        } }
        expectClose(out, expected, tolerance: 1e-5, "group norm + silu")
    }

    @Test func activationsAndResamplingMatchDefinitions() throws {
        var t = Tensor(shape: [3], data: [-1, 0, 2])
        try Activation.apply("gelu", to: &t)
        #expect(abs(t.data[0] - -0.158655) < 1e-5 && t.data[1] == 0 && abs(t.data[2] - 1.954500) < 1e-5)
        var q = Tensor(shape: [1], data: [1])
        try Activation.apply("quick_gelu", to: &q)
        #expect(abs(q.data[0] - Float(1 / (1 + exp(-1.702)))) < 1e-6)
        #expect(throws: EngineError.self) { try Activation.apply("relu6", to: &q) }
        let g = Activation.geglu(Tensor(shape: [1, 4], data: [2, 3, 1, -1]))
        #expect(abs(g.data[0] - 2 * 0.841345) < 1e-5 && abs(g.data[1] - 3 * -0.158655) < 1e-5)
        let up = Elementwise.upsampleNearest2x(Tensor(shape: [1, 1, 2, 2], data: [1, 2, 3, 4]))
        #expect(up.data == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        let odd = Elementwise.upsampleNearest(Tensor(shape: [1, 1, 1, 2], data: [1, 2]), height: 3, width: 3)
        #expect(odd.data == [1, 1, 2, 1, 1, 2, 1, 1, 2])
        let ln = Normalization.layerNorm(Tensor(shape: [1, 4], data: [1, 2, 3, 4]), gamma: [1, 1, 1, 1], beta: [0, 0, 0, 1], epsilon: 0)
        #expect(abs(ln.data[0] + 1.3416408) < 1e-5 && abs(ln.data[3] - 2.3416408) < 1e-5)
    }
}

