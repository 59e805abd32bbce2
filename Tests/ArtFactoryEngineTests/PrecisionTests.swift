import CEngineKernels
import Foundation
import Testing
@testable import ArtFactoryEngine

/// Conversions and CPU detection behind the precision paths (docs/precision.md).
@Suite struct PrecisionConversionTests {
    /// Round-to-nearest-even on the bit pattern, written independently of the C kernels.
    static func referenceBF16(_ f: Float) -> UInt16 {
        if f.isNaN { return UInt16(f.bitPattern >> 16) | 0x40 }
        let u = f.bitPattern
        let upper = u >> 16, lower = u & 0xFFFF
        if lower > 0x8000 || (lower == 0x8000 && upper & 1 == 1) { return UInt16(truncatingIfNeeded: upper + 1) }
        return UInt16(truncatingIfNeeded: upper)
    }

    @Test func bf16NarrowingRoundsToNearestEven() {
        var values: [Float] = [0, -0, 1, -1, 1.00390625, 1.0078125, 1.01171875, 3.14159265, 65504, Float(bitPattern: 0x0001_2345), -1e-38,
                               .infinity, -.infinity, .greatestFiniteMagnitude, .leastNormalMagnitude]
        // Exact ties: upper bits even stay, odd round up.
        values.append(Float(bitPattern: 0x3F80_8000))
        values.append(Float(bitPattern: 0x3F81_8000))
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<4093 { values.append(Float(bitPattern: UInt32.random(in: 0...0x7F7F_FFFF, using: &rng)) * (Bool.random() ? 1 : -1)) }
        var out = [UInt16](repeating: 0, count: values.count)
        afk_f32_to_bf16(values, &out, values.count)   // odd count: SIMD body and scalar tail
        for (i, v) in values.enumerated() {
            #expect(out[i] == Self.referenceBF16(v), "value \(v) (bits \(String(v.bitPattern, radix: 16)))")
        }
        var nan = [UInt16](repeating: 0, count: 9)
        afk_f32_to_bf16([Float](repeating: .nan, count: 9), &nan, 9)
        #expect(nan.allSatisfy { Float(bitPattern: UInt32($0) << 16).isNaN }, "NaN stays NaN")
    }

    @Test func halfPatternsWidenExactly() {
        let all = (0...UInt16.max).map { $0 }
        var f16 = [Float](repeating: 0, count: all.count), bf16 = [Float](repeating: 0, count: all.count)
        afk_f16_to_f32(all, &f16, all.count)
        afk_bf16_to_f32(all, &bf16, all.count)
        for bits in all {
            let want = Float(Float16(bitPattern: bits))
            let got = f16[Int(bits)]
            #expect(got == want || (got.isNaN && want.isNaN), "f16 \(String(bits, radix: 16))")
            let wantB = Float(bitPattern: UInt32(bits) << 16)
            let gotB = bf16[Int(bits)]
            #expect(gotB.bitPattern == wantB.bitPattern, "bf16 \(String(bits, radix: 16))")
        }
    }

    /// The run-time detection agrees with the kernel's own flags list.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/cpuinfo"), "needs Linux /proc/cpuinfo"))
    func cpuFeaturesMatchProcCpuinfo() throws {
        let text = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("flags") })
        let flags = Set(line.split(separator: " ").map(String.init))
        let ours = Set(EnginePrecision.cpuFlags)
        #expect(ours.contains("avx512_bf16") == flags.contains("avx512_bf16"))
        #expect(ours.contains("amx_bf16") == (flags.contains("amx_bf16") && flags.contains("amx_tile")))
        #expect(ours.contains("avx512_vnni") == flags.contains("avx512_vnni"))
        #expect(ours.contains("f16c") == flags.contains("f16c"))
        let bf16Capable = flags.contains("avx512_bf16") || flags.contains("amx_bf16")
        #expect(EnginePrecision.bf16Supported == (bf16Capable && ProcessInfo.processInfo.environment["ARTFACTORY_BF16"] != "off"))
        #expect(try EnginePrecision.resolve(.f32) == .f32)
        #expect(try EnginePrecision.resolve(.auto) == (EnginePrecision.bf16Supported ? .bf16 : .f32))
        let int8Capable = flags.contains("avx2") && flags.contains("fma")
        #expect(EnginePrecision.int8Supported == (int8Capable && ProcessInfo.processInfo.environment["ARTFACTORY_INT8"] != "off"))
        #expect(EnginePrecision.supportedPaths.contains(.int8) == EnginePrecision.int8Supported)
    }

    @Test(.enabled(if: !EnginePrecision.int8Supported, "this CPU has the int8 path; the refusal is for CPUs without it"))
    func int8IsRefusedWithTheReasonWhereTheCPULacksIt() {
        let error = #expect(throws: EngineError.self) { try EnginePrecision.resolve(.int8) }
        #expect(error?.code == "precision.unsupported")
        #expect(error?.message.contains("f32") == true)
    }

    @Test(.enabled(if: !EnginePrecision.bf16Supported, "this CPU has the bf16 path; the refusal is for CPUs without it"))
    func bf16IsRefusedWithTheReasonWhereTheCPULacksIt() {
        let error = #expect(throws: EngineError.self) { try EnginePrecision.resolve(.bf16) }
        #expect(error?.code == "precision.unsupported")
        #expect(error?.message.contains("f32") == true)
    }
}

/// Shared helpers: random tensors and relative error.
enum PrecisionSupport {
    static func random(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var state = seed | 1
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
        }
    }

    /// ‖a − b‖ / ‖b‖.
    static func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        var num = 0.0, den = 0.0
        for (x, y) in zip(a, b) { num += Double(x - y) * Double(x - y); den += Double(y) * Double(y) }
        return (num / max(den, 1e-30)).squareRoot()
    }

    static func f16(_ values: [Float]) -> WeightMatrix {
        WeightMatrix(values, as: .f16)
    }

    /// Every SD component file of `source` rewritten as `dtype` into a new folder.
    static func convertedPipeline(_ source: URL, dtype: SafeTensorsFile.DType) throws -> URL {
        let folder = try FixtureFiles.temporaryDirectory().appendingPathComponent("pipeline-\(dtype.rawValue)")
        try FileManager.default.copyItem(at: source, to: folder)
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "safetensors" } ?? []
        for url in files {
            let file = try SafeTensorsFile(path: url.path)
            var tensors: [String: Tensor] = [:]
            for name in file.names { tensors[name] = try file.tensor(named: name) }
            try SafeTensorsWriter.write(tensors, to: url.path, dtype: dtype)
        }
        return folder
    }

    static func request() -> GenerationRequest {
        var r = GenerationRequest(prompt: "a red circle on a blue background")
        r.width = 64
        r.height = 64
        r.steps = 4
        r.seed = 7
        return r
    }
}

/// Half-precision weights stay 16-bit in memory and give the products of their f32 values.
@Suite struct HalfPrecisionWeightTests {
    @Test func halfWeightsGiveTheProductsOfTheirWidenedValues() {
        // 1200 x 1000: more than one block of widened rows.
        let (rows, k, n) = (37, 1000, 1200)
        #expect(n > WeightProducts.blockFloats / k)
        let x = Tensor(shape: [rows, k], data: PrecisionSupport.random(rows * k, seed: 1))
        let half = PrecisionSupport.f16(PrecisionSupport.random(n * k, seed: 2, scale: 0.05))
        let full = WeightMatrix(half.floats)
        #expect(half.byteCount * 2 == full.byteCount)
        let bias = PrecisionSupport.random(n, seed: 3)
        let a = Elementwise.linear(x, weight: half, bias: bias, inFeatures: k, outFeatures: n)
        let b = Elementwise.linear(x, weight: full, bias: bias, inFeatures: k, outFeatures: n)
        #expect(PrecisionSupport.relativeError(a.data, b.data) < 1e-6)
    }

    @Test(arguments: [(3, 12), (1, 12), (3, 40)])   // im2col 3x3, 1x1, Winograd 3x3 (40x40 image)
    func halfConvolutionWeightsMatchF32(kernel: Int, size: Int) {
        let (cin, cout) = (24, 20)
        let x = Tensor(shape: [1, cin, size, size], data: PrecisionSupport.random(cin * size * size, seed: 4))
        let half = PrecisionSupport.f16(PrecisionSupport.random(cout * cin * kernel * kernel, seed: 5, scale: 0.1))
        let full = WeightMatrix(half.floats)
        let bias = PrecisionSupport.random(cout, seed: 6)
        let a = Convolution.conv2d(x, weight: half, bias: bias, outChannels: cout, kernel: kernel, stride: 1, padding: kernel / 2)
        let b = Convolution.conv2d(x, weight: full, bias: bias, outChannels: cout, kernel: kernel, stride: 1, padding: kernel / 2)
        #expect(PrecisionSupport.relativeError(a.data, b.data) < 1e-6)
    }

    @Test func halfCheckpointsAreHeldInHalfTheMemoryAndDrawTheSameImage() throws {
        // The fixture is an f16 file (as most SD checkpoints are); an f32 copy of the same values is the baseline.
        let source = FixtureFiles.url("pipelines/sd1-tiny")
        let f32Folder = try PrecisionSupport.convertedPipeline(source, dtype: .f32)
        defer { try? FileManager.default.removeItem(at: f32Folder.deletingLastPathComponent()) }
        let full = try StableDiffusionPipeline.load(directory: f32Folder)
        let half = try StableDiffusionPipeline.load(directory: source)
        #expect(try #require(full.unet as? UNet2DConditionModel).convIn.weight.kind == .f32)
        let unetFull = try #require(full.unet as? UNet2DConditionModel), unetHalf = try #require(half.unet as? UNet2DConditionModel)
        let ratio = Double(unetHalf.byteCount) / Double(unetFull.byteCount)
        #expect(ratio < 0.6, "f16 UNet holds \(unetHalf.byteCount) bytes against \(unetFull.byteCount) for f32")
        #expect(unetHalf.convIn.weight.kind == .f16)
        let a = try full.generate(PrecisionSupport.request()).images[0], b = try half.generate(PrecisionSupport.request()).images[0]
        let value = PipelineImageTests.psnr(a.pixels, b.pixels)
        #expect(value >= 40, "f16-held weights against their f32 values: PSNR \(value) dB")

        let narrowed = try StableDiffusionPipeline.load(path: f32Folder.path, narrowWeightsToBF16: true)
        let unetNarrow = try #require(narrowed.unet as? UNet2DConditionModel)
        #expect(unetNarrow.convIn.weight.kind == .bf16)
        #expect(Double(unetNarrow.byteCount) / Double(unetFull.byteCount) < 0.6)
        let c = try narrowed.generate(PrecisionSupport.request()).images[0]
        let narrowValue = PipelineImageTests.psnr(a.pixels, c.pixels)
        #expect(narrowValue >= 30, "bf16-held weights on the f32 path against f32: PSNR \(narrowValue) dB")
    }
}

/// The bf16 path (oneDNN) against the f32 path, where the CPU has AVX-512 BF16 or AMX.
@Suite(.enabled(if: EnginePrecision.bf16Supported,
                "bf16 path skipped: \(EnginePrecision.bf16Unavailability ?? "")"))
struct BF16PathTests {
    @Test func linearProductsAreWithinBF16Rounding() {
        let (rows, k, n) = (64, 320, 96)
        let x = Tensor(shape: [rows, k], data: PrecisionSupport.random(rows * k, seed: 11))
        for weight in [WeightMatrix(PrecisionSupport.random(n * k, seed: 12, scale: 0.05)),
                       PrecisionSupport.f16(PrecisionSupport.random(n * k, seed: 12, scale: 0.05))] {
            let bias = PrecisionSupport.random(n, seed: 13)
            let f32 = Elementwise.linear(x, weight: weight, bias: bias, inFeatures: k, outFeatures: n)
            let bf16 = EnginePrecision.withCompute(.bf16) {
                Elementwise.linear(x, weight: weight, bias: bias, inFeatures: k, outFeatures: n)
            }
            let error = PrecisionSupport.relativeError(bf16.data, f32.data)
            #expect(error < 1e-2, "\(weight.kind) weights: relative error \(error)")
            #expect(error > 0, "the bf16 path ran (its rounding differs from f32)")
        }
    }

    @Test(arguments: [(3, 12), (1, 12), (3, 40)])
    func convolutionsAreWithinBF16Rounding(kernel: Int, size: Int) {
        let (cin, cout) = (24, 20)
        let x = Tensor(shape: [2, cin, size, size], data: PrecisionSupport.random(2 * cin * size * size, seed: 14))
        let weight = WeightMatrix(PrecisionSupport.random(cout * cin * kernel * kernel, seed: 15, scale: 0.1))
        let bias = PrecisionSupport.random(cout, seed: 16)
        let f32 = Convolution.conv2d(x, weight: weight, bias: bias, outChannels: cout, kernel: kernel, stride: 1, padding: kernel / 2)
        let bf16 = EnginePrecision.withCompute(.bf16) {
            Convolution.conv2d(x, weight: weight, bias: bias, outChannels: cout, kernel: kernel, stride: 1, padding: kernel / 2)
        }
        let error = PrecisionSupport.relativeError(bf16.data, f32.data)
        #expect(error < 2e-2, "k\(kernel) \(size)²: relative error \(error)")
        #expect(error > 0)
    }

    @Test(arguments: [false, true])
    func attentionIsWithinBF16Rounding(causal: Bool) {
        let (batch, n, m, heads, d) = (2, 77, 300, 4, 16)   // m ≥ Attention.bf16MinimumKeys
        let q = Tensor(shape: [batch, n, heads * d], data: PrecisionSupport.random(batch * n * heads * d, seed: 17))
        let k = Tensor(shape: [batch, m, heads * d], data: PrecisionSupport.random(batch * m * heads * d, seed: 18))
        let v = Tensor(shape: [batch, m, heads * d], data: PrecisionSupport.random(batch * m * heads * d, seed: 19))
        let f32 = Attention.multiHead(q: q, k: k, v: v, heads: heads, causal: causal)
        let bf16 = EnginePrecision.withCompute(.bf16) { Attention.multiHead(q: q, k: k, v: v, heads: heads, causal: causal) }
        let error = PrecisionSupport.relativeError(bf16.data, f32.data)
        #expect(error < 2e-2, "relative error \(error)")
        #expect(error > 0)
    }

    /// The tiny pipeline on the bf16 path stays within the quality bar of the f32 path (≥ 30 dB).
    @Test func tinyPipelineImageIsWithinTheQualityBar() throws {
        let pipeline = try PipelineImageTests.loaded.pipeline("sd1-tiny")
        var r = PrecisionSupport.request()
        let f32 = try pipeline.generate(r)
        r.precision = .bf16
        let bf16 = try pipeline.generate(r)
        #expect(f32.computePath == .f32 && bf16.computePath == .bf16)
        let value = PipelineImageTests.psnr(f32.images[0].pixels, bf16.images[0].pixels)
        #expect(value >= 30, "bf16 against f32: PSNR \(value) dB")
        #expect(value < .infinity, "the bf16 path ran")
        r.precision = .auto
        #expect(try pipeline.generate(r).computePath == .bf16)
    }
}

/// The int8 path (dynamic quantisation, oneDNN s8 products) against the f32 path, where the CPU has AVX2
/// (VNNI and AMX-INT8 kernels where it has those; `DNNL_MAX_CPU_ISA=AVX2` runs these on the AVX2 kernels).
@Suite(.enabled(if: EnginePrecision.int8Supported,
                "int8 path skipped: \(EnginePrecision.int8Unavailability ?? "")"))
struct Int8PathTests {
    static func randomInt8(_ count: Int, seed: UInt64, levels: Int) -> [Int8] {
        PrecisionSupport.random(count, seed: seed).map { Int8(($0 * Float(levels)).rounded()) }
    }

    /// oneDNN's s8 products are exact integer sums, batched and strided as Winograd and the linear layers use them.
    @Test func s8ProductsAreExact() {
        let (batch, m, n, k) = (3, 19, 37, 70)
        let levels = Int(Int8Products.weightsSideLevels)
        let a = Self.randomInt8(batch * m * k, seed: 21, levels: 127)
        let b = Self.randomInt8(batch * n * k, seed: 22, levels: levels)   // [batch][n][k]: transposed, as weights
        var c = [Int32](repeating: 0, count: batch * m * n)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    Int8Products.matmul(batch: batch, m: m, n: n, k: k, a: ap.baseAddress!, aBatchStride: m * k, aRowStride: k,
                                        aColumnStride: 1, b: bp.baseAddress!, bBatchStride: n * k, bRowStride: 1, bColumnStride: k,
                                        c: cp.baseAddress!, cBatchStride: m * n, cRowStride: n)
                }
            }
        }
        var wrong = 0
        for p in 0..<batch {
            for i in 0..<m {
                for j in 0..<n {
                    var sum: Int32 = 0
                    for q in 0..<k { sum += Int32(a[(p * m + i) * k + q]) * Int32(b[(p * n + j) * k + q]) }
                    if sum != c[(p * m + i) * n + j] { wrong += 1 }
                }
            }
        }
        #expect(wrong == 0, "\(wrong) of \(batch * m * n) sums differ from the exact ones")
    }

    /// Per-row quantisation: |q| ≤ levels, the largest magnitude maps to ±levels, every value within half a
    /// step, zero rows give zeros; f16 and bf16 rows quantise as their widened values.
    @Test func rowQuantisationIsWithinHalfAStep() {
        let (rows, cols) = (5, 203)
        var values = PrecisionSupport.random(rows * cols, seed: 23, scale: 3)
        for c in 0..<cols { values[2 * cols + c] = 0 }
        let weight = WeightMatrix(values)
        for levels: Int32 in [127, 63] {
            let q = Int8Products.quantiseRows(weight, rows: rows, columns: cols, levels: levels)
            defer { q.deallocate() }
            for r in 0..<rows {
                let scale = q.scales[r]
                let row = values[r * cols ..< (r + 1) * cols]
                let peak = row.map(abs).max() ?? 0
                #expect(abs(scale - peak / Float(levels)) <= 1e-6 * peak)
                var worst: Float = 0, top: Int8 = 0
                for c in 0..<cols {
                    let v = q.q[r * cols + c]
                    #expect(abs(Int(v)) <= Int(levels))
                    top = max(top, Int8(abs(Int(v))))
                    worst = max(worst, abs(Float(v) * scale - values[r * cols + c]))
                }
                if peak == 0 {
                    #expect(top == 0 && scale == 0)
                } else {
                    #expect(Int32(top) == levels)
                    #expect(worst <= scale * 0.5001, "row \(r): error \(worst) for a step of \(scale)")
                }
            }
        }
        for kind in [WeightPrecision.f16, .bf16] {
            let half = WeightMatrix(values, as: kind)
            let a = Int8Products.quantiseRows(half, rows: rows, columns: cols, levels: 127)
            let b = Int8Products.quantiseRows(WeightMatrix(half.floats), rows: rows, columns: cols, levels: 127)
            defer { a.deallocate(); b.deallocate() }
            #expect(a.scales == b.scales)
            #expect((0..<rows * cols).allSatisfy { a.q[$0] == b.q[$0] }, "\(kind) rows quantise as their f32 values")
        }
    }

    /// Per-column quantisation (convolution inputs, Winograd tiles) over a strided block of columns.
    @Test func columnQuantisationIsWithinHalfAStep() {
        let (rows, cols, ld) = (41, 29, 33)
        let values = PrecisionSupport.random(rows * ld, seed: 24, scale: 2)
        var q = [Int8](repeating: 99, count: rows * cols)
        var scales = [Float](repeating: -1, count: cols)
        values.withUnsafeBufferPointer { vp in
            q.withUnsafeMutableBufferPointer { qp in
                scales.withUnsafeMutableBufferPointer { sp in
                    Int8Products.quantiseColumns(vp.baseAddress!, ld: ld, rows: rows, columns: cols, levels: 127,
                                                 into: qp.baseAddress!, scales: sp.baseAddress!)
                }
            }
        }
        for c in 0..<cols {
            let peak = (0..<rows).map { abs(values[$0 * ld + c]) }.max() ?? 0
            #expect(abs(scales[c] - peak / 127) <= 1e-6 * peak)
            var worst: Float = 0
            for r in 0..<rows {
                let back = Float(q[r * cols + c]) * scales[c]
                worst = max(worst, abs(back - values[r * ld + c]))
            }
            #expect(worst <= scales[c] * 0.5001, "column \(c): error \(worst) for a step of \(scales[c])")
        }
    }

    @Test func linearProductsAreWithinInt8Rounding() {
        let (rows, k, n) = (300, 320, 96)
        let x = Tensor(shape: [rows, k], data: PrecisionSupport.random(rows * k, seed: 25))
        for weight in [WeightMatrix(PrecisionSupport.random(n * k, seed: 26, scale: 0.05)),
                       WeightMatrix(PrecisionSupport.random(n * k, seed: 26, scale: 0.05), as: .bf16)] {
            let bias = PrecisionSupport.random(n, seed: 27)
            let f32 = Elementwise.linear(x, weight: weight, bias: bias, inFeatures: k, outFeatures: n)
            let int8 = EnginePrecision.withCompute(.int8) {
                Elementwise.linear(x, weight: weight, bias: bias, inFeatures: k, outFeatures: n)
            }
            let error = PrecisionSupport.relativeError(int8.data, f32.data)
            #expect(error < 2e-2, "\(weight.kind) weights: relative error \(error)")
            #expect(error > 1e-5, "the int8 path ran (its rounding differs from f32)")
        }
    }

    /// im2col 3x3 and 1x1 (one int8 product of the weight and the input columns) and Winograd 3x3 (16 batched
    /// products of transformed tiles).
    /// The last case is a 1×1 convolution over more columns than one block of s32 sums holds (two blocks).
    @Test(arguments: [(3, 12), (1, 12), (3, 40), (1, 260)])
    func convolutionsAreWithinInt8Rounding(kernel: Int, size: Int) {
        // Wider than OneDNNConvolution.narrowChannels: narrow layers (the tiny decoder's) stay on oneDNN's
        // f32/bf16 convolutions on every path.
        let (cin, cout) = (72, 66)
        let x = Tensor(shape: [2, cin, size, size], data: PrecisionSupport.random(2 * cin * size * size, seed: 28))
        let weight = WeightMatrix(PrecisionSupport.random(cout * cin * kernel * kernel, seed: 29, scale: 0.1))
        let bias = PrecisionSupport.random(cout, seed: 30)
        let f32 = Convolution.conv2d(x, weight: weight, bias: bias, outChannels: cout, kernel: kernel, stride: 1, padding: kernel / 2)
        let int8 = EnginePrecision.withCompute(.int8) {
            Convolution.conv2d(x, weight: weight, bias: bias, outChannels: cout, kernel: kernel, stride: 1, padding: kernel / 2)
        }
        let error = PrecisionSupport.relativeError(int8.data, f32.data)
        #expect(error < 3e-2, "k\(kernel) \(size)²: relative error \(error)")
        #expect(error > 1e-5)
    }

    /// Narrow convolutions (at most 64 channels: the tiny decoder's, the upscalers') run unquantised on the int8 path.
    @Test func narrowConvolutionsLeaveInt8() {
        let x = Tensor(shape: [1, 24, 20, 20], data: PrecisionSupport.random(24 * 400, seed: 33))
        let weight = WeightMatrix(PrecisionSupport.random(20 * 24 * 9, seed: 34, scale: 0.1))
        let plain = EnginePrecision.withCompute(EnginePrecision.bf16Supported ? .bf16 : .f32) {
            Convolution.conv2d(x, weight: weight, bias: nil, outChannels: 20, kernel: 3, stride: 1, padding: 1)
        }
        let int8 = EnginePrecision.withCompute(.int8) {
            Convolution.conv2d(x, weight: weight, bias: nil, outChannels: 20, kernel: 3, stride: 1, padding: 1)
        }
        #expect(int8.data == plain.data)
    }

    /// The text encoder and attention run unquantised on the int8 path.
    @Test func textEncoderAndAttentionLeaveInt8() {
        let inside = EnginePrecision.withCompute(.int8) { EnginePrecision.withoutInt8 { EnginePrecision.currentCompute } }
        #expect(inside == (EnginePrecision.bf16Supported ? .bf16 : .f32))
        let (batch, n, m, heads, d) = (1, 40, 300, 2, 16)
        let q = Tensor(shape: [batch, n, heads * d], data: PrecisionSupport.random(batch * n * heads * d, seed: 31))
        let kv = Tensor(shape: [batch, m, heads * d], data: PrecisionSupport.random(batch * m * heads * d, seed: 32))
        let plain = EnginePrecision.withCompute(EnginePrecision.bf16Supported ? .bf16 : .f32) {
            Attention.multiHead(q: q, k: kv, v: kv, heads: heads)
        }
        let int8 = EnginePrecision.withCompute(.int8) { Attention.multiHead(q: q, k: kv, v: kv, heads: heads) }
        #expect(int8.data == plain.data)
    }

    /// The tiny pipeline on the int8 path stays within its quality bar against the f32 path (≥ 25 dB), records
    /// the path it ran, and `auto` never picks it.
    @Test func tinyPipelineImageIsWithinTheQualityBar() throws {
        let pipeline = try PipelineImageTests.loaded.pipeline("sd1-tiny")
        var r = PrecisionSupport.request()
        let f32 = try pipeline.generate(r)
        r.precision = .int8
        let int8 = try pipeline.generate(r)
        #expect(int8.computePath == .int8)
        let value = PipelineImageTests.psnr(f32.images[0].pixels, int8.images[0].pixels)
        #expect(value >= 25, "int8 against f32: PSNR \(value) dB")
        #expect(value < .infinity, "the int8 path ran")
        r.precision = .auto
        #expect(try pipeline.generate(r).computePath != .int8)
    }
}
