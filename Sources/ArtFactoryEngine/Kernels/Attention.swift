import CEngineKernels
import Foundation

/// Scaled dot-product attention over many heads, tiled over query rows so that only a
/// `tileRows x keys` block of scores exists at a time (64x64 latents mean 4096x4096 scores per head).
enum Attention {
    /// Query rows per tile.
    static let tileRows = 256

    /// - Parameters:
    ///   - q: `[B, N, heads*D]`, k and v: `[B, M, heads*D]` (heads interleaved in the last dimension,
    ///     as the projections produce them).
    /// - Returns: `[B, N, heads*D]`.
    static func multiHead(q: Tensor, k: Tensor, v: Tensor, heads: Int, causal: Bool = false) -> Tensor {
        if usesFlash(keys: k.shape[1], headDim: q.shape[2] / heads, causal: causal) {
            return multiHeadFlash(q: q, k: k, v: v, heads: heads)
        }
        // Short key sequences (cross-attention over 77 tokens) are faster on the f32 path: narrowing costs more
        // than the products save (measured in docs/benchmarks.md).
        if EnginePrecision.bf16Arithmetic, k.shape[1] >= bf16MinimumKeys {
            return multiHeadBF16(q: q, k: k, v: v, heads: heads, causal: causal)
        }
        let batch = q.shape[0], n = q.shape[1], width = q.shape[2]
        let m = k.shape[1]
        let d = width / heads
        let scale = 1 / Float(d).squareRoot()
        let tiles = (n + tileRows - 1) / tileRows
        let items = batch * heads * tiles
        var out = Tensor(shape: q.shape)
        q.data.withUnsafeBufferPointer { qp in
            k.data.withUnsafeBufferPointer { kp in
                v.data.withUnsafeBufferPointer { vp in
                    out.data.withUnsafeMutableBufferPointer { op in
                        guard let qb = qp.baseAddress, let kb = kp.baseAddress, let vb = vp.baseAddress,
                              let ob = op.baseAddress else { return }
                        let work = { (range: Range<Int>) in
                            let scores = UnsafeMutablePointer<Float>.allocate(capacity: tileRows * m)
                            defer { scores.deallocate() }
                            for item in range {
                                let b = item / (heads * tiles)
                                let h = (item / tiles) % heads
                                let r0 = (item % tiles) * tileRows
                                let rows = min(tileRows, n - r0)
                                BLAS.gemm(transB: true, m: rows, n: m, k: d, alpha: scale,
                                          a: qb + (b * n + r0) * width + h * d, lda: width,
                                          b: kb + b * m * width + h * d, ldb: width,
                                          c: scores, ldc: m)
                                if causal {
                                    for r in 0..<rows where r0 + r + 1 < m {
                                        (scores + r * m + r0 + r + 1).update(repeating: -.infinity,
                                                                            count: m - (r0 + r + 1))
                                    }
                                }
                                Activation.softmaxRows(scores, rows: rows, width: m)
                                BLAS.gemm(m: rows, n: d, k: m, a: scores, lda: m,
                                          b: vb + b * m * width + h * d, ldb: width,
                                          c: ob + (b * n + r0) * width + h * d, ldc: width)
                            }
                        }
                        if items >= Parallel.cores {
                            BLAS.singleThreaded { Parallel.forEachChunk(items, work) }
                        } else {
                            work(0..<items)
                        }
                    }
                }
            }
        }
        return out
    }

    /// Fewest keys for which the fused kernel is used by default, and the widest head: measured on a
    /// 2-vCPU AMD EPYC (docs/benchmarks.md, "Fused attention"), it beats the score tiles at 4096 keys with
    /// 40-wide heads (SD 1.5's 64x64 level: 0.85x on the f32 path, 0.65x on bf16), ties at 64-wide heads and
    /// loses at 1024 keys with 80-wide heads, where BLAS runs the tiles at full speed.
    static let flashMinimumKeys = 2048
    static let flashMaximumHeadDim = 64
    /// With bf16 products (below) it beat the tiles at every measured shape from 1024 keys: 4096 keys with
    /// 40- and 64-wide heads at 0.41-0.75x their time, 1024 keys with 80-wide heads at 0.89x.
    static let flashBF16MinimumKeys = 1024
    /// Query rows per work item of the fused kernel.
    static let flashRows = 96

    /// How self-attention runs: `flash` (the fused kernel wherever it can run), `tiled` (score tiles
    /// through BLAS / oneDNN), or automatic (nil). `ARTFACTORY_ATTENTION` sets it, for benchmarks.
    nonisolated(unsafe) static var mode: String? = ProcessInfo.processInfo.environment["ARTFACTORY_ATTENTION"]

    /// The fused kernel needs the AVX2 + FMA kernels (its plain C fallback is a reference, not fast), a head
    /// width that is a multiple of 8 and no causal mask; by default also many keys and narrow heads.
    static func usesFlash(keys: Int, headDim: Int, causal: Bool) -> Bool {
        if mode == "tiled" { return false }
        guard !causal, headDim % 8 == 0, afk_vectorized() != 0 else { return false }
        if mode == "flash" { return true }
        if bf16Products { return keys >= flashBF16MinimumKeys }
        return keys >= flashMinimumKeys && headDim <= flashMaximumHeadDim
    }

    /// On the bf16 path of a CPU with AVX-512 BF16 the fused kernel multiplies in bf16 (vdpbf16ps).
    static var bf16Products: Bool {
        EnginePrecision.bf16Arithmetic && afk_flash_attention_bf16_supported() != 0
    }

    /// Fused attention on either compute path, in f32: per batch item and head, K is packed once into
    /// transposed panels of 16 keys and V into contiguous rows; then each work item of `flashRows` query rows streams the keys in
    /// cache-sized blocks with an online softmax (`afk_flash_attention`), so no `rows x keys` score
    /// matrix is written (at 64x64 latents that matrix was 64 MiB per head and its softmax dominated).
    static func multiHeadFlash(q: Tensor, k: Tensor, v: Tensor, heads: Int) -> Tensor {
        if bf16Products { return multiHeadFlashBF16(q: q, k: k, v: v, heads: heads) }
        let batch = q.shape[0], n = q.shape[1], width = q.shape[2]
        let m = k.shape[1]
        let d = width / heads
        let scale = 1 / Float(d).squareRoot()
        let ld = (m + 15) / 16 * 16
        let tiles = (n + flashRows - 1) / flashRows
        var out = Tensor(shape: q.shape)
        let kt = UnsafeMutablePointer<Float>.allocate(capacity: batch * heads * d * ld)
        let vh = UnsafeMutablePointer<Float>.allocate(capacity: batch * heads * m * d)
        defer { kt.deallocate(); vh.deallocate() }
        q.data.withUnsafeBufferPointer { qp in
            k.data.withUnsafeBufferPointer { kp in
                v.data.withUnsafeBufferPointer { vp in
                    out.data.withUnsafeMutableBufferPointer { op in
                        guard let qb = qp.baseAddress, let kb = kp.baseAddress, let vb = vp.baseAddress,
                              let ob = op.baseAddress else { return }
                        Parallel.forEachChunk(batch * heads) { range in
                            for item in range {
                                let b = item / heads, h = item % heads
                                afk_pack_key_panels(kb + b * m * width + h * d, m, d, width, kt + item * d * ld)
                                let src = vb + b * m * width + h * d, dst = vh + item * m * d
                                for j in 0..<m { (dst + j * d).update(from: src + j * width, count: d) }
                            }
                        }
                        Parallel.forEachChunk(batch * heads * tiles) { range in
                            for item in range {
                                let b = item / (heads * tiles)
                                let h = (item / tiles) % heads
                                let r0 = (item % tiles) * flashRows
                                let rows = min(flashRows, n - r0)
                                afk_flash_attention(qb + (b * n + r0) * width + h * d, width,
                                                    kt + (b * heads + h) * d * ld,
                                                    vh + (b * heads + h) * m * d, d,
                                                    ob + (b * n + r0) * width + h * d, width,
                                                    rows, m, d, scale)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The fused kernel with bf16 products: K packed into bf16 panels of 32 keys and V into bf16 key
    /// pairs once per batch item and head; Q is rounded per block inside the kernel.
    static func multiHeadFlashBF16(q: Tensor, k: Tensor, v: Tensor, heads: Int) -> Tensor {
        let batch = q.shape[0], n = q.shape[1], width = q.shape[2]
        let m = k.shape[1]
        let d = width / heads
        let scale = 1 / Float(d).squareRoot()
        let keyPanel = (m + 31) / 32 * 32 * d
        let valuePairs = (m + 1) / 2 * ((d + 15) / 16 * 16) * 2
        let tiles = (n + flashRows - 1) / flashRows
        var out = Tensor(shape: q.shape)
        let kt = UnsafeMutablePointer<UInt16>.allocate(capacity: batch * heads * keyPanel)
        let vh = UnsafeMutablePointer<UInt16>.allocate(capacity: batch * heads * valuePairs)
        defer { kt.deallocate(); vh.deallocate() }
        q.data.withUnsafeBufferPointer { qp in
            k.data.withUnsafeBufferPointer { kp in
                v.data.withUnsafeBufferPointer { vp in
                    out.data.withUnsafeMutableBufferPointer { op in
                        guard let qb = qp.baseAddress, let kb = kp.baseAddress, let vb = vp.baseAddress,
                              let ob = op.baseAddress else { return }
                        Parallel.forEachChunk(batch * heads) { range in
                            for item in range {
                                let b = item / heads, h = item % heads
                                afk_pack_key_panels_bf16(kb + b * m * width + h * d, m, d, width, kt + item * keyPanel)
                                afk_pack_value_pairs_bf16(vb + b * m * width + h * d, m, d, width, vh + item * valuePairs)
                            }
                        }
                        Parallel.forEachChunk(batch * heads * tiles) { range in
                            for item in range {
                                let b = item / (heads * tiles)
                                let h = (item / tiles) % heads
                                let r0 = (item % tiles) * flashRows
                                let rows = min(flashRows, n - r0)
                                afk_flash_attention_bf16(qb + (b * n + r0) * width + h * d, width,
                                                         kt + (b * heads + h) * keyPanel, vh + (b * heads + h) * valuePairs,
                                                         ob + (b * n + r0) * width + h * d, width, rows, m, d, scale)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Score floats per bf16 tile (all heads at once): 16 MiB of f32. Smaller tiles keep the scores in
    /// cache but multiply the oneDNN calls, each an OpenMP fork and join, which measured slower.
    static let bf16TileFloats = 4 << 20
    /// Fewest keys for which the bf16 path pays.
    static let bf16MinimumKeys = 256

    /// The bf16 path: per batch item, Q, K and V are narrowed into per-head contiguous `[heads][rows][d]`
    /// copies; then per tile of query rows one batched oneDNN product over every head for the scores, an
    /// f32 softmax narrowed to bf16, and one batched product for the values, scattered back into the
    /// interleaved `[rows][heads*d]` output.
    static func multiHeadBF16(q: Tensor, k: Tensor, v: Tensor, heads: Int, causal: Bool) -> Tensor {
        let batch = q.shape[0], n = q.shape[1], width = q.shape[2]
        let m = k.shape[1]
        let d = width / heads
        let scale = 1 / Float(d).squareRoot()
        let rowsPerTile = max(1, min(n, bf16TileFloats / max(1, heads * m)))
        var out = Tensor(shape: q.shape)
        let qh = UnsafeMutablePointer<UInt16>.allocate(capacity: heads * n * d)
        let kh = UnsafeMutablePointer<UInt16>.allocate(capacity: heads * m * d)
        let vh = UnsafeMutablePointer<UInt16>.allocate(capacity: heads * m * d)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: heads * rowsPerTile * m)
        let probabilities = UnsafeMutablePointer<UInt16>.allocate(capacity: heads * rowsPerTile * m)
        let values = UnsafeMutablePointer<Float>.allocate(capacity: heads * rowsPerTile * d)
        defer {
            qh.deallocate(); kh.deallocate(); vh.deallocate()
            scores.deallocate(); probabilities.deallocate(); values.deallocate()
        }
        /// `[rows][heads*d]` f32 -> `[heads][rows][d]` bf16.
        func split(_ src: UnsafePointer<Float>, rows: Int, into dst: UnsafeMutablePointer<UInt16>) {
            Parallel.forEachChunk(rows, minimumPerChunk: 64) { rs in
                for r in rs {
                    for h in 0..<heads { afk_f32_to_bf16(src + r * width + h * d, dst + (h * rows + r) * d, d) }
                }
            }
        }
        q.data.withUnsafeBufferPointer { qp in
            k.data.withUnsafeBufferPointer { kp in
                v.data.withUnsafeBufferPointer { vp in
                    out.data.withUnsafeMutableBufferPointer { op in
                        guard let qb = qp.baseAddress, let kb = kp.baseAddress, let vb = vp.baseAddress,
                              let ob = op.baseAddress else { return }
                        for b in 0..<batch {
                            split(qb + b * n * width, rows: n, into: qh)
                            split(kb + b * m * width, rows: m, into: kh)
                            split(vb + b * m * width, rows: m, into: vh)
                            var r0 = 0
                            while r0 < n {
                                let rows = min(rowsPerTile, n - r0)
                                // scores[h][r][j] = scale * Σ_c q[h][r0+r][c] k[h][j][c]
                                BF16Products.matmul(batch: heads, m: rows, n: m, k: d,
                                                    a: qh + r0 * d, aBatchStride: n * d, aRowStride: d, aColumnStride: 1,
                                                    b: kh, bBatchStride: m * d, bRowStride: 1, bColumnStride: d,
                                                    c: scores, cBatchStride: rows * m, cRowStride: m, alpha: scale)
                                if causal {
                                    for h in 0..<heads {
                                        for r in 0..<rows where r0 + r + 1 < m {
                                            (scores + (h * rows + r) * m + r0 + r + 1).update(repeating: -.infinity, count: m - (r0 + r + 1))
                                        }
                                    }
                                }
                                Parallel.forEachChunk(heads * rows, minimumPerChunk: 8) { rs in
                                    Activation.softmaxRows(scores + rs.lowerBound * m, rows: rs.count, width: m)
                                    afk_f32_to_bf16(scores + rs.lowerBound * m, probabilities + rs.lowerBound * m, rs.count * m)
                                }
                                // values[h][r][c] = Σ_j p[h][r][j] v[h][j][c]
                                BF16Products.matmul(batch: heads, m: rows, n: d, k: m,
                                                    a: probabilities, aBatchStride: rows * m, aRowStride: m, aColumnStride: 1,
                                                    b: vh, bBatchStride: m * d, bRowStride: d, bColumnStride: 1,
                                                    c: values, cBatchStride: rows * d, cRowStride: d)
                                for h in 0..<heads {
                                    for r in 0..<rows {
                                        (ob + (b * n + r0 + r) * width + h * d).update(from: values + (h * rows + r) * d, count: d)
                                    }
                                }
                                r0 += rows
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
