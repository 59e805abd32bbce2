import CPNG

/// zlib inflate with an output cap, for compressed PNG text chunks (zTXt, compressed iTXt).
enum Zlib {
    /// Inflates a complete zlib stream.
    /// - Throws: ``ImagingError`` `corrupt` for a damaged or unfinished stream, `too_large` past `limit` bytes.
    static func inflate(_ input: UnsafeRawBufferPointer, limit: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ImagingError(.corrupt, "zlib could not start inflating", cause: "inflateInit failed")
        }
        defer { inflateEnd(&stream) }
        guard let base = input.baseAddress, input.count > 0 else {
            throw ImagingError(.corrupt, "a compressed PNG text chunk is empty")
        }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        while true {
            let (status, produced) = chunk.withUnsafeMutableBufferPointer { buffer -> (Int32, Int) in
                stream.next_out = buffer.baseAddress
                stream.avail_out = uInt(buffer.count)
                let status = CPNG.inflate(&stream, Z_NO_FLUSH)
                return (status, buffer.count - Int(stream.avail_out))
            }
            output.append(contentsOf: chunk[0..<produced])
            if output.count > limit {
                throw ImagingError(.tooLarge, "a compressed PNG text chunk inflates past \(limit) bytes")
            }
            switch status {
            case Z_STREAM_END:
                return output
            case Z_OK:
                if stream.avail_in == 0 && produced == 0 {
                    throw ImagingError(.truncated, "a compressed PNG text chunk ends early")
                }
            case Z_BUF_ERROR:
                throw ImagingError(.truncated, "a compressed PNG text chunk ends early")
            default:
                let cause = stream.msg.map { String(cString: $0) }
                throw ImagingError(.corrupt, "a compressed PNG text chunk is damaged", cause: cause)
            }
        }
    }
}
