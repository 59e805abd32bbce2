extension PixelBuffer {
    /// Returns an RGB copy; alpha is composited over `background` (default white).
    public func rgb(background: (UInt8, UInt8, UInt8) = (255, 255, 255)) -> PixelBuffer {
        guard channels == 4 else { return self }
        var output = [UInt8](repeating: 0, count: pixelCount * 3)
        let count = pixelCount
        let backgroundR = Int(background.0), backgroundG = Int(background.1), backgroundB = Int(background.2)
        bytes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                guard let s = source.baseAddress, let t = target.baseAddress else { return }
                for index in 0..<count {
                    let alpha = Int(s[index * 4 + 3])
                    let inverse = 255 - alpha
                    t[index * 3] = UInt8((Int(s[index * 4]) * alpha + backgroundR * inverse + 127) / 255)
                    t[index * 3 + 1] = UInt8((Int(s[index * 4 + 1]) * alpha + backgroundG * inverse + 127) / 255)
                    t[index * 3 + 2] = UInt8((Int(s[index * 4 + 2]) * alpha + backgroundB * inverse + 127) / 255)
                }
            }
        }
        return PixelBuffer(uncheckedWidth: width, height: height, channels: 3, bytes: output)
    }

    /// Returns an RGBA copy; an RGB image gets opaque alpha.
    public func rgba() -> PixelBuffer {
        guard channels == 3 else { return self }
        var output = [UInt8](repeating: 255, count: pixelCount * 4)
        let count = pixelCount
        bytes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                guard let s = source.baseAddress, let t = target.baseAddress else { return }
                for index in 0..<count {
                    t[index * 4] = s[index * 3]
                    t[index * 4 + 1] = s[index * 3 + 1]
                    t[index * 4 + 2] = s[index * 3 + 2]
                }
            }
        }
        return PixelBuffer(uncheckedWidth: width, height: height, channels: 4, bytes: output)
    }

    /// Whether every alpha byte is 255 (always true for RGB).
    public var isOpaque: Bool {
        guard channels == 4 else { return true }
        return bytes.withUnsafeBufferPointer { buffer in
            var index = 3
            while index < buffer.count {
                if buffer[index] != 255 { return false }
                index += 4
            }
            return true
        }
    }
}
