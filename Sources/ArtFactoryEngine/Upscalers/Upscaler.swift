import Foundation

/// A learned super-resolution model of the ESRGAN family, loaded from `.safetensors` or `.pth`, with
/// tiled inference for images of any size.
///
/// Loading infers the architecture and scale from the weights (`UpscalerArchitecture`). Inference is
/// synchronous on the calling thread and uses every core through the convolution kernels; the
/// instance is immutable and may be shared between threads.
public final class Upscaler: Sendable {
    enum Network: Sendable {
        case rrdb(RRDBNet)
        case compact(SRVGGNetCompact)
    }

    /// File the weights came from.
    public let path: String
    /// The recognised network and its sizes.
    public let architecture: UpscalerArchitecture
    private let network: Network

    /// Output size / input size (1, 2, 4 or 8 for the usual files).
    public var scale: Int { architecture.scale }
    /// Input sizes must be multiples of this for `forward` (the pixel-unshuffle factor); `upscale`
    /// pads by reflection as needed.
    public var inputMultiple: Int {
        if case .rrdbNet(_, _, _, _, let r, _, _) = architecture { return r }
        return 1
    }
    /// The tiling the daemon uses for this network: RRDBNet keeps 64 features at up to 4× the input
    /// size, so `UpscaleTiling.standard` (160 px tiles); SRVGGNetCompact works at the input size, so
    /// tiles of up to 544 px stay small in memory (~0.3 GB): a 512² input runs as one tile, a 1024²
    /// one as four balanced tiles of 520 px (≈ 1.13× one pass's work with the discarded context).
    public var recommendedTiling: UpscaleTiling {
        if case .compact = architecture { return UpscaleTiling(tileSize: 544, overlap: 16, context: 12) }
        return .standard
    }

    /// Channels the network reads and writes (3 for RGB models).
    public var channels: Int {
        switch architecture {
        case .rrdbNet(_, _, _, _, _, let c, _), .compact(_, _, _, let c, _): return c
        }
    }

    /// Loads an upscaler file. - Throws: `EngineError` (see `UpscalerWeights.load` and `upscaler.architecture`).
    public convenience init(path: String) throws {
        try self.init(weights: try UpscalerWeights.load(path: path))
    }

    /// Builds the network from weights already read.
    public init(weights loaded: UpscalerWeights) throws {
        let weights = RRDBNet.modernizingKeys(loaded)
        path = weights.path
        architecture = try UpscalerArchitecture.infer(weights)
        switch architecture {
        case .rrdbNet: network = .rrdb(try RRDBNet(weights, architecture))
        case .compact: network = .compact(try SRVGGNetCompact(weights, architecture))
        }
    }

    /// One untiled pass: `[1, channels, H, W]` in [0, 1], `H` and `W` multiples of `inputMultiple`,
    /// to `[1, channels, H·scale, W·scale]` (not clamped).
    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 4, x.shape[0] == 1, x.shape[1] == channels,
              x.shape[2] % inputMultiple == 0, x.shape[3] % inputMultiple == 0, x.shape[2] > 0, x.shape[3] > 0 else {
            throw EngineError.badInput("the upscaler takes [1, \(channels), H, W] with H and W multiples of \(inputMultiple), got \(x.shape)")
        }
        switch network {
        case .rrdb(let net): return net(x)
        case .compact(let net): return net(x)
        }
    }

    /// Tiled upscale of a `[1, channels, H, W]` tensor in [0, 1] to `[1, channels, H·s, W·s]` (not clamped).
    /// Holds the whole output in memory; for large images use the `RGBImage` overload.
    public func upscale(_ x: Tensor, tiling: UpscaleTiling = .standard, progress: UpscaleProgressHandler? = nil) throws -> Tensor {
        let (h, w) = (x.shape.count == 4 ? x.shape[2] : 0, x.shape.count == 4 ? x.shape[3] : 0)
        let (oh, ow) = (h * scale, w * scale)
        var out = Tensor(shape: [1, channels, oh, ow])
        let c = channels
        try out.data.withUnsafeMutableBufferPointer { op in
            guard let dst = op.baseAddress else { return }
            try run(x, tiling: tiling, progress: progress) { firstRow, rows, band, bandStride, planeStride in
                for ch in 0..<c {
                    for r in 0..<rows where firstRow + r < oh {
                        (dst + (ch * oh + firstRow + r) * ow).update(from: band + ch * planeStride + r * bandStride, count: ow)
                    }
                }
            }
        }
        return out
    }

    /// Tiled upscale of an RGB image: bytes / 255 in, output clamped to [0, 1] and rounded to bytes.
    /// Memory stays bounded by the tiling whatever the image size.
    /// - Throws: `EngineError` `input.invalid` for a non-RGB model; `CancellationError` when stopped.
    public func upscale(_ image: RGBImage, tiling: UpscaleTiling = .standard, progress: UpscaleProgressHandler? = nil) throws -> RGBImage {
        guard channels == 3 else { throw EngineError.badInput("this upscaler works on \(channels)-channel images, not RGB") }
        let (oh, ow) = (image.height * scale, image.width * scale)
        var x = Tensor(shape: [1, 3, image.height, image.width])
        let plane = image.width * image.height
        image.pixels.withUnsafeBufferPointer { src in
            x.data.withUnsafeMutableBufferPointer { dst in
                for i in 0..<plane { for ch in 0..<3 { dst[ch * plane + i] = Float(src[i * 3 + ch]) / 255 } }
            }
        }
        var bytes = [UInt8](repeating: 0, count: oh * ow * 3)
        try bytes.withUnsafeMutableBufferPointer { bp in
            guard let dst = bp.baseAddress else { return }
            try run(x, tiling: tiling, progress: progress) { firstRow, rows, band, bandStride, planeStride in
                for r in 0..<rows where firstRow + r < oh {
                    let line = dst + (firstRow + r) * ow * 3
                    for ch in 0..<3 {
                        let values = band + ch * planeStride + r * bandStride
                        for u in 0..<ow {
                            line[u * 3 + ch] = UInt8((min(max(values[u], 0), 1) * 255).rounded())
                        }
                    }
                }
            }
        }
        return try RGBImage(width: ow, height: oh, pixels: bytes)
    }

    /// Receives finished output rows: first row index, row count, the band's base pointer, the
    /// band's row stride and its channel-plane stride (in floats). Rows/columns past the requested
    /// size (reflection padding) are included and must be ignored.
    typealias RowSink = (Int, Int, UnsafePointer<Float>, Int, Int) throws -> Void

    /// The tiling loop: tiles row by row, cross-faded into a band of output rows that is handed to
    /// `emit` as soon as no later tile can touch it.
    func run(_ input: Tensor, tiling: UpscaleTiling, progress: UpscaleProgressHandler?, emit: RowSink) throws {
        guard input.rank == 4, input.shape[0] == 1, input.shape[1] == channels, input.shape[2] > 0, input.shape[3] > 0 else {
            throw EngineError.badInput("the upscaler takes [1, \(channels), H, W], got \(input.shape)")
        }
        let r = inputMultiple, s = scale, c = channels
        let x = Self.reflectPadded(input, multiple: r)
        let (h, w) = (x.shape[2], x.shape[3])
        let (ys, th) = tiling.starts(length: h, multiple: r)
        let (xs, tw) = tiling.starts(length: w, multiple: r)
        let context = (tiling.context + r - 1) / r * r
        let ow = w * s, bandRows = th * s, planeStride = bandRows * ow
        let wy = tiling.axisWeights(starts: ys, size: th, scale: s)
        let wx = tiling.axisWeights(starts: xs, size: tw, scale: s)
        var band = [Float](repeating: 0, count: c * planeStride)
        let total = ys.count * xs.count
        var done = 0
        for (j, y0) in ys.enumerated() {
            if j > 0 {
                // Keep the rows the previous tile row shares with this one; clear the rest.
                let shift = (y0 - ys[j - 1]) * s
                band.withUnsafeMutableBufferPointer { b in
                    guard let base = b.baseAddress else { return }
                    for ch in 0..<c {
                        let p = base + ch * planeStride
                        if shift < bandRows { p.update(from: p + shift * ow, count: (bandRows - shift) * ow) }
                        (p + max(0, bandRows - shift) * ow).update(repeating: 0, count: min(bandRows, shift) * ow)
                    }
                }
            }
            for (i, x0) in xs.enumerated() {
                if Task.isCancelled { throw CancellationError() }
                let ry = max(0, y0 - context)..<min(h, y0 + th + context)
                let rx = max(0, x0 - context)..<min(w, x0 + tw + context)
                let out = try forward(Self.crop(x, rows: ry, columns: rx))
                let (outH, outW) = (out.shape[2], out.shape[3])
                let (dy, dx) = ((y0 - ry.lowerBound) * s, (x0 - rx.lowerBound) * s)
                band.withUnsafeMutableBufferPointer { b in
                    out.data.withUnsafeBufferPointer { o in
                        guard let base = b.baseAddress, let src = o.baseAddress else { return }
                        let rowWeights = wy[j], columnWeights = wx[i]
                        Parallel.forEachChunk(th * s, minimumPerChunk: 8) { rows in
                            for v in rows {
                                let a = rowWeights[v]
                                if a == 0 { continue }
                                for ch in 0..<c {
                                    let dst = base + ch * planeStride + v * ow + x0 * s
                                    let line = src + (ch * outH + dy + v) * outW + dx
                                    for u in 0..<(tw * s) { dst[u] += a * columnWeights[u] * line[u] }
                                }
                            }
                        }
                    }
                }
                done += 1
                if let progress, try !progress(UpscaleProgress(tile: done, tiles: total)) { throw CancellationError() }
            }
            let finished = j + 1 < ys.count ? (ys[j + 1] - y0) * s : bandRows
            try band.withUnsafeBufferPointer { b in
                guard let base = b.baseAddress else { return }
                try emit(y0 * s, finished, base, ow, planeStride)
            }
        }
    }

    /// Pads bottom and right by reflection (as Real-ESRGAN does) up to multiples of `multiple`.
    static func reflectPadded(_ x: Tensor, multiple: Int) -> Tensor {
        let (c, h, w) = (x.shape[1], x.shape[2], x.shape[3])
        let (ph, pw) = ((h + multiple - 1) / multiple * multiple, (w + multiple - 1) / multiple * multiple)
        if ph == h && pw == w { return x }
        func reflect(_ i: Int, _ n: Int) -> Int { i < n ? i : max(0, 2 * n - 2 - i) }
        var out = Tensor(shape: [1, c, ph, pw])
        for ch in 0..<c {
            for y in 0..<ph {
                let sy = reflect(y, h)
                for xx in 0..<pw { out.data[(ch * ph + y) * pw + xx] = x.data[(ch * h + sy) * w + reflect(xx, w)] }
            }
        }
        return out
    }

    /// A rectangle of a batch-1 NCHW tensor.
    static func crop(_ x: Tensor, rows: Range<Int>, columns: Range<Int>) -> Tensor {
        let (c, h, w) = (x.shape[1], x.shape[2], x.shape[3])
        if rows == 0..<h && columns == 0..<w { return x }
        var out = Tensor(shape: [1, c, rows.count, columns.count])
        x.data.withUnsafeBufferPointer { ip in
            out.data.withUnsafeMutableBufferPointer { op in
                guard let src = ip.baseAddress, let dst = op.baseAddress else { return }
                for ch in 0..<c {
                    for (k, y) in rows.enumerated() {
                        (dst + (ch * rows.count + k) * columns.count).update(from: src + (ch * h + y) * w + columns.lowerBound, count: columns.count)
                    }
                }
            }
        }
        return out
    }
}
