import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation
import Glibc
import ZIPFoundation

/// `gallery.export`: originals (byte for byte) plus `manifest.json` (the catalog snapshot of those
/// images) into a new folder or ZIP. Written under a hidden temporary name derived from the job id
/// and renamed into place when complete, so a crash never leaves a half export under the requested
/// name, and the rerun after a crash removes the interrupted attempt's temporary first.
struct GalleryExporter {
    let gallery: GalleryService
    let clientPaths: ClientPath
    static let manifestName = "manifest.json"
    static let imagesFolder = "images/"

    /// Checks what can be checked before queuing (destination allowed and new, format, ids known)
    /// and returns the params the job runs with: destination resolved, format decided, no `wait`.
    func validate(_ params: GalleryExport.Params) throws -> GalleryExport.Params {
        let destination = try clientPaths.destination(params.destination, what: "Export destination")
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw RPCError(code: RPCErrorCode.conflict, message: "\(destination) already exists; choose a new name or remove it first.")
        }
        let format = params.format ?? (destination.lowercased().hasSuffix(".zip") ? "zip" : "folder")
        guard format == "zip" || format == "folder" else {
            throw RPCError.invalidParams("format must be zip or folder; got '\(format)'.", field: "format")
        }
        if let ids = params.ids {
            guard !ids.isEmpty else { throw RPCError.invalidParams("ids is empty; omit it to export everything.", field: "ids") }
            guard ids.count <= 1_000_000 else { throw RPCError(code: RPCErrorCode.limitExceeded, message: "At most 1,000,000 ids; export in parts.") }
            for id in ids { _ = try gallery.catalog.asset(id) }
        }
        return GalleryExport.Params(destination: destination, format: format, ids: params.ids, filter: params.filter)
    }

    /// Writes the export (params from ``validate(_:)``); `progress` counts files copied and throws
    /// `CancellationError` to stop (the temporary is removed, nothing appears at the destination).
    func run(_ params: GalleryExport.Params, jobId: String, progress: @escaping GalleryImporter.Progress) throws -> GalleryExport.Outcome {
        let catalog = gallery.catalog
        let checked = try validate(params)
        let destination = checked.destination
        let format = checked.format ?? "folder"
        let ids = try selectIds(params)
        let snapshot = try catalog.snapshot(assetIds: ids)
        let manifest = try snapshot.manifestJSON()
        let url = URL(fileURLWithPath: destination)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(jobId).partial")
        // An attempt the daemon's crash interrupted left this behind.
        try? FileManager.default.removeItem(at: temporary)
        let copied = FileProgress(total: snapshot.assets.count, phase: nil, report: progress)
        try copied.begin()
        var bytes: Int64 = 0
        do {
            if format == "zip" {
                let archive = try Archive(url: temporary, accessMode: .create)
                for asset in snapshot.assets {
                    let source = URL(fileURLWithPath: gallery.absoluteImage(asset.path))
                    try archive.addEntry(with: GalleryExporter.imagesFolder + asset.path, fileURL: source, compressionMethod: .none)
                    bytes += asset.bytes
                    try copied.step()
                }
                try archive.addEntry(with: GalleryExporter.manifestName, type: .file, uncompressedSize: Int64(manifest.count),
                                     compressionMethod: .deflate) { position, size in
                    manifest.subdata(in: Int(position)..<min(manifest.count, Int(position) + size))
                }
                chmod(temporary.path, 0o600)
            } else {
                try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
                for asset in snapshot.assets {
                    let target = temporary.appendingPathComponent(GalleryExporter.imagesFolder + asset.path)
                    try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                            attributes: [.posixPermissions: 0o700])
                    try FileManager.default.copyItem(atPath: gallery.absoluteImage(asset.path), toPath: target.path)
                    chmod(target.path, 0o600)
                    bytes += asset.bytes
                    try copied.step()
                }
                try manifest.write(to: temporary.appendingPathComponent(GalleryExporter.manifestName))
                chmod(temporary.appendingPathComponent(GalleryExporter.manifestName).path, 0o600)
            }
            guard rename(temporary.path, destination) == 0 else {
                throw RPCError(code: RPCErrorCode.unavailable, message: "Could not move the export into place at \(destination): \(String(cString: strerror(errno))).")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if error is CancellationError { throw error }
            if let e = error as? RPCError { throw e }
            throw RPCError(code: RPCErrorCode.unavailable, message: "Export to \(destination) failed: \(error). Check free space and that every image is present (gallery.fsck).")
        }
        return GalleryExport.Outcome(path: destination, format: format, images: snapshot.assets.count, bytes: bytes)
    }

    /// The ids to export: `ids` (all must exist), else every image matching `filter`.
    private func selectIds(_ params: GalleryExport.Params) throws -> [String] {
        let catalog = gallery.catalog
        if let ids = params.ids {
            guard !ids.isEmpty else { throw RPCError.invalidParams("ids is empty; omit it to export everything.", field: "ids") }
            for id in ids { _ = try catalog.asset(id) }
            return ids
        }
        var ids: [String] = []
        var cursor: String?
        repeat {
            let page = try catalog.listAssets(filter: GalleryWire.filter(params.filter), cursor: cursor, limit: 1000)
            ids += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        return ids
    }
}
