import CPNG
import Foundation

/// Serialises PNG chunks (length, type, data, CRC-32) for ``ParallelPNGWriter``.
enum PNGChunkWriter {
    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func append<Bytes: Collection>(_ type: String, _ payload: Bytes, to output: inout Data) where Bytes.Element == UInt8 {
        let typeBytes = Array(type.utf8)
        output.append(contentsOf: bigEndian(UInt32(payload.count)))
        var body = typeBytes
        body.append(contentsOf: payload)
        output.append(contentsOf: body)
        let crc = body.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        output.append(contentsOf: bigEndian(UInt32(truncatingIfNeeded: crc)))
    }

    /// Writes a text chunk with the same rules as the libpng path: keyword 1-79 Latin-1 characters,
    /// tEXt/zTXt text that is not Latin-1 becomes iTXt.
    static func appendText(_ chunk: PNGTextChunk, to output: inout Data) throws {
        guard let keyword = PNGTextChunk.latin1Bytes(chunk.keyword), (1...79).contains(keyword.count),
              keyword.first != 0x20, keyword.last != 0x20 else {
            throw ImagingError(.invalidArgument,
                               "PNG text keyword '\(chunk.keyword)' must be 1-79 Latin-1 characters without leading or trailing spaces")
        }
        if chunk.kind != .iTXt, let latin = PNGTextChunk.latin1Bytes(chunk.text) {
            if chunk.kind == .tEXt {
                append("tEXt", keyword + [0] + latin, to: &output)
            } else {
                append("zTXt", keyword + [0, 0] + (try compress(latin)), to: &output)
            }
            return
        }
        let utf8 = Array(chunk.text.utf8)
        guard !utf8.contains(0) else {
            throw ImagingError(.invalidArgument, "PNG text for '\(chunk.keyword)' contains a NUL character")
        }
        append("iTXt", keyword + [0, 0, 0, 0, 0] + utf8, to: &output)
    }

    /// zlib-wrapped deflate at the default level (text is small).
    static func compress(_ input: [UInt8]) throws -> [UInt8] {
        var length = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = output.withUnsafeMutableBufferPointer { target in
            input.withUnsafeBufferPointer { source in
                compress2(target.baseAddress, &length, source.baseAddress, uLong(source.count), Z_DEFAULT_COMPRESSION)
            }
        }
        guard status == Z_OK else { throw ImagingError(.encodeFailed, "zlib could not compress a text chunk") }
        return Array(output[0..<Int(length)])
    }
}
