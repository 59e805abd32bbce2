/// 2-D convolution (NCHW, square kernels) as im2col + GEMM, in bands of output rows so the
/// column buffer stays small (a 512x512 VAE layer would otherwise need a >1 GB buffer).
enum Convolution {
    /// Column-buffer budget in floats (16 MiB).
    static let bandBudget = 4 << 20

    /// - Parameters:
    ///   - x: `[B, Cin, H, W]`.
    ///   - weight: `[Cout, Cin, k, k]` contiguous; `bias`: `[Cout]` or nil.
    /// - Returns: `[B, Cout, OH, OW]` with `OH = (H + 2p - k) / stride + 1`.
    static func conv2d(_ x: Tensor, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                       outChannels: Int, kernel k: Int, stride s: Int, padding p: Int) -> Tensor {
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
                let beta: Float = bias == nil ? 0 : 1
                if k == 1 && s == 1 && p == 0 {
                    for b in 0..<n {
                        BLAS.gemm(m: outChannels, n: plane, k: cin, a: weight, lda: cin,
                                  b: xb + b * cin * h * w, ldb: h * w, beta: beta,
                                  c: ob + b * outChannels * plane, ldc: plane)
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
                        BLAS.gemm(m: outChannels, n: rows * ow, k: kk, a: weight, lda: kk, b: col,
                                  ldb: rows * ow, beta: beta, c: ob + b * outChannels * plane + y0 * ow,
                                  ldc: plane)
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
