import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryProtocol
import Foundation
import Glibc

/// The file-system gallery and its catalog rows, kept in step.
///
/// Layout: originals at `gallery/<project-slug>/<yyyy>/<mm>/<asset-id>.<ext>` (`unsorted` when the
/// image has no project), thumbnails (WebP, 256 px long side, q80) at the same relative place
/// under `thumbnails/` with a `.webp` extension. The catalog stores both paths relative to their
/// directory.
///
/// Crash safety: every store first writes an intent record (`gallery/.pending/<asset-id>.json`,
/// naming the files about to appear), then the thumbnail and the original (temp, fsync, rename),
/// then commits the catalog rows in one transaction, then removes the intent. A crash at any point
/// leaves either everything (row committed) or files named by an intent whose row is missing;
/// ``recoverPendingWrites()`` (run at start-up) deletes those, so an image is whole or absent.
///
/// Thread-safe: all state lives in the catalog and on disk; any number of worker threads may call.
public final class GalleryService: @unchecked Sendable {
    let catalog: CatalogDatabase
    let paths: DaemonPaths
    let events: EventBus?
    let thumbnailer = Thumbnailer()
    let limits: ImageLimits
    let pngEncoder = PNGEncoder()

    /// Creates the service over a catalog and the daemon's directories.
    public init(catalog: CatalogDatabase, paths: DaemonPaths, events: EventBus?, limits: ImageLimits = .default) {
        self.catalog = catalog
        self.paths = paths
        self.events = events
        self.limits = limits
    }

    var pendingDir: String { paths.galleryDir + "/.pending" }

    /// Stores a freshly generated image: PNG with an A1111 `parameters` tEXt chunk and an
    /// `artfactory` iTXt chunk (the JSON record), a WebP thumbnail, then the generation (created
    /// when new, else the image is added to it), the asset and its tags in one transaction.
    /// - Parameters:
    ///   - pixels: the decoded result.
    ///   - generation: the record; its `projectId` chooses the folder.
    ///   - tags: tag names for the image (created when missing).
    ///   - collectionId: a collection to add the image to, or `nil`.
    /// - Returns: the stored image.
    /// - Throws: `CatalogError` (unknown project, session, collection), `ImagingError` (encoding),
    ///   or an I/O error; on any error no file and no row remain.
    @discardableResult
    /// `extraText` are more PNG text chunks written after ours (a server's ComfyUI `prompt`/`workflow`).
    /// `recording`, for an existing generation, changes its params and remote id in the transaction
    /// that adds the image (a server image's "done" record commits with the image).
    public func storeGenerated(pixels: PixelBuffer, generation: Generation, tags: [String] = [],
                               collectionId: String? = nil, extraText: [PNGTextChunk] = [],
                               recording: ((_ params: inout CatalogJSON, _ remoteId: inout String?) throws -> Void)? = nil) throws -> StoredImage {
        if let collectionId { _ = try catalog.collection(collectionId) }
        let record = GalleryRecord.json(generation, tags: tags, width: pixels.width, height: pixels.height)
        let metadata = GalleryRecord.metadata(generation, width: pixels.width, height: pixels.height)
        let png = extraText.isEmpty
            ? try pngEncoder.encode(pixels, metadata: metadata, recordJSON: record)
            : try pngEncoder.encode(pixels, textChunks: [PNGTextChunk(kind: .tEXt, keyword: "parameters", text: A1111Parameters.format(metadata)),
                                                         PNGTextChunk(kind: .iTXt, keyword: "artfactory", text: record)] + extraText)
        let thumb = try thumbnailer.thumbnail(of: pixels).webp
        let descriptor = VisualDescriptor(pixels: pixels)
        let exists = (try? catalog.generation(generation.id)) != nil
        let stored = try store(data: png, thumbnail: thumb, format: .png, width: pixels.width, height: pixels.height,
                               projectId: generation.projectId, createdAt: generation.completedAt ?? generation.createdAt,
                               descriptor: descriptor) { asset in
            if exists, let recording {
                return try self.catalog.addAssets([asset], toGeneration: generation.id, tags: tags, recording: recording)[0]
            }
            if exists {
                return try self.catalog.addAssets([asset], toGeneration: generation.id, tags: tags)[0]
            }
            return try self.catalog.insertGeneration(generation, assets: [asset], tags: tags)[0]
        }
        if let collectionId { try catalog.addToCollection(collectionId, assetIds: [stored.asset.id]) }
        var result = stored
        result.generation = try catalog.generation(generation.id)
        return result
    }

    /// Writes the original and its thumbnail under a pending intent, then runs `commit` to record
    /// the rows; removes the files again when `commit` throws.
    /// - Parameters:
    ///   - sha256: the digest of `data` when the caller already has it (import hashes once).
    ///   - descriptor: the image's ``VisualDescriptor``, stored after the rows commit; best effort
    ///     (when that write fails, `gallery.similar` measures the image later).
    func store(data: Data, thumbnail: Data, format: ImageFormat, width: Int, height: Int, projectId: String?,
               createdAt: Int64, sessionId: String? = nil, sha256: String? = nil, descriptor: VisualDescriptor? = nil,
               commit: (Asset) throws -> Asset) throws -> StoredImage {
        let slug = try projectId.map { try catalog.project($0).slug } ?? "unsorted"
        let assetId = CatalogID.make(.asset)
        let folder = GalleryService.datedFolder(slug: slug, millis: createdAt)
        let relative = "\(folder)/\(assetId).\(format.fileExtension)"
        let thumbRelative = "\(folder)/\(assetId).webp"
        let imagePath = paths.galleryDir + "/" + relative
        let thumbPath = paths.thumbnailsDir + "/" + thumbRelative
        let intent = pendingDir + "/\(assetId).json"
        try writeIntent(intent, files: [imagePath, thumbPath], assetIds: [assetId])
        do {
            try AtomicFile.write(thumbnail, to: URL(fileURLWithPath: thumbPath))
            try AtomicFile.write(data, to: URL(fileURLWithPath: imagePath))
            let asset = Asset(id: assetId, projectId: projectId, sessionId: sessionId, path: relative, thumbnailPath: thumbRelative,
                              sha256: sha256 ?? SHA256.hex(data), width: width, height: height, bytes: Int64(data.count),
                              mime: format.mimeType, createdAt: createdAt)
            let saved = try commit(asset)
            unlink(intent)
            if let descriptor {
                _ = try? catalog.setVisualDescriptors([VisualDescriptorOutcome(assetId: saved.id, descriptor: descriptor.data)],
                                                      version: VisualDescriptor.version)
            }
            events?.publish(topic: EventTopic.gallery, method: "gallery.added",
                            params: .object(JSONObject([("id", .string(saved.id)), ("path", .string(imagePath))])))
            return StoredImage(asset: saved, generation: nil, imagePath: imagePath, thumbnailPath: thumbPath)
        } catch {
            unlink(thumbPath)
            unlink(imagePath)
            unlink(intent)
            throw error
        }
    }

    /// Finishes or undoes writes a crash interrupted: for each intent whose asset row is missing,
    /// deletes the files it names. Returns how many interrupted writes were undone.
    @discardableResult
    public func recoverPendingWrites() throws -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: pendingDir)) ?? []
        var undone = 0
        for name in names where name.hasSuffix(".json") {
            let intent = pendingDir + "/" + name
            let json = FileManager.default.contents(atPath: intent).flatMap { try? JSONParser().parse(Array($0)) }
            let files = (json?["files"]?.arrayValue ?? []).compactMap(\.stringValue).filter { $0.hasPrefix(paths.home + "/") }
            // The rows of one intent commit in one transaction: one present row means all are.
            let assetIds = (json?["assetIds"]?.arrayValue ?? []).compactMap(\.stringValue)
            let committed = assetIds.contains { (try? catalog.asset($0)) != nil }
            for path in files {
                if !committed { unlink(path) }
                GalleryService.removeTemporaries(of: path)
            }
            if !committed { undone += 1 }
            unlink(intent)
        }
        return undone
    }

    /// Records, durably, which files are about to appear and which rows will own them.
    func writeIntent(_ intent: String, files: [String], assetIds: [String]) throws {
        let body: JSONValue = ["files": .array(files.map { .string($0) }), "assetIds": .array(assetIds.map { .string($0) })]
        try AtomicFile.write(Data(JSONWriter.string(body).utf8), to: URL(fileURLWithPath: intent))
    }

    /// Deletes `AtomicFile` temporaries (`.<name>.<uuid>.tmp`) a crash left next to `path`.
    static func removeTemporaries(of path: String) {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let prefix = "." + url.lastPathComponent + "."
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            unlink(dir + "/" + name)
        }
    }

    /// `<slug>/<yyyy>/<mm>` for a time in milliseconds (UTC).
    static func datedFolder(slug: String, millis: Int64) -> String {
        var seconds = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = Int(parts.tm_year) + 1900, month = Int(parts.tm_mon) + 1
        return "\(slug)/\(year)/" + (month < 10 ? "0\(month)" : "\(month)")
    }

    /// Absolute path of a gallery-relative image path.
    func absoluteImage(_ relative: String) -> String { paths.galleryDir + "/" + relative }

    /// Absolute path of a thumbnails-relative path.
    func absoluteThumbnail(_ relative: String) -> String { paths.thumbnailsDir + "/" + relative }
}
