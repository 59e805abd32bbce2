/// Turns the denoiser's latents (scaled, as the UNet sees them) into images in roughly [-1, 1]: the
/// full VAE (`AutoencoderKL`, optionally in tiles) or the tiny one (`AutoencoderTiny`, TAESD).
public protocol LatentDecoding: Sendable {
    /// Decodes `[batch, channels, h, w]` scaled latents to `[batch, 3, h · f, w · f]` images.
    func decodeScaled(latents: Tensor) throws -> Tensor
}

extension AutoencoderKL: LatentDecoding {
    public func decodeScaled(latents: Tensor) throws -> Tensor {
        try decode(latents: SchedulerMath.scale(latents, 1 / scalingFactor))
    }
}

/// Decodes large latents tile by tile so memory stays bounded (one tile's activations plus the output
/// image): tiles of `tile × tile` latents that overlap by `overlap` on each shared edge; each output pixel
/// is the weighted mean of the tiles covering it, each tile's weight ramping linearly from near 0 to 1
/// across the overlap it shares with a neighbour (no seams). Convolutions see real neighbours across every
/// overlap; GroupNorm statistics and the mid-block attention become per tile, so results differ slightly
/// from an untiled decode (as with diffusers' `enable_tiling`).
public enum TiledDecoding {
    /// Whether latents are large enough that the full VAE should decode them in tiles (above 96×96
    /// latents, 768×768 pixels for SD: a 1024² f32 decode needs several GB untiled).
    public static func shouldTile(latentHeight: Int, latentWidth: Int) -> Bool { latentHeight * latentWidth > 96 * 96 }

    /// - Parameters:
    ///   - latents: `[1, c, h, w]`.
    ///   - tile: tile side in latents (64 = 512 px for SD).
    ///   - overlap: latents shared by neighbouring tiles (less than `tile`).
    ///   - factor: pixels per latent (8).
    ///   - decodeTile: decodes one `[1, c, th, tw]` tile to `[1, 3, th · factor, tw · factor]`.
    public static func decode(latents: Tensor, tile: Int, overlap: Int, factor: Int,
                              decodeTile: (Tensor) throws -> Tensor) throws -> Tensor {
        guard latents.rank == 4, latents.shape[0] == 1, tile > 0, overlap >= 0, overlap < tile, factor > 0 else {
            throw EngineError.badInput("tiled decoding takes [1, c, h, w] latents and 0 ≤ overlap < tile, got \(latents.shape), tile \(tile), overlap \(overlap)")
        }
        let c = latents.shape[1], h = latents.shape[2], w = latents.shape[3]
        if h <= tile && w <= tile { return try decodeTile(latents) }
        let rows = starts(h, tile: tile, overlap: overlap), cols = starts(w, tile: tile, overlap: overlap)
        let outH = h * factor, outW = w * factor
        var sum = [Float](repeating: 0, count: 3 * outH * outW)
        var weights = [Float](repeating: 0, count: outH * outW)
        for top in rows {
            for left in cols {
                let th = min(tile, h - top), tw = min(tile, w - left)
                var part = Tensor(shape: [1, c, th, tw])
                for ch in 0..<c {
                    for y in 0..<th {
                        let src = (ch * h + top + y) * w + left, dst = (ch * th + y) * tw
                        part.data.replaceSubrange(dst..<(dst + tw), with: latents.data[src..<(src + tw)])
                    }
                }
                let image = try decodeTile(part)
                let ph = th * factor, pw = tw * factor
                guard image.shape == [1, 3, ph, pw] else {
                    throw EngineError.modelShape("Decoded tile", expected: [1, 3, ph, pw], got: image.shape)
                }
                let rampY = ramp(ph, before: top > 0 ? overlap * factor : 0, after: top + th < h ? overlap * factor : 0)
                let rampX = ramp(pw, before: left > 0 ? overlap * factor : 0, after: left + tw < w ? overlap * factor : 0)
                for y in 0..<ph {
                    let oy = top * factor + y
                    for x in 0..<pw {
                        let weight = rampY[y] * rampX[x], o = oy * outW + left * factor + x
                        weights[o] += weight
                        for ch in 0..<3 { sum[ch * outH * outW + o] += weight * image.data[(ch * ph + y) * pw + x] }
                    }
                }
            }
        }
        let plane = outH * outW
        for i in 0..<(3 * plane) { sum[i] /= max(weights[i % plane], 1e-12) }
        return Tensor(shape: [1, 3, outH, outW], data: sum)
    }

    /// Tile origins along one axis: every `tile − overlap`, the last one flush with the end.
    static func starts(_ length: Int, tile: Int, overlap: Int) -> [Int] {
        guard length > tile else { return [0] }
        var out: [Int] = []
        var s = 0
        while s + tile < length { out.append(s); s += tile - overlap }
        out.append(length - tile)
        return Array(Set(out)).sorted()
    }

    /// 1 in the middle, rising linearly over `before` pixels at the start and falling over `after` at the end.
    static func ramp(_ n: Int, before: Int, after: Int) -> [Float] {
        (0..<n).map { i in
            var v: Float = 1
            if before > 0, i < before { v = min(v, Float(i + 1) / Float(before + 1)) }
            if after > 0, i >= n - after { v = min(v, Float(n - i) / Float(after + 1)) }
            return v
        }
    }
}
