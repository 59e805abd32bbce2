/// Element-wise arithmetic, linear layers and resampling on tensors.
enum Elementwise {
    /// `a + b` for equal shapes.
    static func add(_ a: Tensor, _ b: Tensor) -> Tensor {
        var out = a
        out.data.withUnsafeMutableBufferPointer { o in
            b.data.withUnsafeBufferPointer { q in
                for i in 0..<o.count { o[i] += q[i] }
            }
        }
        return out
    }

    /// `a * b` for equal shapes.
    static func mul(_ a: Tensor, _ b: Tensor) -> Tensor {
        var out = a
        out.data.withUnsafeMutableBufferPointer { o in
            b.data.withUnsafeBufferPointer { q in
                for i in 0..<o.count { o[i] *= q[i] }
            }
        }
        return out
    }

    /// `a * s`.
    static func scale(_ a: Tensor, _ s: Float) -> Tensor {
        var out = a
        out.data.withUnsafeMutableBufferPointer { o in
            for i in 0..<o.count { o[i] *= s }
        }
        return out
    }

    /// Adds `bias[c]` to every element of channel `c` of an NCHW tensor (`perChannel[b, c]` if 2-D).
    static func addChannelBias(_ x: inout Tensor, _ bias: [Float], perBatch: Bool = false) {
        let n = x.shape[0], c = x.shape[1]
        let plane = x.count / max(1, n * c)
        x.data.withUnsafeMutableBufferPointer { o in
            bias.withUnsafeBufferPointer { bp in
                for b in 0..<n {
                    for ch in 0..<c {
                        let v = bp[perBatch ? b * c + ch : ch]
                        let base = (b * c + ch) * plane
                        for i in 0..<plane { o[base + i] += v }
                    }
                }
            }
        }
    }

    /// `y = x W^T + b` over the last dimension: x `[..., in]`, W `[out, in]`, b `[out]`.
    static func linear(_ x: Tensor, weight: WeightMatrix, bias: [Float]?, inFeatures: Int, outFeatures: Int) -> Tensor {
        let rows = x.count / inFeatures
        var out = Tensor(shape: Array(x.shape.dropLast()) + [outFeatures])
        x.data.withUnsafeBufferPointer { xp in
            out.data.withUnsafeMutableBufferPointer { op in
                guard let xb = xp.baseAddress, let ob = op.baseAddress else { return }
                if let bias {
                    bias.withUnsafeBufferPointer { bp in
                        for r in 0..<rows { (ob + r * outFeatures).update(from: bp.baseAddress!, count: outFeatures) }
                    }
                }
                WeightProducts.linear(xb, rows: rows, inFeatures: inFeatures, weight: weight, outFeatures: outFeatures,
                                      c: ob, ldc: outFeatures, accumulate: bias != nil)
            }
        }
        return out
    }

    /// Nearest-neighbour 2x upsampling of an NCHW tensor.
    static func upsampleNearest2x(_ x: Tensor) -> Tensor {
        let n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3]
        var out = Tensor(shape: [n, c, h * 2, w * 2])
        x.data.withUnsafeBufferPointer { ip in
            out.data.withUnsafeMutableBufferPointer { op in
                guard let ib = ip.baseAddress, let ob = op.baseAddress else { return }
                Parallel.forEachChunk(n * c, minimumPerChunk: 4) { planes in
                    for p in planes {
                        let src = ib + p * h * w
                        let dst = ob + p * h * w * 4
                        for y in 0..<h {
                            let row = dst + (2 * y) * (2 * w)
                            for xx in 0..<w {
                                let v = src[y * w + xx]
                                row[2 * xx] = v
                                row[2 * xx + 1] = v
                            }
                            (row + 2 * w).update(from: row, count: 2 * w)
                        }
                    }
                }
            }
        }
        return out
    }

    /// `[B, C, H, W]` → `[B, H*W, C]`.
    static func channelsLast(_ x: Tensor) -> Tensor {
        let n = x.shape[0], c = x.shape[1], hw = x.count / max(1, n * c)
        var out = Tensor(shape: [n, hw, c])
        transpose(x.data, into: &out.data, batches: n, rows: c, cols: hw)
        return out
    }

    /// `[B, H*W, C]` → `[B, C, h, w]`.
    static func channelsFirst(_ x: Tensor, height: Int, width: Int) -> Tensor {
        let n = x.shape[0], hw = x.shape[1], c = x.shape[2]
        var out = Tensor(shape: [n, c, height, width])
        transpose(x.data, into: &out.data, batches: n, rows: hw, cols: c)
        return out
    }

    /// Per batch, writes the transpose of a `rows x cols` matrix.
    private static func transpose(_ src: [Float], into dst: inout [Float], batches: Int, rows: Int, cols: Int) {
        src.withUnsafeBufferPointer { sp in
            dst.withUnsafeMutableBufferPointer { dp in
                guard let sb = sp.baseAddress, let db = dp.baseAddress else { return }
                let block = 32
                for b in 0..<batches {
                    let s = sb + b * rows * cols, d = db + b * rows * cols
                    var r0 = 0
                    while r0 < rows {
                        let r1 = min(rows, r0 + block)
                        var c0 = 0
                        while c0 < cols {
                            let c1 = min(cols, c0 + block)
                            for r in r0..<r1 {
                                for cc in c0..<c1 { d[cc * rows + r] = s[r * cols + cc] }
                            }
                            c0 = c1
                        }
                        r0 = r1
                    }
                }
            }
        }
    }
}

extension Elementwise {
    /// Joins two NCHW tensors along channels: `[B, C1+C2, H, W]`.
    static func concatenateChannels(_ a: Tensor, _ b: Tensor) -> Tensor {
        let n = a.shape[0], ca = a.shape[1], cb = b.shape[1]
        let plane = a.count / max(1, n * ca)
        var out = Tensor(shape: [n, ca + cb] + Array(a.shape.dropFirst(2)))
        out.data.withUnsafeMutableBufferPointer { op in
            a.data.withUnsafeBufferPointer { ap in
                b.data.withUnsafeBufferPointer { bp in
                    guard let o = op.baseAddress, let pa = ap.baseAddress, let pb = bp.baseAddress else { return }
                    for i in 0..<n {
                        (o + i * (ca + cb) * plane).update(from: pa + i * ca * plane, count: ca * plane)
                        (o + (i * (ca + cb) + ca) * plane).update(from: pb + i * cb * plane, count: cb * plane)
                    }
                }
            }
        }
        return out
    }

    /// Nearest-neighbour resize of an NCHW tensor (PyTorch `interpolate(mode="nearest")`:
    /// source index `floor(dst * in / out)`); exact 2x uses the fast path.
    static func upsampleNearest(_ x: Tensor, height oh: Int, width ow: Int) -> Tensor {
        let n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3]
        if oh == 2 * h && ow == 2 * w { return upsampleNearest2x(x) }
        var out = Tensor(shape: [n, c, oh, ow])
        let scaleY = Float(h) / Float(oh), scaleX = Float(w) / Float(ow)
        x.data.withUnsafeBufferPointer { ip in
            out.data.withUnsafeMutableBufferPointer { op in
                for p in 0..<(n * c) {
                    for y in 0..<oh {
                        let sy = min(h - 1, Int(Float(y) * scaleY))
                        for xx in 0..<ow {
                            let sx = min(w - 1, Int(Float(xx) * scaleX))
                            op[(p * oh + y) * ow + xx] = ip[(p * h + sy) * w + sx]
                        }
                    }
                }
            }
        }
        return out
    }
}

extension Elementwise {
    /// Adds one row and one column of zeros at the bottom and right of an NCHW tensor (the VAE
    /// encoder's asymmetric padding before a stride-2 convolution).
    static func padRightBottom(_ x: Tensor) -> Tensor {
        let n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3]
        var out = Tensor(shape: [n, c, h + 1, w + 1])
        x.data.withUnsafeBufferPointer { ip in
            out.data.withUnsafeMutableBufferPointer { op in
                guard let i = ip.baseAddress, let o = op.baseAddress else { return }
                for p in 0..<(n * c) {
                    for y in 0..<h { (o + (p * (h + 1) + y) * (w + 1)).update(from: i + (p * h + y) * w, count: w) }
                }
            }
        }
        return out
    }
}
