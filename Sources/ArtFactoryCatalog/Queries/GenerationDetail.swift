import ArtFactoryJSON
/// A generation with everything `gallery.get` shows.
public struct GenerationDetail: Codable, Sendable, Hashable {
    public var generation: Generation
    /// Its assets, oldest first.
    public var assets: [Asset]
    /// Tags per asset id.
    public var tags: [String: [Tag]]
    /// Collections holding any of its assets.
    public var collections: [ImageCollection]
    /// Parent first, then its parent, up to the root.
    public var ancestors: [Generation]
    /// Direct children, oldest first.
    public var children: [Generation]
    /// The asset just before its first asset in created order (whole catalog), if any.
    public var previousAssetId: String?
    /// The asset just after its first asset in created order, if any.
    public var nextAssetId: String?
}

/// One image with its generation, tags and collections.
public struct AssetDetail: Codable, Sendable, Hashable {
    public var asset: Asset
    public var generation: Generation?
    public var tags: [Tag]
    public var collections: [ImageCollection]
}

/// A parameter whose value differs between compared generations.
public struct ParameterDifference: Codable, Sendable, Hashable {
    /// `prompt`, `model`, `seed`, ... or `params.<dotted key>`.
    public var key: String
    /// One value per compared generation, in request order; `nil` where the key is absent.
    public var values: [CatalogJSON?]
}

/// Result of comparing two or more generations.
public struct GenerationComparison: Codable, Sendable, Hashable {
    public var generationIds: [String]
    /// Keys whose values differ, sorted by key.
    public var differences: [ParameterDifference]
    /// Keys with the same value everywhere.
    public var common: [String: CatalogJSON]
}

/// What a delete removed: ids of rows that are gone and files the caller must now remove.
public struct DeletionResult: Codable, Sendable, Hashable {
    public var assetIds: [String]
    public var generationIds: [String]
    /// Gallery-relative paths (images and thumbnails) to delete from disk.
    public var paths: [String]
}
