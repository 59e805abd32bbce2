import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryProtocol
import Foundation
import Glibc

extension GalleryService {
    /// Compares rows with files; see ``GalleryFsck``. Interrupted writes are undone first, so a crash
    /// mid-import shows up as nothing rather than as orphans.
    public func fsck(repair: Bool, verifyHashes: Bool) throws -> GalleryFsck.Result {
        try recoverPendingWrites()
        var entries: [AssetFileEntry] = []
        try catalog.forEachAssetFile { entries.append($0) }
        var knownImages = Set<String>(), knownThumbs = Set<String>()
        var missing: [String] = [], missingThumbs: [String] = [], wrong: [String] = []
        let fm = FileManager.default
        for e in entries {
            knownImages.insert(absoluteImage(e.path))
            if let t = e.thumbnailPath { knownThumbs.insert(absoluteThumbnail(t)) }
            let image = absoluteImage(e.path)
            guard fm.fileExists(atPath: image) else { missing.append(e.id); continue }
            if e.thumbnailPath.map({ !fm.fileExists(atPath: absoluteThumbnail($0)) }) ?? true { missingThumbs.append(e.id) }
            if verifyHashes, let data = fm.contents(atPath: image), SHA256.hex(data) != e.sha256 { wrong.append(e.id) }
        }
        let orphans = orphanFiles(under: paths.galleryDir, known: knownImages) + orphanFiles(under: paths.thumbnailsDir, known: knownThumbs)
        if repair {
            if !missing.isEmpty {
                let missingSet = Set(missing)
                let thumbs = entries.filter { missingSet.contains($0.id) }.compactMap { $0.thumbnailPath.map(absoluteThumbnail) }
                _ = try catalog.deleteAssets(missing)
                for t in thumbs { unlink(t) }
            }
            for id in missingThumbs { try rebuildThumbnail(id) }
            for id in wrong {
                let asset = try catalog.asset(id)
                if let data = fm.contents(atPath: absoluteImage(asset.path)) {
                    try catalog.updateAssetFile(id, sha256: SHA256.hex(data), bytes: Int64(data.count))
                }
            }
            for path in orphans { unlink(path) }
        }
        return GalleryFsck.Result(checked: entries.count, missingFiles: missing, missingThumbnails: missingThumbs,
                                  wrongHashes: wrong, orphanFiles: orphans, repaired: repair)
    }

    /// Makes the thumbnail of an image again from its original.
    func rebuildThumbnail(_ id: String) throws {
        let asset = try catalog.asset(id)
        guard let data = FileManager.default.contents(atPath: absoluteImage(asset.path)) else { return }
        let webp = try thumbnailer.thumbnail(ofImage: data, name: asset.path, limits: limits).webp
        let relative = asset.thumbnailPath ?? ((asset.path as NSString).deletingPathExtension + ".webp")
        try AtomicFile.write(webp, to: URL(fileURLWithPath: absoluteThumbnail(relative)))
        if asset.thumbnailPath == nil { try catalog.updateAssetFile(id, thumbnailPath: relative) }
    }

    /// Regular files under `root` (hidden entries skipped) that are not in `known`, sorted.
    private func orphanFiles(under root: String, known: Set<String>) -> [String] {
        var result: [String] = []
        let walker = FileManager.default.enumerator(atPath: root)
        while let rel = walker?.nextObject() as? String {
            let parts = rel.split(separator: "/")
            // Hidden folders (.pending) are the gallery's own; a hidden file is a leftover temporary.
            if parts.dropLast().contains(where: { $0.hasPrefix(".") }) { continue }
            let path = root + "/" + rel
            var st = stat()
            guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            if !known.contains(path) { result.append(path) }
        }
        return result.sorted()
    }
}
