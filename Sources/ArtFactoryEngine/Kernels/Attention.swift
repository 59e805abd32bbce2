import CEngineKernels

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
        if EnginePrecision.compute == .bf16 { return multiHeadBF16(q: q, k: k, v: v, heads: heads, causal: causal) }
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

    /// Score floats per bf16 tile (all heads at once): 16 MiB of f32.
    static let bf16TileFloats = 4 << 20

    /// The bf16 path: Q, K and V narrowed once, then per batch item and tile of query rows one batched
    /// oneDNN product over every head for the scores, an f32 softmax, and one for the values.
    static func multiHeadBF16(q: Tensor, k: Tensor, v: Tensor, heads: Int, causal: Bool) -> Tensor {
        let batch = q.shape[0], n = q.shape[1], width = q.shape[2]
        let m = k.shape[1]
        let d = width / heads
        let scale = 1 / Float(d).squareRoot()
        let rowsPerTile = max(1, min(n, bf16TileFloats / max(1, heads * m)))
        var out = Tensor(shape: q.shape)
        let qb = q.data.withUnsafeBufferPointer { BF16.copy($0.baseAddress!, count: q.count) }
        let kb = k.data.withUnsafeBufferPointer { BF16.copy($0.baseAddress!, count: k.count) }
        let vb = v.data.withUnsafeBufferPointer { BF16.copy($0.baseAddress!, count: v.count) }
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: heads * rowsPerTile * m)
        let probabilities = UnsafeMutablePointer<UInt16>.allocate(capacity: heads * rowsPerTile * m)
        defer { qb.deallocate(); kb.deallocate(); vb.deallocate(); scores.deallocate(); probabilities.deallocate() }
        out.data.withUnsafeMutableBufferPointer { op in
            guard let ob = op.baseAddress else { return }
            for b in 0..<batch {
                var r0 = 0
                while r0 < n {
                    let rows = min(rowsPerTile, n - r0)
                    // scores[h][r][j] = scale * Σ_c q[b, r0+r, h*d+c] k[b, j, h*d+c]
                    BF16Products.matmul(batch: heads, m: rows, n: m, k: d,
                                        a: qb + (b * n + r0) * width, aBatchStride: d, aRowStride: width, aColumnStride: 1,
                                        b: kb + b * m * width, bBatchStride: d, bRowStride: 1, bColumnStride: width,
                                        c: scores, cBatchStride: rows * m, cRowStride: m, alpha: scale)
                    if causal {
                        for h in 0..<heads {
                            for r in 0..<rows where r0 + r + 1 < m {
                                (scores + (h * rows + r) * m + r0 + r + 1).update(repeating: -.infinity, count: m - (r0 + r + 1))
                            }
                        }
                    }
                    let total = heads * rows
                    Parallel.forEachChunk(total, minimumPerChunk: 8) { rs in
                        Activation.softmaxRows(scores + rs.lowerBound * m, rows: rs.count, width: m)
                        afk_f32_to_bf16(scores + rs.lowerBound * m, probabilities + rs.lowerBound * m, rs.count * m)
                    }
                    // out[b, r0+r, h*d+c] = Σ_j p[h][r][j] v[b, j, h*d+c]
                    BF16Products.matmul(batch: heads, m: rows, n: d, k: m,
                                        a: probabilities, aBatchStride: rows * m, aRowStride: m, aColumnStride: 1,
                                        b: vb + b * m * width, bBatchStride: d, bRowStride: width, bColumnStride: 1,
                                        c: ob + (b * n + r0) * width, cBatchStride: d, cRowStride: width)
                    r0 += rows
                }
            }
        }
        return out
    }
}
