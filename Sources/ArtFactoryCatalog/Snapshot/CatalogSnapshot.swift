import Foundation

/// A self-contained copy of part of the catalog, written as the manifest of `gallery.export` and
/// read back by `gallery.import` (ids are kept; see ``CatalogDatabase/importSnapshot(_:pathFor:)``).
///
/// Asset paths stay gallery-relative; the exporter copies the files next to the manifest under the
/// same relative paths.
public struct CatalogSnapshot: Codable, Sendable, Hashable {
    /// Current manifest format.
    public static let currentVersion = 1

    /// A collection and the snapshot's images in it, in collection order.
    public struct CollectionEntry: Codable, Sendable, Hashable {
        public var collection: ImageCollection
        public var assetIds: [String]
    }

    public var version: Int
    /// Milliseconds since the epoch.
    public var exportedAt: Int64
    public var projects: [Project]
    public var sessions: [Session]
    /// Generations of the images, oldest first.
    public var generations: [Generation]
    /// Images, with favorite, rating, approval and pin state.
    public var assets: [Asset]
    /// Tag names per asset id.
    public var tags: [String: [String]]
    public var collections: [CollectionEntry]

    /// Pretty, key-sorted JSON (stable output for the same snapshot).
    public func manifestJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do { return try encoder.encode(self) } catch {
            throw CatalogError(.invalidArgument, "The snapshot cannot be encoded: \(error).", cause: error)
        }
    }

    /// Reads a manifest.
    /// - Throws: `invalid_argument` for text that is not a manifest, or a newer format version.
    public static func decode(manifest data: Data) throws -> CatalogSnapshot {
        let snapshot: CatalogSnapshot
        do { snapshot = try JSONDecoder().decode(CatalogSnapshot.self, from: data) } catch {
            throw CatalogError(.invalidArgument, "The file is not an ArtFactory export manifest (\(error)); pick the manifest.json of an export.", cause: error)
        }
        guard snapshot.version <= currentVersion else {
            throw CatalogError.invalid("The manifest has format version \(snapshot.version); this version reads up to \(currentVersion). Update ArtFactory.")
        }
        return snapshot
    }
}

/// What an import did.
public struct SnapshotImportReport: Codable, Sendable, Hashable {
    /// Snapshot asset ids inserted as new rows.
    public var createdAssetIds: [String]
    /// Snapshot asset id → existing asset id, for images already present (same id or same sha256);
    /// no file needs copying for these.
    public var linkedAssetIds: [String: String]
    /// Generations inserted.
    public var createdGenerationIds: [String]
}
