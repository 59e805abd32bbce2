import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryProtocol
import Foundation
import Glibc

/// `gallery.import`: validates every source file, then stores the new ones in parallel.
///
/// Pass 1 (`check`, on ``FileWorkers``) reads, optionally strips, hashes (once, with libcrypto),
/// decodes, thumbnails and measures (``VisualDescriptor``) each file, keeping only the small results and the file's identity
/// (device, inode, size, modification and change times). When a file is invalid and the caller did
/// not ask to skip such files, the import stops here, before anything was written. Pass 2 (`store`,
/// parallel) re-reads each file, checks by its identity that it did not change since pass 1, and
/// stores it with the pass-1 digest through ``GalleryService/store(data:thumbnail:format:width:height:projectId:createdAt:sessionId:sha256:commit:)``
/// (crash-safe; each image commits in its own transaction); identical files, in the catalog or
/// within the batch, are linked instead. Both passes stop at the next file when the job is canceled.
struct GalleryImporter {
    let gallery: GalleryService
    let clientPaths: ClientPath
    /// `.output` (default): gallery images, PNG metadata becomes a generation record. `.input`: input
    /// assets for image-to-image (watched folders with `as: input`); no generation record is made.
    var role: AssetRole = .output
    static let extensions: Set<String> = ["png", "jpg", "jpeg", "webp"]
    static let maxFiles = 100_000

    private struct Prepared {
        var identity: FileIdentity
        var sha256: String
        var format: ImageFormat
        var width: Int
        var height: Int
        var thumbnail: Data
        var metadata: GenerationMetadata?
        var descriptor: VisualDescriptor
    }

    /// Reports `done`, `total`, ETA seconds and phase from worker threads; throws `CancellationError`
    /// to stop the import.
    typealias Progress = @Sendable (_ done: Int, _ total: Int, _ eta: Double?, _ phase: String?) throws -> Void

    /// Runs an import.
    /// - Throws: `RPCError` (bad paths, invalid files unless `skipInvalid`), `CancellationError`.
    func run(_ params: GalleryImport.Params, progress: @escaping Progress) throws -> GalleryImport.Outcome {
        let catalog = gallery.catalog
        if let projectId = params.projectId { _ = try catalog.project(projectId) }
        let files = try collectFiles(params.paths)
        guard !files.isEmpty else {
            throw RPCError.invalidParams("No .png, .jpg, .jpeg or .webp files were found in the given paths; check them.")
        }
        let strip = params.strip ?? false
        let total = files.count
        let checked = FileProgress(total: total, phase: "check", report: progress)
        try checked.begin()
        let preparedSlots = Slots<Result<Prepared, RPCError>>(count: total)
        try FileWorkers.run(count: total) { index in
            do { preparedSlots[index] = .success(try prepare(files[index], strip: strip)) } catch {
                preparedSlots[index] = .failure(GalleryError.rpc(error))
            }
            try checked.step()
        }
        let prepared = preparedSlots.values
        let failures = prepared.enumerated().compactMap { i, r -> (String, RPCError)? in
            if case .failure(let e)? = r { return (files[i], e) }
            return nil
        }
        if !failures.isEmpty && !(params.skipInvalid ?? false) {
            let first = failures[0]
            var message = "\(first.1.message) Nothing was imported."
            if failures.count > 1 { message += " \(failures.count) files are invalid;" }
            message += " Remove the bad files or pass skipInvalid to import the others."
            throw RPCError(code: first.1.code, message: message)
        }
        // Within-batch duplicates: the first file with a hash stores it, the others link.
        var firstIndexBySHA: [String: Int] = [:]
        for (i, r) in prepared.enumerated() {
            if case .success(let p)? = r, firstIndexBySHA[p.sha256] == nil { firstIndexBySHA[p.sha256] = i }
        }
        let firsts = firstIndexBySHA
        let itemSlots = Slots<GalleryImport.Item>(count: total)
        let tags = params.tags ?? []
        let projectId = params.projectId
        let stored = FileProgress(total: total, phase: "store", report: progress)
        try stored.begin()
        let storeOne: @Sendable (Int) throws -> Void = { index in
            let path = files[index]
            let item: GalleryImport.Item
            switch prepared[index] {
            case .failure(let e)?:
                item = GalleryImport.Item(path: path, status: "failed", error: e.message)
            case .success(let p)? where firsts[p.sha256] == index:
                do {
                    item = try store(path, p, projectId: projectId, tags: tags, strip: strip)
                } catch {
                    item = GalleryImport.Item(path: path, status: "failed", error: GalleryError.rpc(error).message)
                }
            default:
                item = GalleryImport.Item(path: path, status: "duplicate")
            }
            itemSlots[index] = item
            try stored.step()
        }
        let uniqueSet = Set(firsts.values)
        let unique = uniqueSet.sorted()
        try FileWorkers.run(count: unique.count) { try storeOne(unique[$0]) }
        for index in 0..<total where !uniqueSet.contains(index) { try storeOne(index) }
        let items = itemSlots.values
        // Point batch duplicates at the image their twin became.
        var final = items.map { $0! }
        for index in 0..<total where final[index].status == "duplicate" && final[index].id == nil {
            if case .success(let p)? = prepared[index], let first = firstIndexBySHA[p.sha256], let id = final[first].id {
                final[index].id = id
                // As for a duplicate of an image stored earlier: a tag write that fails fails the item.
                do {
                    if !tags.isEmpty { try catalog.addTags(tags, to: [id]) }
                } catch {
                    final[index].status = "failed"
                    final[index].error = "it is the same image as \(id), but the tags could not be added to it (\(GalleryError.rpc(error).message)); add them with tag.add"
                }
            } else {
                final[index].status = "failed"
                final[index].error = "its identical twin in this import failed"
            }
        }
        return GalleryImport.Outcome(imported: final.filter { $0.status == "imported" }.count,
                                    duplicates: final.filter { $0.status == "duplicate" }.count,
                                    failed: final.filter { $0.status == "failed" }.count, items: final)
    }

    private func read(_ path: String, strip: Bool) throws -> Data {
        let limits = gallery.limits
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= limits.maxBytes else {
            throw RPCError(code: RPCErrorCode.limitExceeded, message: "\(path) is \(size) bytes, over the \(limits.maxBytes)-byte limit; shrink it first.")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RPCError(code: RPCErrorCode.unavailable, message: "\(path) could not be read; check its permissions.")
        }
        return strip ? try MetadataStripper().strip(data, name: path) : data
    }

    private func prepare(_ path: String, strip: Bool) throws -> Prepared {
        let identity = try FileIdentity(path)
        let original = try read(path, strip: false)
        let decoded = try ImageDecoder(limits: gallery.limits).decode(original, name: path)
        let data = strip ? try MetadataStripper().strip(original, name: path) : original
        let metadata = decoded.info.format == .png ? (try? MetadataReader.read(fromPNG: original)) ?? nil : nil
        let thumbnail = try gallery.thumbnailer.thumbnail(of: decoded.pixels).webp
        guard try FileIdentity(path) == identity else {
            throw GalleryError.invalidFile("\(path) changed while it was being imported; import it again.")
        }
        return Prepared(identity: identity, sha256: SHA256.hex(data), format: decoded.info.format, width: decoded.pixels.width,
                        height: decoded.pixels.height, thumbnail: thumbnail, metadata: metadata,
                        descriptor: VisualDescriptor(pixels: decoded.pixels))
    }

    private func store(_ path: String, _ p: Prepared, projectId: String?, tags: [String], strip: Bool) throws -> GalleryImport.Item {
        let catalog = gallery.catalog
        if let existing = try catalog.assets(withSHA256: p.sha256).first {
            if !tags.isEmpty { try catalog.addTags(tags, to: [existing.id]) }
            return GalleryImport.Item(path: path, status: "duplicate", id: existing.id)
        }
        // The file is hashed once, in pass 1; its identity (inode, size, nanosecond times), checked
        // before and after this read, shows the bytes are the ones hashed.
        let unchanged = { (try? FileIdentity(path)) == p.identity }
        guard unchanged() else { throw GalleryError.invalidFile("\(path) changed while it was being imported; import it again.") }
        let data = try read(path, strip: strip)
        guard unchanged() else { throw GalleryError.invalidFile("\(path) changed while it was being imported; import it again.") }
        let now = CatalogClock.now()
        let metadata = role == .output ? p.metadata : nil
        let allTags = Array(Set(tags + (metadata.map(GalleryRecord.tags(from:)) ?? [])))
        let role = self.role
        let stored = try gallery.store(data: data, thumbnail: p.thumbnail, format: p.format, width: p.width, height: p.height,
                                       projectId: projectId, createdAt: now, sha256: p.sha256, descriptor: p.descriptor) { asset in
            var asset = asset
            asset.role = role
            if let metadata {
                let generation = GalleryRecord.generation(from: metadata, projectId: projectId, createdAt: now)
                return try catalog.insertGeneration(generation, assets: [asset], tags: allTags)[0]
            }
            return try catalog.insertAsset(asset, tags: allTags)
        }
        return GalleryImport.Item(path: path, status: "imported", id: stored.asset.id)
    }

    /// Expands folders (recursively, image extensions only), validates every path, keeps order, drops repeats.
    private func collectFiles(_ paths: [String]) throws -> [String] {
        guard !paths.isEmpty else { throw RPCError.invalidParams("Pass at least one file or folder in paths.") }
        var files: [String] = [], seen = Set<String>()
        for raw in paths {
            let path = try clientPaths.existing(raw, what: "Import source")
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
            var found: [String] = []
            if isDir.boolValue {
                let walker = FileManager.default.enumerator(atPath: path)
                while let rel = walker?.nextObject() as? String {
                    let ext = (rel as NSString).pathExtension.lowercased()
                    guard GalleryImporter.extensions.contains(ext), !rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { continue }
                    guard let resolved = ClientPath.resolve(path + "/" + rel) else { continue }
                    var sub: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: resolved, isDirectory: &sub), !sub.boolValue else { continue }
                    found.append(try clientPaths.existing(resolved, what: "Import source"))
                }
                found.sort()
            } else {
                found = [path]
            }
            for f in found where seen.insert(f).inserted { files.append(f) }
            guard files.count <= GalleryImporter.maxFiles else {
                throw RPCError(code: RPCErrorCode.limitExceeded, message: "More than \(GalleryImporter.maxFiles) files; import in smaller batches.")
            }
        }
        return files
    }
}

/// Fixed-size, thread-safe result slots for parallel loops.
final class Slots<T>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    subscript(index: Int) -> T? {
        get { lock.withLock { storage[index] } }
        set { lock.withLock { storage[index] = newValue } }
    }
    var values: [T?] { lock.withLock { storage } }
}

/// What identifies one version of a file without reading it: device, inode, size and the
/// modification and status-change times in nanoseconds (a rewrite in place changes the times).
struct FileIdentity: Equatable, Sendable {
    var device: UInt64, inode: UInt64, size: Int64
    var modified: Int64, changed: Int64

    init(_ path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw RPCError(code: RPCErrorCode.unavailable, message: "\(path) could not be read: \(String(cString: strerror(errno))).")
        }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        changed = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
    }
}
