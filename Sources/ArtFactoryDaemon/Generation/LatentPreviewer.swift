import ArtFactoryEngine
import ArtFactoryImaging
import ArtFactoryProtocol
import Foundation

/// Cheap previews of an image while it is denoised: each latent pixel is mapped to RGB by a fixed
/// affine map (`rgb = W · latent + b`, a `(channels + 1) × 3` matrix), so a preview costs one pass
/// over the latents and a tiny PNG encode instead of a VAE decode.
///
/// The map is fitted once per model by least squares against the model's own VAE: the first time a
/// preview is asked for, the current latents are average-pooled to at most 16×16, decoded (a VAE
/// decode at 1/16 or less of the full size), and each pooled latent is paired with the mean colour of
/// the 8×8 pixel block it decodes to. The fit is cached for the daemon's lifetime, keyed by model path.
/// Each finished image then refines the fit at no extra cost: its final latents and the decoded image
/// the engine made anyway are added to the model's normal equations (clean latents are what the map
/// matters most for, and noisy first-step latents fit them poorly).
/// The preview is the latent grid itself (`width / 8 × height / 8`), shrunk to at most 64 px.
final class LatentPreviewer: @unchecked Sendable {
    /// Longest side of a preview, in pixels.
    static let maxSide = 64
    /// Longest side of the pooled latents used for the fit.
    static let fitSide = 16

    private let lock = NSLock()
    private var maps: [String: [Float]] = [:]
    /// Normal equations gathered from finished images, per model.
    private var learned: [String: NormalEquations] = [:]

    /// `XᵀX` and `XᵀY` of the affine least-squares problem with `n = channels + 1` unknowns per colour.
    struct NormalEquations {
        var n: Int
        var xtx: [Double]
        var xty: [Double]
        var samples = 0

        init(channels: Int) {
            n = channels + 1
            xtx = [Double](repeating: 0, count: n * n)
            xty = [Double](repeating: 0, count: n * 3)
        }

        /// Adds one latent pixel (`features`, without the constant) and its colour in 0…1.
        mutating func add(_ features: [Double], _ rgb: (Double, Double, Double)) {
            let x = features + [1]
            let y = [rgb.0, rgb.1, rgb.2]
            for i in 0..<n {
                for j in 0..<n { xtx[i * n + j] += x[i] * x[j] }
                for o in 0..<3 { xty[i * 3 + o] += x[i] * y[o] }
            }
            samples += 1
        }

        /// The map, with a small ridge on the latent weights so flat images still solve.
        func solve() throws -> [Float] {
            var a = xtx
            for i in 0..<(n - 1) { a[i * n + i] += 1e-3 * Double(max(samples, 1)) }
            return try LatentPreviewer.solve(a, xty, n: n, columns: 3).map { Float($0) }
        }
    }

    /// Refines the model's map with a finished image: its final (scaled) latents and the RGB image
    /// they decoded to (`8 ×` the latent size).
    func learn(latents: Tensor, image: PixelBuffer, model: String) {
        guard latents.shape.count == 4, latents.shape[0] == 1, image.channels == 3 else { return }
        let c = latents.shape[1], h = latents.shape[2], w = latents.shape[3]
        guard h > 0, w > 0, image.width % w == 0, image.height % h == 0, image.width / w == image.height / h else { return }
        let f = image.width / w
        lock.lock()
        var equations = learned[model] ?? NormalEquations(channels: c)
        lock.unlock()
        guard equations.n == c + 1 else { return }
        for y in 0..<h {
            for x in 0..<w {
                var sum = (0.0, 0.0, 0.0)
                for dy in 0..<f {
                    for dx in 0..<f {
                        let base = ((y * f + dy) * image.width + x * f + dx) * 3
                        sum.0 += Double(image.bytes[base]); sum.1 += Double(image.bytes[base + 1]); sum.2 += Double(image.bytes[base + 2])
                    }
                }
                let scale = 1 / (255 * Double(f * f))
                equations.add((0..<c).map { Double(latents.data[($0 * h + y) * w + x]) }, (sum.0 * scale, sum.1 * scale, sum.2 * scale))
            }
        }
        guard let map = try? equations.solve() else { return }
        lock.lock()
        learned[model] = equations
        maps[model] = map
        lock.unlock()
    }

    /// A preview from the model's tiny decoder (TAESD), shrunk to at most `maxSide`; nil if it cannot be encoded.
    func preview(image: RGBImage) -> ProgressPreview? {
        do {
            var pixels = try PixelBuffer(width: image.width, height: image.height, channels: 3, bytes: image.pixels)
            if max(image.width, image.height) > Self.maxSide { pixels = try Resampler(filter: .triangle).fit(pixels, maxSide: Self.maxSide) }
            let png = try PNGEncoder(parallel: false).encode(pixels)
            return ProgressPreview(width: pixels.width, height: pixels.height, data: png.base64EncodedString())
        } catch {
            return nil
        }
    }

    /// A preview of `latents` (scaled, `[1, c, h, w]`), or nil when the map cannot be fitted.
    func preview(latents: Tensor, model: String, vae: any LatentAutoencoding) -> ProgressPreview? {
        guard latents.shape.count == 4, latents.shape[0] == 1 else { return nil }
        guard let map = map(for: model, latents: latents, vae: vae) else { return nil }
        let channels = latents.shape[1], height = latents.shape[2], width = latents.shape[3]
        let plane = width * height
        var bytes = [UInt8](repeating: 0, count: plane * 3)
        latents.data.withUnsafeBufferPointer { l in
            for i in 0..<plane {
                for o in 0..<3 {
                    var v = map[channels * 3 + o]
                    for c in 0..<channels { v += map[c * 3 + o] * l[c * plane + i] }
                    bytes[i * 3 + o] = UInt8(max(0, min(255, (v * 255).rounded())))
                }
            }
        }
        do {
            var pixels = try PixelBuffer(width: width, height: height, channels: 3, bytes: bytes)
            if max(width, height) > Self.maxSide { pixels = try Resampler(filter: .triangle).fit(pixels, maxSide: Self.maxSide) }
            let png = try PNGEncoder(parallel: false).encode(pixels)
            return ProgressPreview(width: pixels.width, height: pixels.height, data: png.base64EncodedString())
        } catch {
            return nil
        }
    }

    private func map(for model: String, latents: Tensor, vae: any LatentAutoencoding) -> [Float]? {
        lock.lock()
        let cached = maps[model]
        lock.unlock()
        if let cached { return cached }
        guard let fitted = try? Self.fit(latents: latents, vae: vae) else { return nil }
        lock.lock()
        maps[model] = fitted
        lock.unlock()
        return fitted
    }

    /// Least-squares fit of the affine latent → RGB map against a VAE decode of pooled latents.
    static func fit(latents: Tensor, vae: any LatentAutoencoding) throws -> [Float] {
        let c = latents.shape[1], h = latents.shape[2], w = latents.shape[3]
        let block = max(1, (max(h, w) + fitSide - 1) / fitSide)
        let ph = max(1, h / block), pw = max(1, w / block)
        var pooled = Tensor(shape: [1, c, ph, pw], repeating: 0)
        for ch in 0..<c {
            for y in 0..<ph {
                for x in 0..<pw {
                    var sum: Float = 0
                    for dy in 0..<block { for dx in 0..<block { sum += latents.data[(ch * h + y * block + dy) * w + x * block + dx] } }
                    pooled.data[(ch * ph + y) * pw + x] = sum / Float(block * block)
                }
            }
        }
        var unscaled = pooled
        for i in unscaled.data.indices { unscaled.data[i] /= vae.scalingFactor }
        let decoded = try vae.decode(latents: unscaled)
        let f = vae.downsampleFactor
        guard decoded.shape.count == 4, decoded.shape[1] == 3, decoded.shape[2] == ph * f, decoded.shape[3] == pw * f else {
            throw RPCError.internalError("the VAE decoded \(decoded.shape) for the preview fit, expected [1, 3, \(ph * f), \(pw * f)]")
        }
        // Least squares: X = [latent, 1] per pooled pixel, Y = the mean colour of its block in 0…1.
        var equations = NormalEquations(channels: c)
        let dh = ph * f, dw = pw * f
        for y in 0..<ph {
            for x in 0..<pw {
                var rgb = [0.0, 0.0, 0.0]
                for o in 0..<3 {
                    var sum: Double = 0
                    for dy in 0..<f { for dx in 0..<f { sum += Double(decoded.data[(o * dh + y * f + dy) * dw + x * f + dx]) } }
                    rgb[o] = min(1, max(0, (sum / Double(f * f) + 1) / 2))
                }
                equations.add((0..<c).map { Double(pooled.data[($0 * ph + y) * pw + x]) }, (rgb[0], rgb[1], rgb[2]))
            }
        }
        return try equations.solve()
    }

    /// Solves `A X = B` (A `n × n`, B `n × columns`) by Gaussian elimination with partial pivoting.
    static func solve(_ a: [Double], _ b: [Double], n: Int, columns: Int) throws -> [Double] {
        var a = a, b = b
        for col in 0..<n {
            let pivot = (col..<n).max { abs(a[$0 * n + col]) < abs(a[$1 * n + col]) } ?? col
            guard abs(a[pivot * n + col]) > 1e-12 else { throw RPCError.internalError("the preview fit is singular") }
            if pivot != col {
                for k in 0..<n { a.swapAt(col * n + k, pivot * n + k) }
                for k in 0..<columns { b.swapAt(col * columns + k, pivot * columns + k) }
            }
            for row in 0..<n where row != col {
                let factor = a[row * n + col] / a[col * n + col]
                if factor == 0 { continue }
                for k in col..<n { a[row * n + k] -= factor * a[col * n + k] }
                for k in 0..<columns { b[row * columns + k] -= factor * b[col * columns + k] }
            }
        }
        var x = b
        for row in 0..<n { for k in 0..<columns { x[row * columns + k] = b[row * columns + k] / a[row * n + row] } }
        return x
    }
}
