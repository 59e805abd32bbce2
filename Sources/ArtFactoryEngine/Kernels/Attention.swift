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
}
