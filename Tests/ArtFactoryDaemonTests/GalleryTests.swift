import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// gallery.* through the real socket: import, list/search/get/compare, favorites, ratings, delete,
/// fsck, and bad input that must change nothing.
@Suite(.serialized) struct GalleryTests {
    @Test func importListSearchGetCompareFavoriteRateDelete() throws {
        let src = try GalleryFixtures.folder("afgs")
        defer { try? FileManager.default.removeItem(atPath: src) }
        try GalleryFixtures.a1111PNG(in: src, name: "fox.png", prompt: "a red fox in deep snow", seed: 1)
        try GalleryFixtures.a1111PNG(in: src, name: "owl.png", prompt: "an owl at night", seed: 2)
        try GalleryFixtures.a1111PNG(in: src, name: "cat.png", prompt: "a cat on a red sofa", seed: 3)
        try FileManager.default.copyItem(atPath: src + "/fox.png", toPath: src + "/fox-copy.png")
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()
        let project = try c.call(ProjectCreate.self, .init(name: "Animals"))

        let r = try c.importImages(.init(paths: [src], projectId: project.id, tags: ["batch1"]))
        #expect(r.imported == 3 && r.duplicates == 1 && r.failed == 0)
        let foxes = r.items.filter { $0.path.hasSuffix("/fox.png") || $0.path.hasSuffix("/fox-copy.png") }
        #expect(foxes.map(\.status).sorted() == ["duplicate", "imported"])
        #expect(foxes[0].id == foxes[1].id, "identical files are linked to one image")
        let fox = try #require(foxes.first)
        // Importing again links everything.
        #expect(try c.importImages(.init(paths: [src])).duplicates == 4)

        // Keyset pages: 2 + 1, then a bad cursor.
        let first = try c.call(GalleryList.self, .init(limit: 2))
        #expect(first.items.count == 2)
        let cursor = try #require(first.nextCursor)
        let second = try c.call(GalleryList.self, .init(cursor: cursor, limit: 2))
        #expect(second.items.count == 1 && second.nextCursor == nil)
        #expect(Set((first.items + second.items).map(\.id)).count == 3)
        for item in first.items + second.items {
            #expect(FileManager.default.fileExists(atPath: item.path))
            #expect(item.path.hasPrefix(daemon.home + "/gallery/animals/"))
            #expect(FileManager.default.fileExists(atPath: try #require(item.thumbnailPath)))
        }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(GalleryList.self, .init(cursor: "garbage!", limit: 2)) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(GalleryList.self, .init(sort: "size")) }
        let inline = try c.call(GalleryList.self, .init(limit: 1, inlineThumbnails: true))
        let b64 = try #require(inline.items.first?.thumbnailBase64)
        #expect(Data(base64Encoded: b64).map { $0.prefix(4) == Data("RIFF".utf8) } == true, "inline thumbnail is WebP")
        #expect(try c.call(GalleryList.self, .init(filter: GalleryFilter(tags: ["batch1"]))).items.count == 3)

        // Metadata became generation records; search and get see them.
        let hits = try c.call(GallerySearch.self, .init(query: "red"))
        #expect(Set(hits.hits.map(\.image.id)).count == 2)
        let got = try c.call(GalleryGet.self, .init(id: try #require(fox.id)))
        // The recorded digest matches an independent sha256sum of the source file.
        let sum = try runProgram("/usr/bin/sha256sum", [src + "/fox.png"], environment: [:])
        #expect(sum.stdout.split(separator: " ").first.map(String.init) == got.image.sha256)
        #expect(got.generation?.prompt == "a red fox in deep snow")
        #expect(got.generation?.seed == 1 && got.generation?.model == "sd15")
        #expect(got.tags == ["batch1"])
        expectError(RPCErrorCode.notFound) { _ = try c.call(GalleryGet.self, .init(id: "img_01JZZZZZZZZZZZZZZZZZZZZZZZ")) }

        let ids = (first.items + second.items).map(\.id)
        let cmp = try c.call(GalleryCompare.self, .init(ids: Array(ids.prefix(2))))
        #expect(cmp.differences.contains { $0.key == "seed" })
        #expect(cmp.differences.contains { $0.key == "prompt" })
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(GalleryCompare.self, .init(ids: [ids[0]])) }

        // Favorites and ratings; unknown ids change nothing.
        #expect(try c.call(GalleryFavorite.self, .init(ids: [ids[0]])).updated == 1)
        expectError(RPCErrorCode.notFound) { _ = try c.call(GalleryFavorite.self, .init(ids: [ids[1], "img_01JZZZZZZZZZZZZZZZZZZZZZZZ"])) }
        let favs = try c.call(GalleryList.self, .init(filter: GalleryFilter(favorite: true)))
        #expect(favs.items.map(\.id) == [ids[0]])
        #expect(try c.call(GalleryRate.self, .init(ids: [ids[1]], rating: 4)).updated == 1)
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(GalleryRate.self, .init(ids: [ids[1]], rating: 9)) }
        #expect(try c.call(GalleryList.self, .init(sort: "rating")).items.first?.id == ids[1])

        // Delete: rows and files together; unknown id deletes nothing.
        expectError(RPCErrorCode.notFound) { _ = try c.call(GalleryDelete.self, .init(ids: [ids[2], "img_01JZZZZZZZZZZZZZZZZZZZZZZZ"])) }
        #expect(try c.call(GalleryList.self, .init()).items.count == 3)
        let victim = try #require((first.items + second.items).first { $0.id == ids[2] })
        let del = try c.call(GalleryDelete.self, .init(ids: [ids[2]]))
        #expect(del.deleted == [ids[2]] && del.filesRemoved == 2)
        #expect(!FileManager.default.fileExists(atPath: victim.path))
        #expect(!FileManager.default.fileExists(atPath: try #require(victim.thumbnailPath)))
        let fsck = try c.call(GalleryFsck.self, .init(verifyHashes: true))
        #expect(fsck.clean && fsck.checked == 2)
        // Stop explicitly: the daemon must outlive every call (ARC may release it after its last use).
        _ = daemon.stop()
    }

    @Test func badPathsAndBadFilesChangeNothing() throws {
        let src = try GalleryFixtures.folder("afgb")
        defer { try? FileManager.default.removeItem(atPath: src) }
        let good = try GalleryFixtures.a1111PNG(in: src, name: "good.png", prompt: "fine", seed: 5)
        let text = src + "/notes.png"
        try Data("this is not an image".utf8).write(to: URL(fileURLWithPath: text))
        let whole = try Data(contentsOf: URL(fileURLWithPath: good))
        let truncated = src + "/truncated.png"
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: truncated))
        let link = src + "/escape.png"
        symlink("/etc/passwd", link)
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()

        expectError(RPCErrorCode.pathNotAllowed, mentioning: "absolute") { _ = try c.importImages(.init(paths: ["relative/x.png"])) }
        expectError(RPCErrorCode.pathNotAllowed, mentioning: "outside") { _ = try c.importImages(.init(paths: ["/etc/passwd"])) }
        expectError(RPCErrorCode.pathNotAllowed, mentioning: "outside") { _ = try c.importImages(.init(paths: [link])) }
        expectError(RPCErrorCode.pathNotAllowed, mentioning: "data directory") {
            _ = try c.importImages(.init(paths: [daemon.home + "/catalog.sqlite"]))
        }
        expectError(RPCErrorCode.invalidParams, mentioning: "does not exist") { _ = try c.importImages(.init(paths: [src + "/nope.png"])) }
        expectError(RPCErrorCode.invalidFile, mentioning: "not an image") { _ = try c.importImages(.init(paths: [good, text])) }
        expectError(RPCErrorCode.invalidFile, mentioning: "truncated.png") { _ = try c.importImages(.init(paths: [good, truncated])) }
        expectError(RPCErrorCode.notFound) { _ = try c.importImages(.init(paths: [good], projectId: "prj_01JZZZZZZZZZZZZZZZZZZZZZZZ")) }
        // Nothing was stored by any of those.
        #expect(try c.call(GalleryList.self, .init()).items.isEmpty)
        #expect(GalleryFixtures.files(under: daemon.home + "/gallery").isEmpty)
        #expect(GalleryFixtures.files(under: daemon.home + "/thumbnails").isEmpty)

        // skipInvalid imports the good one and reports the others.
        let r = try c.importImages(.init(paths: [good, text, truncated], skipInvalid: true))
        #expect(r.imported == 1 && r.failed == 2)
        #expect(r.items.first { $0.path.hasSuffix("notes.png") }?.error?.contains("not an image") == true)
        #expect(try c.call(GalleryFsck.self, .init()).clean)
        _ = daemon.stop()
    }

    @Test func retentionKeepsFavoritesAndCollectionsAndDryRunChangesNothing() throws {
        let src = try GalleryFixtures.folder("afgt")
        defer { try? FileManager.default.removeItem(atPath: src) }
        for i in 0..<3 { try GalleryFixtures.a1111PNG(in: src, name: "\(i).png", prompt: "old \(i)", seed: 70 + i) }
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()
        let ids = try c.importImages(.init(paths: [src])).items.compactMap(\.id)
        _ = try c.call(GalleryFavorite.self, .init(ids: [ids[0]]))
        let col = try c.call(CollectionCreate.self, .init(name: "Keep"))
        _ = try c.call(CollectionAdd.self, .init(collectionId: col.id, ids: [ids[1]]))
        let victim = try c.call(GalleryGet.self, .init(id: ids[2])).image
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(GalleryRetention.self, .init(olderThanDays: -1)) }
        // A pinned image is kept; unknown ids or none change nothing.
        #expect(try c.call(GalleryPin.self, .init(ids: [ids[2]])).updated == 1)
        #expect(try c.call(GalleryGet.self, .init(id: ids[2])).image.pinned)
        #expect(try c.call(GalleryRetention.self, .init(olderThanDays: 0, dryRun: true)).imageIds.isEmpty)
        expectError(RPCErrorCode.notFound) { _ = try c.call(GalleryPin.self, .init(ids: [ids[2], "img_01JZZZZZZZZZZZZZZZZZZZZZZZ"], pinned: false)) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(GalleryPin.self, .init(ids: [])) }
        #expect(try c.call(GalleryGet.self, .init(id: ids[2])).image.pinned, "a failed unpin changed nothing")
        _ = try c.call(GalleryPin.self, .init(ids: [ids[2]], pinned: false))
        let dry = try c.call(GalleryRetention.self, .init(olderThanDays: 0, dryRun: true))
        #expect(dry.imageIds == [ids[2]] && dry.dryRun && dry.files == 2)
        let thumbBytes = try FileManager.default.attributesOfItem(atPath: try #require(victim.thumbnailPath))[.size] as? Int64
        #expect(dry.bytes == victim.bytes + (thumbBytes ?? -1), "bytes of the original and its thumbnail")
        #expect(try c.call(GalleryList.self, .init()).items.count == 3)
        #expect(FileManager.default.fileExists(atPath: victim.path))
        let real = try c.call(GalleryRetention.self, .init(olderThanDays: 0))
        #expect(real.imageIds == [ids[2]] && !real.dryRun)
        #expect(Set(try c.call(GalleryList.self, .init()).items.map(\.id)) == Set([ids[0], ids[1]]))
        #expect(!FileManager.default.fileExists(atPath: victim.path))
        #expect(try c.call(GalleryFsck.self, .init()).clean)
        // The default age (90 days) removes nothing new.
        #expect(try c.call(GalleryRetention.self, .init()).imageIds.isEmpty)
        _ = daemon.stop()
    }

    @Test func fsckFindsAndRepairsDrift() throws {
        let src = try GalleryFixtures.folder("afgf")
        defer { try? FileManager.default.removeItem(atPath: src) }
        for i in 0..<3 { try GalleryFixtures.a1111PNG(in: src, name: "\(i).png", prompt: "drift \(i)", seed: 10 + i) }
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()
        _ = try c.importImages(.init(paths: [src]))
        let items = try c.call(GalleryList.self, .init()).items
        unlink(items[0].path)
        unlink(try #require(items[1].thumbnailPath))
        try Data("changed".utf8).write(to: URL(fileURLWithPath: items[2].path))
        let orphan = daemon.home + "/gallery/unsorted/stray.png"
        try Data("x".utf8).write(to: URL(fileURLWithPath: orphan))
        let report = try c.call(GalleryFsck.self, .init(verifyHashes: true))
        #expect(report.missingFiles == [items[0].id])
        #expect(report.missingThumbnails == [items[1].id])
        #expect(report.wrongHashes == [items[2].id])
        #expect(report.orphanFiles == [orphan])
        #expect(!report.clean && !report.repaired)
        let fixed = try c.call(GalleryFsck.self, .init(repair: true, verifyHashes: true))
        #expect(fixed.repaired)
        let after = try c.call(GalleryFsck.self, .init(verifyHashes: true))
        #expect(after.clean && after.checked == 2)
        #expect(FileManager.default.fileExists(atPath: try #require(items[1].thumbnailPath)))
        _ = daemon.stop()
    }
}

/// Expects `body` to throw an RPC error with `code` (and a message containing `mentioning`).
func expectError(_ code: Int, mentioning: String? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected error \(code), got success", sourceLocation: sourceLocation)
    } catch let e as RPCError {
        #expect(e.code == code, "\(e.message)", sourceLocation: sourceLocation)
        if let mentioning { #expect(e.message.contains(mentioning), "\(e.message)", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}
