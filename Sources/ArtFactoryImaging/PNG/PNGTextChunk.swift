import Foundation

/// A textual PNG chunk: `tEXt` (Latin-1), `zTXt` (Latin-1, deflated) or `iTXt` (UTF-8, optionally deflated).
public struct PNGTextChunk: Sendable, Equatable {
    /// The three textual chunk types.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case tEXt, zTXt, iTXt
    }

    /// Chunk type.
    public var kind: Kind
    /// Keyword, 1-79 Latin-1 characters (e.g. `parameters`, `artfactory`, `prompt`).
    public var keyword: String
    /// Text, decoded (Latin-1 for tEXt/zTXt, UTF-8 for iTXt) and inflated.
    public var text: String
    /// iTXt language tag (may be empty).
    public var languageTag: String
    /// iTXt translated keyword (may be empty).
    public var translatedKeyword: String

    /// Creates a text chunk.
    public init(kind: Kind, keyword: String, text: String, languageTag: String = "", translatedKeyword: String = "") {
        self.kind = kind
        self.keyword = keyword
        self.text = text
        self.languageTag = languageTag
        self.translatedKeyword = translatedKeyword
    }

    /// Largest inflated text accepted from a file (guards against decompression bombs).
    public static let maximumInflatedBytes = 16 << 20

    /// Parses a chunk's data bytes.
    /// - Throws: ``ImagingError`` `corrupt` for a missing separator or unknown compression method.
    static func parse(kind: Kind, data: UnsafeRawBufferPointer) throws -> PNGTextChunk {
        guard let separator = data.firstIndex(of: 0), separator >= 1, separator <= 79 else {
            throw ImagingError(.corrupt, "a PNG \(kind.rawValue) chunk has no valid keyword")
        }
        let keyword = latin1(UnsafeRawBufferPointer(rebasing: data[0..<separator]))
        let rest = UnsafeRawBufferPointer(rebasing: data[(separator + 1)...])
        switch kind {
        case .tEXt:
            return PNGTextChunk(kind: .tEXt, keyword: keyword, text: latin1(rest))
        case .zTXt:
            guard rest.count >= 1, rest[0] == 0 else {
                throw ImagingError(.corrupt, "the PNG zTXt chunk '\(keyword)' uses an unknown compression method")
            }
            let inflated = try Zlib.inflate(UnsafeRawBufferPointer(rebasing: rest[1...]), limit: maximumInflatedBytes)
            return inflated.withUnsafeBytes { PNGTextChunk(kind: .zTXt, keyword: keyword, text: latin1($0)) }
        case .iTXt:
            guard rest.count >= 2 else {
                throw ImagingError(.corrupt, "the PNG iTXt chunk '\(keyword)' is too short")
            }
            let compressed = rest[0] == 1
            guard rest[0] <= 1, rest[1] == 0 else {
                throw ImagingError(.corrupt, "the PNG iTXt chunk '\(keyword)' uses an unknown compression method")
            }
            let afterFlags = UnsafeRawBufferPointer(rebasing: rest[2...])
            guard let languageEnd = afterFlags.firstIndex(of: 0) else {
                throw ImagingError(.corrupt, "the PNG iTXt chunk '\(keyword)' has no language tag terminator")
            }
            let language = latin1(UnsafeRawBufferPointer(rebasing: afterFlags[0..<languageEnd]))
            let afterLanguage = UnsafeRawBufferPointer(rebasing: afterFlags[(languageEnd + 1)...])
            guard let translatedEnd = afterLanguage.firstIndex(of: 0) else {
                throw ImagingError(.corrupt, "the PNG iTXt chunk '\(keyword)' has no translated keyword terminator")
            }
            let translated = String(decoding: UnsafeRawBufferPointer(rebasing: afterLanguage[0..<translatedEnd]), as: UTF8.self)
            let body = UnsafeRawBufferPointer(rebasing: afterLanguage[(translatedEnd + 1)...])
            let text: String
            if compressed {
                let inflated = try Zlib.inflate(body, limit: maximumInflatedBytes)
                text = String(decoding: inflated, as: UTF8.self)
            } else {
                text = String(decoding: body, as: UTF8.self)
            }
            return PNGTextChunk(kind: .iTXt, keyword: keyword, text: text, languageTag: language, translatedKeyword: translated)
        }
    }

    /// Reads every tEXt, zTXt and iTXt chunk of a PNG file, in file order.
    /// - Throws: ``ImagingError`` from ``PNGChunkReader/chunks(in:verifyCRC:)`` or a damaged text chunk.
    /// - Parameter budget: most text bytes read from the file in total (default ``maximumTotalTextBytes``).
    /// - Throws: `too_large` when all text together exceeds `budget` (many small chunks that each inflate
    ///   to the per-chunk limit).
    public static func readAll(from data: Data, budget: Int = maximumTotalTextBytes) throws -> [PNGTextChunk] {
        try data.withUnsafeBytes { raw in
            let chunks = try PNGChunkReader.chunks(in: raw, verifyCRC: true)
            var total = 0
            return try chunks.compactMap { chunk in
                guard let kind = Kind(rawValue: chunk.type) else { return nil }
                let parsed = try parse(kind: kind, data: UnsafeRawBufferPointer(rebasing: raw[chunk.dataRange]))
                total += parsed.text.utf8.count
                guard total <= budget else {
                    throw ImagingError(.tooLarge, "the PNG's text chunks together exceed \(budget) bytes")
                }
                return parsed
            }
        }
    }

    /// Default largest total of text read from one file.
    public static let maximumTotalTextBytes = 64 << 20

    static func latin1(_ bytes: UnsafeRawBufferPointer) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    /// Latin-1 bytes of `string`, or nil when it has characters outside Latin-1 or a NUL.
    static func latin1Bytes(_ string: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(string.unicodeScalars.count)
        for scalar in string.unicodeScalars {
            guard scalar.value >= 1, scalar.value <= 0xFF else { return nil }
            bytes.append(UInt8(scalar.value))
        }
        return bytes
    }
}
