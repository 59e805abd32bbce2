/// An 8-bit RGB image, row-major, 3 bytes per pixel: the pipeline's input and output pixel format.
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width × height × 3` bytes, R G B per pixel, rows top to bottom.
    public let pixels: [UInt8]

    /// Wraps pixel bytes.
    /// - Throws: `EngineError` (`pipeline.bad_request`) when the byte count does not match the size.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0, pixels.count == width * height * 3 else {
            throw EngineError.badRequest("an RGB image of \(width)×\(height) needs \(max(0, width * height * 3)) bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The image as a `[1, 3, height, width]` tensor in [-1, 1], as diffusers' image processor makes it
    /// (`x / 255` in f32, then `2x - 1`).
    public func tensor() -> Tensor {
        let plane = width * height
        var data = [Float](repeating: 0, count: 3 * plane)
        pixels.withUnsafeBufferPointer { src in
            data.withUnsafeMutableBufferPointer { dst in
                for i in 0..<plane {
                    for c in 0..<3 { dst[c * plane + i] = 2 * (Float(src[i * 3 + c]) / 255) - 1 }
                }
            }
        }
        return Tensor(shape: [1, 3, height, width], data: data)
    }

    /// Converts row `batchIndex` of a decoded `[batch, 3, H, W]` tensor in about [-1, 1] to bytes with
    /// diffusers' rounding: `(x / 2 + 0.5)` clamped to [0, 1], times 255, rounded half to even.
    public init(tensor: Tensor, batchIndex: Int = 0) throws {
        guard tensor.rank == 4, tensor.shape[1] == 3, batchIndex >= 0, batchIndex < tensor.shape[0] else {
            throw EngineError.modelShape("Decoded image", expected: [max(1, batchIndex + 1), 3, -1, -1], got: tensor.shape)
        }
        let h = tensor.shape[2], w = tensor.shape[3], plane = h * w
        var bytes = [UInt8](repeating: 0, count: plane * 3)
        tensor.data.withUnsafeBufferPointer { src in
            let base = batchIndex * 3 * plane
            bytes.withUnsafeMutableBufferPointer { dst in
                for i in 0..<plane {
                    for c in 0..<3 {
                        let v = min(max(src[base + c * plane + i] / 2 + 0.5, 0), 1)
                        dst[i * 3 + c] = UInt8((v * 255).rounded(.toNearestOrEven))
                    }
                }
            }
        }
        try self.init(width: w, height: h, pixels: bytes)
    }
}

/// A single-channel inpainting mask: 255 (white) marks pixels to repaint, 0 (black) pixels to keep.
public struct InpaintMask: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width × height` bytes; values ≥ 128 count as "repaint" (diffusers binarizes at 0.5).
    public let values: [UInt8]

    /// Wraps mask bytes.
    /// - Throws: `EngineError` (`pipeline.bad_request`) when the byte count does not match the size.
    public init(width: Int, height: Int, values: [UInt8]) throws {
        guard width > 0, height > 0, values.count == width * height else {
            throw EngineError.badRequest("a mask of \(width)×\(height) needs \(max(0, width * height)) bytes, got \(values.count)")
        }
        self.width = width
        self.height = height
        self.values = values
    }

    /// The binarized mask at full resolution, 1 = repaint: `value / 255 < 0.5 → 0, else 1`.
    func binary() -> [Float] { values.map { Float($0) / 255 < 0.5 ? 0 : 1 } }

    /// The binarized mask at latent resolution `[1, 1, h, w]` by nearest-neighbour sampling, as
    /// `torch.nn.functional.interpolate(mask, size=(h, w))` does.
    func latentMask(height h: Int, width w: Int) -> Tensor {
        let full = binary()
        var data = [Float](repeating: 0, count: h * w)
        for y in 0..<h {
            let sy = min(height - 1, Int((Double(y) * Double(height) / Double(h)).rounded(.down)))
            for x in 0..<w {
                let sx = min(width - 1, Int((Double(x) * Double(width) / Double(w)).rounded(.down)))
                data[y * w + x] = full[sy * width + sx]
            }
        }
        return Tensor(shape: [1, 1, h, w], data: data)
    }
}
