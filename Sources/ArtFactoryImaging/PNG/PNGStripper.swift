import Foundation

/// Removes metadata from a PNG by copying chunks, without decoding or re-encoding pixels.
///
/// Kept: the critical chunks (`IHDR`, `PLTE`, `IDAT`, `IEND`) and, unless asked otherwise, the chunks that
/// affect how pixels look (`tRNS`, `gAMA`, `cHRM`, `sRGB`, `iCCP`, `sBIT`, `pHYs`). Dropped: `eXIf`,
/// text chunks, `tIME` and every other ancillary or private chunk. Animated PNGs keep `acTL`/`fcTL`/`fdAT`.
public struct PNGStripper: Sendable {
    /// Ancillary chunks that change rendering and are kept by default.
    public static let renderingChunks: Set<String> = ["tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT", "pHYs", "bKGD",
                                                      "acTL", "fcTL", "fdAT"]

    /// Keep chunks that affect rendering (colour profile, gamma, transparency). Default true.
    public var keepRenderingChunks: Bool
    /// Additional ancillary chunk types to keep (e.g. `["tEXt"]`).
    public var alsoKeep: Set<String>

    /// Creates a stripper.
    public init(keepRenderingChunks: Bool = true, alsoKeep: Set<String> = []) {
        self.keepRenderingChunks = keepRenderingChunks
        self.alsoKeep = alsoKeep
    }

    /// Returns a copy of `data` without the unwanted chunks. CRCs are verified while walking.
    /// - Throws: ``ImagingError`` from ``PNGChunkReader``.
    public func strip(_ data: Data) throws -> Data {
        try data.withUnsafeBytes { raw in
            let chunks = try PNGChunkReader.chunks(in: raw, verifyCRC: true)
            var output = Data(capacity: raw.count)
            output.append(contentsOf: PNGChunkReader.signature)
            for chunk in chunks where keeps(chunk) {
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[chunk.fullRange]))
            }
            return output
        }
    }

    /// Whether `chunk` survives stripping.
    public func keeps(_ chunk: PNGChunk) -> Bool {
        if chunk.isCritical || alsoKeep.contains(chunk.type) { return true }
        return keepRenderingChunks && Self.renderingChunks.contains(chunk.type)
    }
}
