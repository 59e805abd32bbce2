

extension PixelBuffer {
    /// Converts to planar floats in [-1, 1] (`value / 127.5 - 1`).
    public func floatImage() -> FloatImage {
        let plane = pixelCount
        let channelCount = channels
        var values = [Float](repeating: 0, count: plane * channelCount)
        bytes.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { target in
                guard let s = source.baseAddress, let t = target.baseAddress else { return }
                for index in 0..<plane {
                    for channel in 0..<channelCount {
                        t[channel * plane + index] = Float(s[index * channelCount + channel]) / 127.5 - 1
                    }
                }
            }
        }
        // Shape was validated when this buffer was made, so the throwing init cannot fail here.
        return FloatImage(checkedShape: [channels, height, width], values: values)
    }

    /// Converts planar floats in [-1, 1] back to bytes, clamping out-of-range values and rounding.
    /// NaN becomes 0.
    public init(floatImage: FloatImage) {
        let channelCount = floatImage.shape[0], height = floatImage.shape[1], width = floatImage.shape[2]
        let plane = width * height
        var output = [UInt8](repeating: 0, count: plane * channelCount)
        floatImage.values.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                guard let s = source.baseAddress, let t = target.baseAddress else { return }
                for index in 0..<plane {
                    for channel in 0..<channelCount {
                        let scaled = (s[channel * plane + index] + 1) * 127.5
                        let clamped = scaled.isNaN ? 0 : min(max(scaled, 0), 255)
                        t[index * channelCount + channel] = UInt8(clamped.rounded())
                    }
                }
            }
        }
        self.init(uncheckedWidth: width, height: height, channels: channelCount, bytes: output)
    }
}
