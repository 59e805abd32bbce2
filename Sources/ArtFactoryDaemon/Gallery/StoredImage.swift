import ArtFactoryCatalog

/// An image the gallery has stored: its catalog row (and generation, when it has one) and where its
/// files are on disk.
public struct StoredImage: Sendable, Hashable {
    /// The catalog row (`path` relative to the gallery directory, `thumbnailPath` relative to the
    /// thumbnails directory).
    public var asset: Asset
    /// The generation the image belongs to, if any.
    public var generation: Generation?
    /// Absolute path of the full-resolution file.
    public var imagePath: String
    /// Absolute path of the WebP thumbnail.
    public var thumbnailPath: String
    /// `true` when an identical file (same SHA-256) was already stored and this is that image.
    public var duplicate: Bool

    /// Creates a value.
    public init(asset: Asset, generation: Generation?, imagePath: String, thumbnailPath: String, duplicate: Bool = false) {
        self.asset = asset
        self.generation = generation
        self.imagePath = imagePath
        self.thumbnailPath = thumbnailPath
        self.duplicate = duplicate
    }
}
