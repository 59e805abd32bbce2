import CEngineDNNL
import CEngineKernels
import Foundation

/// 2-D convolution (NCHW, square kernels) as im2col + GEMM, in bands of output rows so the
/// column buffer stays small (a 512x512 VAE layer would otherwise need a >1 GB buffer).
enum Convolution {
    /// Column-buffer budget in floats (16 MiB).
    static let bandBudget = 4 << 20

    /// - Parameters:
    ///   - x: `[B, Cin, H, W]`.
    ///   - weight: `[Cout, Cin, k, k]` contiguous; `bias`: `[Cout]` or nil.
    /// - Returns: `[B, Cout, OH, OW]` with `OH = (H + 2p - k) / stride + 1`.
    ///   Low-rank side products of the weight, if any, are added as a `k×k` convolution to `rank`
    ///   channels followed by a 1×1 one.
    ///   `oneDNNAtAnyWidth` sends the layer to oneDNN whatever its width where the measured policy
    ///   applies (the upscalers, see ``OneDNNConvolution``).
    static func conv2d(_ x: Tensor, weight: WeightMatrix, bias: [Float]?,
                       outChannels: Int, kernel k: Int, stride s: Int, padding p: Int, oneDNNAtAnyWidth: Bool = false) -> Tensor {
        guard !weight.sides.isEmpty else {
            return conv2dWithoutSides(x, weight: weight, bias: bias, outChannels: outChannels, kernel: k, stride: s, padding: p,
                                      oneDNNAtAnyWidth: oneDNNAtAnyWidth)
        }
        var plain = weight
        plain.sides = []
        var y = conv2dWithoutSides(x, weight: plain, bias: bias, outChannels: outChannels, kernel: k, stride: s, padding: p)
        for side in weight.sides {
            let t = conv2dWithoutSides(x, weight: side.down, bias: nil, outChannels: side.rank, kernel: k, stride: s, padding: p)
            let u = conv2dWithoutSides(t, weight: side.up, bias: nil, outChannels: outChannels, kernel: 1, stride: 1, padding: 0)
            let scale = side.scale
            y.data.withUnsafeMutableBufferPointer { yp in
                u.data.withUnsafeBufferPointer { up in
                    for i in 0..<yp.count { yp[i] += scale * up[i] }
                }
            }
        }
        return y
    }

    private static func conv2dWithoutSides(_ x: Tensor, weight: WeightMatrix, bias: [Float]?,
                                           outChannels: Int, kernel k: Int, stride s: Int, padding p: Int,
                                           oneDNNAtAnyWidth: Bool = false) -> Tensor {
        // The int8 path leaves narrow layers (at most 64 channels in and out: the tiny decoder's) unquantised
        // wherever they run: on AVX2 their int8 im2col took 2.9 s for a 512² TAESD decode against 2.1 s in f32.
        if EnginePrecision.compute == .int8, x.shape[1] <= OneDNNConvolution.narrowChannels,
           outChannels <= OneDNNConvolution.narrowChannels {
            return EnginePrecision.withoutInt8 {
                conv2dWithoutSides(x, weight: weight, bias: bias, outChannels: outChannels, kernel: k, stride: s, padding: p,
                                   oneDNNAtAnyWidth: oneDNNAtAnyWidth)
            }
        }
        if OneDNNConvolution.applies(inChannels: x.shape[1], outChannels: outChannels, anyWidth: oneDNNAtAnyWidth),
           let y = OneDNNConvolution.conv2d(x, weight: weight, bias: bias, outChannels: outChannels, kernel: k, stride: s, padding: p) {
            return y
        }
        let n = x.shape[0], h = x.shape[2], w = x.shape[3]
        if k == 3 && s == 1 && p == 1 && Winograd.applies(batch: n, height: h, width: w) {
            return Winograd.conv3x3(x, weight: weight, bias: bias, outChannels: outChannels)
        }
        return im2colConv2d(x, weight: weight, bias: bias, outChannels: outChannels, kernel: k, stride: s, padding: p)
    }

    /// The general path: im2col in row bands + GEMM.
    static func im2colConv2d(_ x: Tensor, weight stored: WeightMatrix, bias: [Float]?,
                             outChannels: Int, kernel k: Int, stride s: Int, padding p: Int) -> Tensor {
        // On the f32 path a half-precision kernel is widened once for the call (a transient f32 copy, at
        // most 59 MB for a 1280-channel 3x3 layer): widening it block by block per image and band made
        // these small-image convolutions up to 1.9x slower (artfactory-bench-engine ops).
        let weight = stored.kind == .f32 || EnginePrecision.compute != .f32 ? stored : WeightMatrix(stored.floats)
        let n = x.shape[0], cin = x.shape[1], h = x.shape[2], w = x.shape[3]
        let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
        var out = Tensor(shape: [n, outChannels, oh, ow])
        let kk = cin * k * k
        let plane = oh * ow
        x.data.withUnsafeBufferPointer { xp in
            out.data.withUnsafeMutableBufferPointer { op in
                guard let xb = xp.baseAddress, let ob = op.baseAddress else { return }
                if let bias {
                    for b in 0..<n {
                        for co in 0..<outChannels {
                            (ob + (b * outChannels + co) * plane).update(repeating: bias[co], count: plane)
                        }
                    }
                }
                let accumulate = bias != nil
                if k == 1 && s == 1 && p == 0 {
                    for b in 0..<n {
                        WeightProducts.weightTimes(weight, rows: outChannels, k: cin, b: xb + b * cin * h * w, ldb: h * w,
                                                   columns: plane, c: ob + b * outChannels * plane, ldc: plane,
                                                   accumulate: accumulate)
                    }
                    return
                }
                let bandRows = max(1, min(oh, bandBudget / max(1, kk * ow)))
                let col = UnsafeMutablePointer<Float>.allocate(capacity: kk * bandRows * ow)
                defer { col.deallocate() }
                for b in 0..<n {
                    let src = xb + b * cin * h * w
                    var y0 = 0
                    while y0 < oh {
                        let rows = min(bandRows, oh - y0)
                        im2col(src, channels: cin, height: h, width: w, kernel: k, stride: s, padding: p,
                               outWidth: ow, firstRow: y0, rows: rows, into: col)
                        WeightProducts.weightTimes(weight, rows: outChannels, k: kk, b: col, ldb: rows * ow,
                                                   columns: rows * ow, c: ob + b * outChannels * plane + y0 * ow,
                                                   ldc: plane, accumulate: accumulate)
                        y0 += rows
                    }
                }
            }
        }
        return out
    }

    /// Fills `col[(c*k + ky)*k + kx][r*ow + ox]` for output rows `firstRow..<firstRow+rows`.
    private static func im2col(_ src: UnsafePointer<Float>, channels: Int, height h: Int, width w: Int,
                               kernel k: Int, stride s: Int, padding p: Int, outWidth ow: Int,
                               firstRow: Int, rows: Int, into col: UnsafeMutablePointer<Float>) {
        let rowLen = rows * ow
        Parallel.forEachChunk(channels, minimumPerChunk: 4) { chans in
            for c in chans {
                let plane = src + c * h * w
                for ky in 0..<k {
                    for kx in 0..<k {
                        let dst = col + ((c * k + ky) * k + kx) * rowLen
                        for r in 0..<rows {
                            let iy = (firstRow + r) * s - p + ky
                            let d = dst + r * ow
                            guard iy >= 0 && iy < h else {
                                d.update(repeating: 0, count: ow)
                                continue
                            }
                            let line = plane + iy * w
                            if s == 1 {
                                // ix = ox - p + kx; valid ox range is contiguous.
                                let lo = max(0, p - kx), hi = min(ow, w + p - kx)
                                if lo > 0 { d.update(repeating: 0, count: lo) }
                                if hi > lo { (d + lo).update(from: line + (lo - p + kx), count: hi - lo) }
                                if hi < ow { (d + max(hi, lo)).update(repeating: 0, count: ow - max(hi, lo)) }
                            } else {
                                for ox in 0..<ow {
                                    let ix = ox * s - p + kx
                                    d[ox] = (ix >= 0 && ix < w) ? line[ix] : 0
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// 3x3 convolutions with stride 1 and padding 1 by Winograd's minimal filtering F(2x2, 3x3) (Lavin &
/// Gray 2015): each 4x4 input tile and 3x3 filter are transformed so that 16 element-wise products
/// summed over input channels (16 GEMMs of `[Cout x Cin] x [Cin x tiles]`) give a 2x2 output tile:
/// 16 multiplications per 4 outputs instead of 36, i.e. 2.25x fewer than im2col + GEMM. The transforms
/// are cheap add/subtract passes (CEngineKernels). Rounding differs from direct convolution by a few
/// ulps of the inputs' scale. Small images keep im2col, whose one large GEMM beats 16 small ones.
/// `ARTFACTORY_CONV=im2col` turns it off (for comparisons).
enum Winograd {
    static let enabled = ProcessInfo.processInfo.environment["ARTFACTORY_CONV"] != "im2col"
    /// Fewest tiles (2x2 outputs, over the whole batch) for which the 16 GEMMs are worth it.
    static let minimumTiles = 256
    /// Floats in each of the two transformed buffers (16 MiB): tiles are processed in chunks.
    static let chunkFloats = 4 << 20

    static func applies(batch: Int, height: Int, width: Int) -> Bool {
        enabled && batch * ((height + 1) / 2) * ((width + 1) / 2) >= minimumTiles
    }

    /// - Parameters: `x` `[B, Cin, H, W]`; `weight` `[Cout, Cin, 3, 3]`; `bias` `[Cout]` or nil.
    /// - Returns: `[B, Cout, H, W]`.
    static func conv3x3(_ x: Tensor, weight: WeightMatrix, bias: [Float]?, outChannels cout: Int) -> Tensor {
        let cin = x.shape[1]
        return bias.withOptionalPointer { bias in
            switch weight.storage {
            case .f32(let values):
                return values.withUnsafeBufferPointer { w in
                    conv3x3(x, bias: bias, outChannels: cout) { u, r in
                        afk_winograd_weights(w.baseAddress!, u, cout, cin, r.lowerBound, r.upperBound)
                    }
                }
            case .f16(let bits), .bf16(let bits):
                // Half-precision kernels are widened one output channel at a time inside the transform.
                let isBF16: Int32 = weight.kind == .bf16 ? 1 : 0
                return bits.withUnsafeBufferPointer { w in
                    conv3x3(x, bias: bias, outChannels: cout) { u, r in
                        afk_winograd_weights_half(w.baseAddress!, isBF16, u, cout, cin, r.lowerBound, r.upperBound)
                    }
                }
            }
        }
    }

    /// The transforms and products; `transform(u, channels)` fills the transformed weights of those output channels.
    private static func conv3x3(_ x: Tensor, bias: UnsafePointer<Float>?, outChannels cout: Int,
                                transform: (UnsafeMutablePointer<Float>, Range<Int>) -> Void) -> Tensor {
        let n = x.shape[0], cin = x.shape[1], h = x.shape[2], w = x.shape[3]
        var out = Tensor(shape: [n, cout, h, w])
        let total = n * ((h + 1) / 2) * ((w + 1) / 2)
        let chunk = max(1, min(total, chunkFloats / (16 * max(cin, cout))))
        let u = UnsafeMutablePointer<Float>.allocate(capacity: 16 * cout * cin)
        let v = UnsafeMutablePointer<Float>.allocate(capacity: 16 * cin * chunk)
        let m = UnsafeMutablePointer<Float>.allocate(capacity: 16 * cout * chunk)
        defer { u.deallocate(); v.deallocate(); m.deallocate() }
        Parallel.forEachChunk(cout, minimumPerChunk: 8) { r in transform(u, r) }
        // On the bf16 path the 16 products run as one batched oneDNN call on bf16 copies.
        let bf16 = EnginePrecision.compute == .bf16
        // On the int8 path they run as one batched s8 call, quantised per (ξ, output channel) and (ξ, tile).
        let qu: Int8Products.Quantised? = EnginePrecision.compute == .int8
            ? Int8Products.quantiseRows(u, ld: cin, rows: 16 * cout, columns: cin) : nil
        defer { qu?.deallocate() }
        let ub: UnsafeMutablePointer<UInt16>? = bf16 ? BF16.copy(u, count: 16 * cout * cin) : nil
        let vb: UnsafeMutablePointer<UInt16>? = bf16 ? .allocate(capacity: 16 * cin * chunk) : nil
        defer { ub?.deallocate(); vb?.deallocate() }
        x.data.withUnsafeBufferPointer { xp in
            out.data.withUnsafeMutableBufferPointer { op in
                guard let xb = xp.baseAddress, let ob = op.baseAddress else { return }
                var first = 0
                while first < total {
                    let t0 = first, nt = min(chunk, total - first)
                    Parallel.forEachChunk(cin, minimumPerChunk: 4) { r in
                        afk_winograd_input(xb, v, cin, h, w, t0, nt, nt, r.lowerBound, r.upperBound)
                    }
                    if let qu {
                        Int8Products.winograd(qu, cout: cout, cin: cin, v: v, tiles: nt, into: m)
                    } else if let ub, let vb {
                        // v is laid out [16][cin][nt] for this chunk.
                        BF16.narrow(v, into: vb, count: 16 * cin * nt)
                        BF16Products.matmul(batch: 16, m: cout, n: nt, k: cin,
                                            a: ub, aBatchStride: cout * cin, aRowStride: cin, aColumnStride: 1,
                                            b: vb, bBatchStride: cin * nt, bRowStride: nt, bColumnStride: 1,
                                            c: m, cBatchStride: cout * nt, cRowStride: nt)
                    } else {
                    // 16 independent GEMMs: one core each, rather than 16 hand-offs to OpenBLAS's threads.
                    BLAS.singleThreaded {
                        Parallel.forEachChunk(16) { r in
                            for xi in r {
                                BLAS.gemm(m: cout, n: nt, k: cin, a: u + xi * cout * cin, lda: cin, b: v + xi * cin * nt,
                                          ldb: nt, c: m + xi * cout * nt, ldc: nt)
                            }
                        }
                    }
                    }
                    Parallel.forEachChunk(cout, minimumPerChunk: 4) { r in
                        afk_winograd_output(m, ob, bias, cout, h, w, t0, nt, nt, r.lowerBound, r.upperBound)
                    }
                    first += nt
                }
            }
        }
        return out
    }
}

extension Optional where Wrapped == [Float] {
    /// Calls `body` with the array's base address, or nil.
    func withOptionalPointer<T>(_ body: (UnsafePointer<Float>?) -> T) -> T {
        guard let array = self else { return body(nil) }
        return array.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

/// Convolutions through oneDNN's own kernels (`afk_dnnl_conv2d`: it picks blocked layouts and reorders
/// around the call), in f32 or, on the bf16 compute path, bf16.
///
/// Used where it measured faster on this project's AVX-512 machine (docs/benchmarks.md, "oneDNN
/// convolutions"): narrow layers of at most 64 channels in and out — the tiny decoder's, where oneDNN
/// decoded a 512² image 2.6× faster in bf16 and 1.3-1.6× in f32. The UNet's and the full VAE's wide
/// layers stay on the native Winograd/im2col path, which was faster for the UNet on both paths and for
/// the VAE in f32. The upscalers' layers (64-192 channels at large images) go to oneDNN at any width:
/// RRDBNet x4 at 256² took 22.7 s on oneDNN against 28.1 s native, SRVGGNetCompact x4 at 512² 8.2 s
/// against 9.7 s (idle, docs/benchmarks.md). AVX2-only CPUs keep the native path (not measured there).
/// `ARTFACTORY_CONV=onednn|native` sends every convolution one way. A call oneDNN refuses falls back.
enum OneDNNConvolution {
    enum Policy { case measured, all, none }

    static let policy: Policy = {
        guard afk_dnnl_available() != 0 else { return .none }
        switch ProcessInfo.processInfo.environment["ARTFACTORY_CONV"] {
        case "onednn": return .all
        case "native": return .none
        default: return EnginePrecision.features & AFK_CPU_AVX512F != 0 ? .measured : .none
        }
    }()

    /// Widest layer (in and out channels) sent to oneDNN under the measured policy.
    static let narrowChannels = 64

    static func applies(inChannels: Int, outChannels: Int, anyWidth: Bool = false) -> Bool {
        switch policy {
        case .all: true
        case .none: false
        case .measured: anyWidth || (inChannels <= narrowChannels && outChannels <= narrowChannels)
        }
    }

    static func conv2d(_ x: Tensor, weight: WeightMatrix, bias: [Float]?, outChannels: Int, kernel k: Int, stride s: Int,
                       padding p: Int) -> Tensor? {
        let n = x.shape[0], cin = x.shape[1], h = x.shape[2], w = x.shape[3]
        let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
        guard oh > 0, ow > 0 else { return nil }
        var out = Tensor(shape: [n, outChannels, oh, ow])
        let bf16: Int32 = EnginePrecision.bf16Arithmetic ? 1 : 0
        let status: Int32 = weight.withFloats { wp in
            x.data.withUnsafeBufferPointer { xp in
                out.data.withUnsafeMutableBufferPointer { op in
                    if let bias {
                        return bias.withUnsafeBufferPointer { bp in
                            afk_dnnl_conv2d(bf16, Int64(n), Int64(cin), Int64(h), Int64(w), Int64(outChannels), Int64(k), Int64(s),
                                            Int64(p), xp.baseAddress, wp, bp.baseAddress, op.baseAddress)
                        }
                    }
                    return afk_dnnl_conv2d(bf16, Int64(n), Int64(cin), Int64(h), Int64(w), Int64(outChannels), Int64(k), Int64(s),
                                           Int64(p), xp.baseAddress, wp, nil, op.baseAddress)
                }
            }
        }
        return status == 0 ? out : nil
    }
}
