import CImagingShims
import Foundation

/// Encodes 8-bit RGB/RGBA pixels to PNG with libpng, optionally with text chunks.
///
/// The defaults favour speed (the gallery writes one PNG per generated image): zlib level 1 with the `Up`
/// filter measured about 7× faster than libpng's defaults (level 6, adaptive filters) on a noisy 1024² image,
/// and no larger (see `Scripts/bench-thumbnails`). Images of at least ``parallelThreshold`` pixels are
/// filtered and deflated in row bands on all cores (``ParallelPNGWriter``); smaller ones go through libpng.
/// Thread-safe: a value type with no shared state; encode from any thread.
public struct PNGEncoder: Sendable {
    /// Row filter (PNG filter type), or `adaptive` to let libpng choose per row (slowest).
    public enum Filter: Int32, Sendable, CaseIterable {
        case adaptive = -1, none = 0, sub = 1, up = 2, average = 3, paeth = 4
    }

    /// zlib strategy.
    public enum Strategy: Int32, Sendable, CaseIterable {
        case `default` = 0, filtered = 1, rle = 3
    }

    /// zlib compression level, 0 (store) to 9 (smallest).
    public var compressionLevel: Int
    /// Row filter.
    public var filter: Filter
    /// zlib strategy.
    public var strategy: Strategy

    /// Split large images into row bands compressed on all cores (default true).
    public var parallel: Bool

    /// Images with at least this many pixels use the parallel writer when ``parallel`` is set.
    public static let parallelThreshold = 256 * 1024

    /// The fast default: level 1, `Up` filter, default strategy, parallel for large images.
    public init(compressionLevel: Int = 1, filter: Filter = .up, strategy: Strategy = .default, parallel: Bool = true) {
        self.compressionLevel = compressionLevel
        self.filter = filter
        self.strategy = strategy
        self.parallel = parallel
    }

    /// Encodes `buffer` with the given text chunks, in order.
    ///
    /// A `tEXt`/`zTXt` chunk whose text is not Latin-1 is written as `iTXt` instead (as Pillow does), so no
    /// character is ever lost. Compressed iTXt is not written.
    /// - Throws: ``ImagingError`` `invalid_argument` for a bad level or keyword, `encode_failed` when libpng fails.
    public func encode(_ buffer: PixelBuffer, textChunks: [PNGTextChunk] = []) throws -> Data {
        guard (0...9).contains(compressionLevel) else {
            throw ImagingError(.invalidArgument, "PNG compression level must be 0...9, got \(compressionLevel)")
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if parallel, cores > 1, compressionLevel > 0, filter != .adaptive, buffer.pixelCount >= Self.parallelThreshold {
            let writer = ParallelPNGWriter(level: Int32(compressionLevel), filter: filter, strategy: strategy)
            return try writer.encode(buffer, textChunks: textChunks, bands: cores * 2)
        }
        var keys: [[CChar]] = []
        var texts: [[CChar]] = []
        var kinds: [Int32] = []
        for chunk in textChunks {
            guard let keyword = PNGTextChunk.latin1Bytes(chunk.keyword), (1...79).contains(keyword.count),
                  keyword.first != 0x20, keyword.last != 0x20 else {
                throw ImagingError(.invalidArgument,
                                   "PNG text keyword '\(chunk.keyword)' must be 1-79 Latin-1 characters without leading or trailing spaces")
            }
            keys.append(keyword.map { CChar(bitPattern: $0) } + [0])
            if chunk.kind != .iTXt, let latin = PNGTextChunk.latin1Bytes(chunk.text) {
                texts.append(latin.map { CChar(bitPattern: $0) } + [0])
                kinds.append(chunk.kind == .zTXt ? 1 : 0)
            } else {
                let utf8 = Array(chunk.text.utf8)
                guard !utf8.contains(0) else {
                    throw ImagingError(.invalidArgument, "PNG text for '\(chunk.keyword)' contains a NUL character")
                }
                texts.append(utf8.map { CChar(bitPattern: $0) } + [0])
                kinds.append(2)
            }
        }
        return try withCStringArrays(keys, texts) { keyPointers, textPointers in
            var descriptors: [af_png_text] = []
            for index in keys.indices {
                descriptors.append(af_png_text(key: keyPointers[index], text: textPointers[index],
                                               text_length: texts[index].count - 1, kind: kinds[index]))
            }
            var output: UnsafeMutablePointer<UInt8>?
            var length = 0
            var message = [CChar](repeating: 0, count: 256)
            let status = buffer.bytes.withUnsafeBufferPointer { pixels in
                descriptors.withUnsafeBufferPointer { textBuffer in
                    af_png_encode(pixels.baseAddress, UInt32(buffer.width), UInt32(buffer.height), Int32(buffer.channels),
                                  buffer.rowBytes, Int32(compressionLevel), filter.rawValue, strategy.rawValue,
                                  textBuffer.baseAddress, Int32(textBuffer.count), &output, &length, &message, message.count)
                }
            }
            guard status == AF_OK, let output else {
                throw ImagingError(.encodeFailed, "libpng could not encode the image",
                                   cause: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            defer { af_free(output) }
            return Data(bytes: output, count: length)
        }
    }

    /// Encodes `buffer` with ArtFactory's metadata: an A1111-compatible `parameters` tEXt chunk and an
    /// `artfactory` iTXt chunk holding `recordJSON` (the full generation record, UTF-8 JSON).
    public func encode(_ buffer: PixelBuffer, parameters: String?, recordJSON: String?) throws -> Data {
        var chunks: [PNGTextChunk] = []
        if let parameters { chunks.append(PNGTextChunk(kind: .tEXt, keyword: "parameters", text: parameters)) }
        if let recordJSON { chunks.append(PNGTextChunk(kind: .iTXt, keyword: "artfactory", text: recordJSON)) }
        return try encode(buffer, textChunks: chunks)
    }

    /// Encodes `buffer` with `metadata` written as A1111 `parameters` text and `recordJSON` as the
    /// `artfactory` iTXt chunk.
    public func encode(_ buffer: PixelBuffer, metadata: GenerationMetadata, recordJSON: String?) throws -> Data {
        try encode(buffer, parameters: A1111Parameters.format(metadata), recordJSON: recordJSON)
    }

    private func withCStringArrays<R>(_ first: [[CChar]], _ second: [[CChar]],
                                      _ body: ([UnsafePointer<CChar>], [UnsafePointer<CChar>]) throws -> R) throws -> R {
        // Flatten into two contiguous stores so the pointers stay valid for the whole call.
        let firstStore = first.flatMap { $0 }, secondStore = second.flatMap { $0 }
        return try firstStore.withUnsafeBufferPointer { firstBase in
            try secondStore.withUnsafeBufferPointer { secondBase in
                var firstPointers: [UnsafePointer<CChar>] = [], secondPointers: [UnsafePointer<CChar>] = []
                var offset = 0
                for item in first {
                    if let base = firstBase.baseAddress { firstPointers.append(base + offset) }
                    offset += item.count
                }
                offset = 0
                for item in second {
                    if let base = secondBase.baseAddress { secondPointers.append(base + offset) }
                    offset += item.count
                }
                return try body(firstPointers, secondPointers)
            }
        }
    }
}
