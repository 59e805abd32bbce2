/// The point-wise and re-arranging operations ESRGAN-family networks use besides convolutions.
/// All take and return NCHW tensors with batch 1; work is split over the cores by channel planes.
enum UpscalerKernels {
    /// `max(x, 0) + slope * min(x, 0)` in place.
    static func leakyReLU(_ x: inout Tensor, slope: Float) {
        x.data.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            Parallel.forEachChunk(p.count, minimumPerChunk: 1 << 15) { r in
                for i in r where base[i] < 0 { base[i] *= slope }
            }
        }
    }

    /// PReLU with one learned slope per channel, in place.
    static func prelu(_ x: inout Tensor, slopes: [Float]) {
        let c = x.shape[1], plane = x.shape[2] * x.shape[3]
        x.data.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            Parallel.forEachChunk(c) { channels in
                for ch in channels {
                    let a = slopes.count == 1 ? slopes[0] : slopes[ch]
                    let row = base + ch * plane
                    for i in 0..<plane where row[i] < 0 { row[i] *= a }
                }
            }
        }
    }

    /// `residual + scale * x` in place on `x`.
    static func scaledResidual(_ x: inout Tensor, scale: Float, residual: Tensor) {
        x.data.withUnsafeMutableBufferPointer { p in
            residual.data.withUnsafeBufferPointer { r in
                guard let o = p.baseAddress, let q = r.baseAddress else { return }
                Parallel.forEachChunk(p.count, minimumPerChunk: 1 << 15) { range in
                    for i in range { o[i] = q[i] + scale * o[i] }
                }
            }
        }
    }

    /// `[1, C*r*r, H, W]` → `[1, C, H*r, W*r]` (PyTorch `pixel_shuffle`).
    static func pixelShuffle(_ x: Tensor, _ r: Int) -> Tensor {
        let c = x.shape[1] / (r * r), h = x.shape[2], w = x.shape[3]
        var out = Tensor(shape: [1, c, h * r, w * r])
        x.data.withUnsafeBufferPointer { ip in
            out.data.withUnsafeMutableBufferPointer { op in
                guard let src = ip.baseAddress, let dst = op.baseAddress else { return }
                Parallel.forEachChunk(c) { channels in
                    for ch in channels {
                        for i in 0..<r {
                            for j in 0..<r {
                                let plane = src + ((ch * r + i) * r + j) * h * w
                                for y in 0..<h {
                                    let row = dst + (ch * h * r + y * r + i) * w * r + j
                                    let line = plane + y * w
                                    for xx in 0..<w { row[xx * r] = line[xx] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `[1, C, H*r, W*r]` → `[1, C*r*r, H, W]` (PyTorch `pixel_unshuffle`).
    static func pixelUnshuffle(_ x: Tensor, _ r: Int) -> Tensor {
        let c = x.shape[1], h = x.shape[2] / r, w = x.shape[3] / r
        var out = Tensor(shape: [1, c * r * r, h, w])
        x.data.withUnsafeBufferPointer { ip in
            out.data.withUnsafeMutableBufferPointer { op in
                guard let src = ip.baseAddress, let dst = op.baseAddress else { return }
                for ch in 0..<c {
                    for i in 0..<r {
                        for j in 0..<r {
                            let plane = dst + ((ch * r + i) * r + j) * h * w
                            for y in 0..<h {
                                let line = src + (ch * h * r + y * r + i) * w * r + j
                                for xx in 0..<w { plane[y * w + xx] = line[xx * r] }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Nearest-neighbour upsampling by an integer factor.
    static func upsampleNearest(_ x: Tensor, _ factor: Int) -> Tensor {
        if factor == 2 { return Elementwise.upsampleNearest2x(x) }
        let c = x.shape[1], h = x.shape[2], w = x.shape[3], ow = w * factor
        var out = Tensor(shape: [1, c, h * factor, ow])
        x.data.withUnsafeBufferPointer { ip in
            out.data.withUnsafeMutableBufferPointer { op in
                guard let src = ip.baseAddress, let dst = op.baseAddress else { return }
                Parallel.forEachChunk(c) { channels in
                    for ch in channels {
                        for y in 0..<(h * factor) {
                            let line = src + (ch * h + y / factor) * w
                            let row = dst + (ch * h * factor + y) * ow
                            for xx in 0..<ow { row[xx] = line[xx / factor] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The first `channels` channels of a batch-1 tensor (a contiguous prefix in NCHW).
    static func prefix(_ x: Tensor, channels: Int) -> Tensor {
        let plane = x.shape[2] * x.shape[3]
        if channels == x.shape[1] { return x }
        return Tensor(shape: [1, channels, x.shape[2], x.shape[3]], data: Array(x.data[0..<(channels * plane)]))
    }

    /// Writes `part` into channels `at..<at+part.channels` of `buffer`.
    static func place(_ part: Tensor, into buffer: inout Tensor, at channel: Int) {
        let plane = buffer.shape[2] * buffer.shape[3]
        buffer.data.withUnsafeMutableBufferPointer { b in
            part.data.withUnsafeBufferPointer { p in
                guard let dst = b.baseAddress, let src = p.baseAddress else { return }
                (dst + channel * plane).update(from: src, count: p.count)
            }
        }
    }
}
