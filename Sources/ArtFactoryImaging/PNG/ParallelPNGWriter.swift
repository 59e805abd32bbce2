import CPNG
import Foundation

/// Writes 8-bit RGB/RGBA PNGs using every core: rows are split into bands, each band is filtered and
/// deflated independently (raw deflate ending on a byte boundary with `Z_SYNC_FLUSH`), and the pieces are
/// joined into one zlib stream whose Adler-32 is combined from the bands' (the technique of `pigz`).
///
/// The output is an ordinary PNG (single zlib stream split across IDAT chunks) that any decoder reads;
/// the bands cost a few hundred bytes because each starts with an empty window.
struct ParallelPNGWriter {
    let level: Int32
    let filter: PNGEncoder.Filter
    let strategy: PNGEncoder.Strategy

    /// Largest IDAT chunk written.
    static let idatSize = 1 << 19

    func encode(_ buffer: PixelBuffer, textChunks: [PNGTextChunk], bands requestedBands: Int) throws -> Data {
        let rowBytes = buffer.rowBytes
        let bands = max(1, min(requestedBands, buffer.height))
        let results = BandResults(count: bands)
        let filterType = filter == .adaptive ? PNGEncoder.Filter.up : filter
        buffer.bytes.withUnsafeBufferPointer { pixels in
            guard let base = pixels.baseAddress else { return }
            let source = BandPointer(base)
            let height = buffer.height, channels = buffer.channels
            let (level, strategy) = (self.level, self.strategy.rawValue)
            DispatchQueue.concurrentPerform(iterations: bands) { band in
                let rows = (height * band / bands)..<(height * (band + 1) / bands)
                var filtered = [UInt8](repeating: 0, count: rows.count * (rowBytes + 1))
                filtered.withUnsafeMutableBufferPointer { target in
                    guard let output = target.baseAddress else { return }
                    PNGRowFilter.filter(rows: rows, source: source.pointer, rowBytes: rowBytes, bytesPerPixel: channels,
                                        type: filterType, into: output)
                }
                let adler = filtered.withUnsafeBufferPointer { adler32(1, $0.baseAddress, uInt($0.count)) }
                let result = Result { try Self.deflateRaw(filtered, level: level, strategy: strategy, final: band == bands - 1) }
                results.store(band: band, result: result, adler: adler, length: filtered.count)
            }
        }
        let (pieces, adlers, lengths) = try results.collect()
        var adler = adlers[0]
        for band in 1..<bands { adler = adler32_combine(adler, adlers[band], off_t(lengths[band])) }
        var stream = Data([0x78, level <= 1 ? 0x01 : (level <= 5 ? 0x5E : (level == 6 ? 0x9C : 0xDA))])
        for piece in pieces { stream.append(piece) }
        stream.append(contentsOf: PNGChunkWriter.bigEndian(UInt32(truncatingIfNeeded: adler)))

        var output = Data(PNGChunkReader.signature)
        output.reserveCapacity(stream.count + 4096)
        var header = PNGChunkWriter.bigEndian(UInt32(buffer.width)) + PNGChunkWriter.bigEndian(UInt32(buffer.height))
        header += [8, buffer.channels == 4 ? 6 : 2, 0, 0, 0]
        PNGChunkWriter.append("IHDR", header, to: &output)
        for chunk in textChunks { try PNGChunkWriter.appendText(chunk, to: &output) }
        var offset = 0
        while offset < stream.count {
            let end = min(offset + Self.idatSize, stream.count)
            PNGChunkWriter.append("IDAT", stream[offset..<end], to: &output)
            offset = end
        }
        PNGChunkWriter.append("IEND", [], to: &output)
        return output
    }

    /// Raw deflate (no zlib header) of `input`, ending with a sync flush, or finished when `final`.
    static func deflateRaw(_ input: [UInt8], level: Int32, strategy: Int32, final: Bool) throws -> Data {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, strategy, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ImagingError(.encodeFailed, "zlib could not start compressing")
        }
        defer { deflateEnd(&stream) }
        let capacity = Int(deflateBound(&stream, uLong(input.count))) + 64
        var output = [UInt8](repeating: 0, count: capacity)
        let status: Int32 = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return CPNG.deflate(&stream, final ? Z_FINISH : Z_SYNC_FLUSH)
            }
        }
        guard (final && status == Z_STREAM_END) || (!final && status == Z_OK), stream.avail_in == 0 else {
            throw ImagingError(.encodeFailed, "zlib could not compress a PNG band", cause: "deflate status \(status)")
        }
        return Data(output[0..<(capacity - Int(stream.avail_out))])
    }
}

/// Per-band results gathered from concurrent workers under a lock.
private final class BandResults: @unchecked Sendable {
    private let lock = NSLock()
    private var pieces: [Data?]
    private var adlers: [UInt]
    private var lengths: [Int]
    private var failure: Error?

    init(count: Int) {
        pieces = [Data?](repeating: nil, count: count)
        adlers = [UInt](repeating: 1, count: count)
        lengths = [Int](repeating: 0, count: count)
    }

    func store(band: Int, result: Result<Data, Error>, adler: UInt, length: Int) {
        lock.lock()
        defer { lock.unlock() }
        switch result {
        case .success(let data): pieces[band] = data
        case .failure(let error): failure = failure ?? error
        }
        adlers[band] = adler
        lengths[band] = length
    }

    func collect() throws -> ([Data], [UInt], [Int]) {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
        let complete = pieces.compactMap { $0 }
        guard complete.count == pieces.count else {
            throw ImagingError(.encodeFailed, "a PNG band was not compressed")
        }
        return (complete, adlers, lengths)
    }
}
