import CSystemZlib

/// gzip (RFC 1952) decoding through zlib, so the built-in CLIP vocabulary can ship compressed.
/// zlib checks the header, the DEFLATE data and the CRC-32 and length trailer.
enum GzipInflater {
    struct Failure: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    /// Decompresses one gzip member (trailing bytes after it are an error).
    static func gunzip(_ data: [UInt8]) throws -> [UInt8] {
        guard data.count >= 2, data[0] == 0x1f, data[1] == 0x8b else { throw Failure(description: "not gzip data") }
        var stream = z_stream()
        // 16 + MAX_WBITS: a gzip wrapper, not zlib's.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(description: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(data.count * 3)
        var chunk = [UInt8](repeating: 0, count: 65536)
        return try data.withUnsafeBufferPointer { input -> [UInt8] in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { buffer -> (Int32, Int) in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, buffer.count - Int(stream.avail_out))
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    guard stream.avail_in == 0 else { throw Failure(description: "unexpected data after the gzip member") }
                    return output
                case Z_OK where !(stream.avail_in == 0 && produced == 0):
                    continue
                case Z_OK, Z_BUF_ERROR:
                    throw Failure(description: "unexpected end of gzip data")
                default:
                    throw Failure(description: "damaged gzip data (\(stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"))")
                }
            }
        }
    }
}
