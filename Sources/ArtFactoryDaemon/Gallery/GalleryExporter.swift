import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation
import Glibc
import ZIPFoundation

/// `gallery.export`: originals (byte for byte) plus `manifest.json` (the catalog snapshot of those
/// images) into a new folder or ZIP. Written under a hidden temporary name and renamed into place
/// when complete, so a crash never leaves a half export under the requested name.
struct GalleryExporter {
    let gallery: GalleryService
    let clientPaths: ClientPath
    static let manifestName = "manifest.json"
    static let imagesFolder = "images/"

    func run(_ params: GalleryExport.Params) throws -> GalleryExport.Result {
        let catalog = gallery.catalog
        let destination = try clientPaths.destination(params.destination, what: "Export destination")
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw RPCError(code: RPCErrorCode.conflict, message: "\(destination) already exists; choose a new name or remove it first.")
        }
        let format = params.format ?? (destination.lowercased().hasSuffix(".zip") ? "zip" : "folder")
        guard format == "zip" || format == "folder" else {
            throw RPCError.invalidParams("format must be zip or folder; got '\(format)'.", field: "format")
        }
        let ids = try selectIds(params)
        let snapshot = try catalog.snapshot(assetIds: ids)
        let manifest = try snapshot.manifestJSON()
        let url = URL(fileURLWithPath: destination)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).partial")
        var bytes: Int64 = 0
        do {
            if format == "zip" {
                let archive = try Archive(url: temporary, accessMode: .create)
                for asset in snapshot.assets {
                    let source = URL(fileURLWithPath: gallery.absoluteImage(asset.path))
                    try archive.addEntry(with: GalleryExporter.imagesFolder + asset.path, fileURL: source, compressionMethod: .none)
                    bytes += asset.bytes
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
                }
                try manifest.write(to: temporary.appendingPathComponent(GalleryExporter.manifestName))
                chmod(temporary.appendingPathComponent(GalleryExporter.manifestName).path, 0o600)
            }
            guard rename(temporary.path, destination) == 0 else {
                throw RPCError(code: RPCErrorCode.unavailable, message: "Could not move the export into place at \(destination): \(String(cString: strerror(errno))).")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let e = error as? RPCError { throw e }
            throw RPCError(code: RPCErrorCode.unavailable, message: "Export to \(destination) failed: \(error). Check free space and that every image is present (gallery.fsck).")
        }
        return GalleryExport.Result(path: destination, format: format, images: snapshot.assets.count, bytes: bytes)
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
