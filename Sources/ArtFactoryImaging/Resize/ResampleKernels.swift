/// The two inner loops of ``Resampler``. Raw pointers, no allocation; each call touches only its row band,
/// so bands can run concurrently.
enum ResampleKernels {
    /// Source bytes (rows `rows` of the input) → intermediate floats (same rows, output width).
    /// RGBA colour is premultiplied by alpha here.
    static func horizontal(source: UnsafePointer<UInt8>, sourceWidth: Int, channels: Int,
                           target: UnsafeMutablePointer<Float>, weights: ResampleWeights, rows: Range<Int>) {
        let outputWidth = weights.outputCount, taps = weights.taps
        weights.starts.withUnsafeBufferPointer { startsBuffer in
            weights.weights.withUnsafeBufferPointer { weightBuffer in
                guard let starts = startsBuffer.baseAddress, let kernel = weightBuffer.baseAddress else { return }
                for row in rows {
                    let input = source + row * sourceWidth * channels
                    let output = target + row * outputWidth * channels
                    for x in 0..<outputWidth {
                        let first = starts[x]
                        let w = kernel + x * taps
                        let count = min(taps, sourceWidth - first)
                        var pixel = input + first * channels
                        if channels == 3 {
                            var r: Float = 0, g: Float = 0, b: Float = 0
                            for tap in 0..<count {
                                let weight = w[tap]
                                r += weight * Float(pixel[0]); g += weight * Float(pixel[1]); b += weight * Float(pixel[2])
                                pixel += 3
                            }
                            output[x * 3] = r; output[x * 3 + 1] = g; output[x * 3 + 2] = b
                        } else {
                            var r: Float = 0, g: Float = 0, b: Float = 0, a: Float = 0
                            for tap in 0..<count {
                                let alpha = Float(pixel[3])
                                let weight = w[tap], weightAlpha = weight * alpha * (1 / 255)
                                r += weightAlpha * Float(pixel[0]); g += weightAlpha * Float(pixel[1])
                                b += weightAlpha * Float(pixel[2]); a += weight * alpha
                                pixel += 4
                            }
                            output[x * 4] = r; output[x * 4 + 1] = g; output[x * 4 + 2] = b; output[x * 4 + 3] = a
                        }
                    }
                }
            }
        }
    }

    /// Intermediate floats → output bytes for output rows `rows`, rounding and clamping; RGBA is
    /// un-premultiplied.
    static func vertical(source: UnsafePointer<Float>, width: Int, channels: Int,
                         target: UnsafeMutablePointer<UInt8>, weights: ResampleWeights, rows: Range<Int>) {
        let taps = weights.taps, rowFloats = width * channels
        var accumulator = [Float](repeating: 0, count: rowFloats)
        accumulator.withUnsafeMutableBufferPointer { accumulatorBuffer in
            weights.starts.withUnsafeBufferPointer { startsBuffer in
                weights.weights.withUnsafeBufferPointer { weightBuffer in
                    guard let sum = accumulatorBuffer.baseAddress, let starts = startsBuffer.baseAddress,
                          let kernel = weightBuffer.baseAddress else { return }
                    let inputRows = weights.inputCount
                    for row in rows {
                        sum.update(repeating: 0, count: rowFloats)
                        let first = starts[row]
                        let count = min(taps, inputRows - first)
                        for tap in 0..<count {
                            let weight = kernel[row * taps + tap]
                            if weight == 0 { continue }
                            let line = source + (first + tap) * rowFloats
                            for index in 0..<rowFloats { sum[index] += weight * line[index] }
                        }
                        let output = target + row * rowFloats
                        if channels == 3 {
                            for index in 0..<rowFloats { output[index] = clampByte(sum[index]) }
                        } else {
                            for x in 0..<width {
                                let alpha = sum[x * 4 + 3]
                                let scale: Float = alpha > 0.5 ? 255 / alpha : 0
                                output[x * 4] = clampByte(sum[x * 4] * scale)
                                output[x * 4 + 1] = clampByte(sum[x * 4 + 1] * scale)
                                output[x * 4 + 2] = clampByte(sum[x * 4 + 2] * scale)
                                output[x * 4 + 3] = clampByte(alpha)
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    static func clampByte(_ value: Float) -> UInt8 {
        let rounded = value + 0.5
        if !(rounded > 0) { return 0 }
        if rounded >= 255 { return 255 }
        return UInt8(rounded)
    }
}
