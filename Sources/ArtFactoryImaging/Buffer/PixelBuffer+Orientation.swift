extension PixelBuffer {
    /// Returns the pixels turned so that an image stored with `orientation` displays upright.
    public func applying(_ orientation: ExifOrientation) -> PixelBuffer {
        if orientation == .up { return self }
        let swaps = orientation.rawValue >= 5
        let outputWidth = swaps ? height : width, outputHeight = swaps ? width : height
        let channelCount = channels, sourceWidth = width, sourceHeight = height
        var output = [UInt8](repeating: 0, count: bytes.count)
        bytes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                guard let s = source.baseAddress, let t = target.baseAddress else { return }
                for y in 0..<outputHeight {
                    for x in 0..<outputWidth {
                        let (sx, sy): (Int, Int)
                        switch orientation {
                        case .up: (sx, sy) = (x, y)
                        case .flipHorizontal: (sx, sy) = (sourceWidth - 1 - x, y)
                        case .rotate180: (sx, sy) = (sourceWidth - 1 - x, sourceHeight - 1 - y)
                        case .flipVertical: (sx, sy) = (x, sourceHeight - 1 - y)
                        case .transpose: (sx, sy) = (y, x)
                        case .rotate90Clockwise: (sx, sy) = (y, sourceHeight - 1 - x)
                        case .transverse: (sx, sy) = (sourceWidth - 1 - y, sourceHeight - 1 - x)
                        case .rotate90CounterClockwise: (sx, sy) = (sourceWidth - 1 - y, x)
                        }
                        let from = s + (sy * sourceWidth + sx) * channelCount
                        let to = t + (y * outputWidth + x) * channelCount
                        for channel in 0..<channelCount { to[channel] = from[channel] }
                    }
                }
            }
        }
        return PixelBuffer(uncheckedWidth: outputWidth, height: outputHeight, channels: channels, bytes: output)
    }
}
