import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryProtocol
import Foundation
import Glibc
import ZIPFoundation

/// Imports a `gallery.export` (ZIP or folder with `manifest.json`): the same catalog records
/// (ids, prompts, parameters, tags, collections, favorites, ratings) and byte-identical originals.
///
/// Every original is read and checked first (SHA-256 as recorded, decodable, within limits) and
/// its thumbnail made; any problem fails the call before anything is written. Then the files are
/// written under pending intents and the whole manifest is recorded in one transaction
/// (``CatalogDatabase/importSnapshot(_:pathFor:)``); images already present (same id or SHA-256)
/// are linked, not copied.
struct GalleryRestorer {
    let gallery: GalleryService

    /// Reads files out of a ZIP or a folder.
    private enum Source {
        case folder(String)
        case zip(Archive)

        func read(_ name: String) throws -> Data? {
            switch self {
            case .folder(let root): return FileManager.default.contents(atPath: root + "/" + name)
            case .zip(let archive):
                guard let entry = archive[name] else { return nil }
                var data = Data()
                _ = try archive.extract(entry) { data.append($0) }
                return data
            }
        }
    }

    /// Whether `path` (resolved) is an export this restorer reads.
    static func isExport(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return false }
        if isDir.boolValue { return FileManager.default.fileExists(atPath: path + "/" + GalleryExporter.manifestName) }
        return path.lowercased().hasSuffix(".zip")
    }

    /// Restores the export at `path` (resolved). `jobId` names the pending intent. A cancel (thrown
    /// by `progress`) before the final transaction removes every file written, so nothing changes.
    func run(_ path: String, jobId: String, progress: @escaping GalleryImporter.Progress) throws -> GalleryImport.Outcome {
        let catalog = gallery.catalog
        let source: Source
        var isDir: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
        if isDir.boolValue {
            source = .folder(path)
        } else {
            do { source = .zip(try Archive(url: URL(fileURLWithPath: path), accessMode: .read)) } catch {
                throw GalleryError.invalidFile("\(path) is not a readable ZIP archive (\(error)); pass an export made by gallery.export.")
            }
        }
        guard let manifest = try source.read(GalleryExporter.manifestName) else {
            throw GalleryError.invalidFile("\(path) has no \(GalleryExporter.manifestName); it is not an ArtFactory export.")
        }
        let snapshot: CatalogSnapshot
        do { snapshot = try CatalogSnapshot.decode(manifest: manifest) } catch {
            throw GalleryError.invalidFile("The manifest in \(path) is not valid: \(error).")
        }
        // Pass 1: check every new original; keep only thumbnails.
        var toWrite: [(asset: Asset, thumbnail: Data)] = []
        var linked: [String: String] = [:]
        let checked = FileProgress(total: snapshot.assets.count, phase: "check", report: progress)
        try checked.begin()
        for asset in snapshot.assets {
            try checked.step()
            if (try? catalog.asset(asset.id)) != nil { linked[asset.id] = asset.id; continue }
            if let twin = try catalog.assets(withSHA256: asset.sha256).first { linked[asset.id] = twin.id; continue }
            guard GalleryRestorer.isSafeRelative(asset.path) else {
                throw GalleryError.invalidFile("The manifest names an unsafe path '\(asset.path)'; the export was altered.")
            }
            // Never overwrite a file this gallery already has (a different image at the same path).
            guard !FileManager.default.fileExists(atPath: gallery.absoluteImage(asset.path)),
                  asset.thumbnailPath.map({ !FileManager.default.fileExists(atPath: gallery.absoluteThumbnail($0)) }) ?? true else {
                throw RPCError(code: RPCErrorCode.conflict, message: "The export's image \(asset.id) would replace a file already in this gallery (\(asset.path)); nothing was imported.")
            }
            let name = GalleryExporter.imagesFolder + asset.path
            guard let data = try source.read(name) else { throw GalleryError.invalidFile("\(path) lacks \(name); the export is incomplete.") }
            guard SHA256.hex(data) == asset.sha256 else {
                throw GalleryError.invalidFile("\(name) in \(path) does not match its recorded SHA-256; the export is damaged.")
            }
            let thumb = try gallery.thumbnailer.thumbnail(ofImage: data, name: name, limits: gallery.limits).webp
            toWrite.append((asset, thumb))
        }
        // Pass 2: files under intents, then one transaction.
        var written: [String] = []
        let intent = gallery.pendingDir + "/restore-\(jobId).json"
        var thumbPaths: [String: String] = [:]
        for (asset, _) in toWrite {
            let thumb = asset.thumbnailPath.flatMap { GalleryRestorer.isSafeRelative($0) ? $0 : nil }
                ?? (asset.path as NSString).deletingPathExtension + ".webp"
            thumbPaths[asset.id] = thumb
            written += [gallery.absoluteImage(asset.path), gallery.absoluteThumbnail(thumb)]
        }
        try gallery.writeIntent(intent, files: written, assetIds: toWrite.map(\.asset.id))
        let stored = FileProgress(total: toWrite.count, phase: "store", report: progress)
        do {
            try stored.begin()
            for item in toWrite {
                guard let data = try source.read(GalleryExporter.imagesFolder + item.asset.path) else {
                    throw GalleryError.invalidFile("\(path) changed while it was being imported; import it again.")
                }
                try AtomicFile.write(item.thumbnail, to: URL(fileURLWithPath: gallery.absoluteThumbnail(thumbPaths[item.asset.id]!)))
                try AtomicFile.write(data, to: URL(fileURLWithPath: gallery.absoluteImage(item.asset.path)))
                try stored.step()
            }
            var adjusted = snapshot
            adjusted.assets = snapshot.assets.map { asset in
                var a = asset
                if let t = thumbPaths[a.id] { a.thumbnailPath = t }
                return a
            }
            let report = try catalog.importSnapshot(adjusted)
            unlink(intent)
            let items = snapshot.assets.map { asset in
                let status = report.createdAssetIds.contains(asset.id) ? "imported" : "duplicate"
                return GalleryImport.Item(path: path + ":" + GalleryExporter.imagesFolder + asset.path, status: status,
                                          id: report.linkedAssetIds[asset.id] ?? linked[asset.id] ?? asset.id)
            }
            gallery.events?.publish(topic: EventTopic.gallery, method: "gallery.added",
                                    params: .object(JSONObject([("ids", .array(report.createdAssetIds.map { .string($0) }))])))
            return GalleryImport.Outcome(imported: report.createdAssetIds.count,
                                        duplicates: items.count - report.createdAssetIds.count, failed: 0, items: items)
        } catch {
            for file in written { unlink(file) }
            unlink(intent)
            throw error
        }
    }

    /// A relative path with no `..`, empty or hidden components.
    static func isSafeRelative(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\\"), !path.contains("\0") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && !$0.hasPrefix(".") }
    }
}
