import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

/// project.*, tag.*, collection.*, template.*, profile.* through the real socket, with bad input.
@Suite(.serialized) struct GalleryCatalogMethodsTests {
    static let unknownImage = "img_01JZZZZZZZZZZZZZZZZZZZZZZZ"

    @Test func projectsTagsCollectionsTemplatesProfiles() throws {
        let src = try GalleryFixtures.folder("afgm")
        defer { try? FileManager.default.removeItem(atPath: src) }
        try GalleryFixtures.a1111PNG(in: src, name: "x.png", prompt: "a kite", seed: 90)
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()

        // Projects.
        let p = try c.call(ProjectCreate.self, .init(name: "Kites & Sky"))
        #expect(p.slug == "kites-sky")
        expectError(RPCErrorCode.conflict) { _ = try c.call(ProjectCreate.self, .init(name: "Kites & Sky")) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(ProjectCreate.self, .init(name: "  ")) }
        #expect(try c.call(ProjectRename.self, .init(id: p.id, name: "Kites")).slug == "kites-sky", "slug is stable")
        expectError(RPCErrorCode.notFound) { _ = try c.call(ProjectRename.self, .init(id: "prj_01JZZZZZZZZZZZZZZZZZZZZZZZ", name: "x")) }
        let id = try #require(try c.importImages(.init(paths: [src], projectId: p.id)).items.first?.id)
        expectError(RPCErrorCode.conflict) { _ = try c.call(ProjectDelete.self, .init(id: p.id)) }
        #expect(try c.call(ProjectList.self, NoParams()).projects.map(\.name) == ["Kites"])

        // Tags: case-insensitive, counted, renamable; unknown images change nothing.
        #expect(try c.call(TagAdd.self, .init(ids: [id], tags: ["Sky", "wind"])).updated == 1)
        _ = try c.call(TagAdd.self, .init(ids: [id], tags: ["sky"]))
        expectError(RPCErrorCode.notFound) { _ = try c.call(TagAdd.self, .init(ids: [id, Self.unknownImage], tags: ["never"])) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(TagAdd.self, .init(ids: [id], tags: [])) }
        var tags = try c.call(TagList.self, NoParams()).tags
        #expect(tags.map(\.name).sorted() == ["Sky", "wind"] && tags.allSatisfy { $0.count == 1 })
        #expect(try c.call(TagRename.self, .init(name: "WIND", newName: "Breeze")).name == "Breeze")
        expectError(RPCErrorCode.conflict) { _ = try c.call(TagRename.self, .init(name: "breeze", newName: "sky")) }
        expectError(RPCErrorCode.notFound) { _ = try c.call(TagRename.self, .init(name: "nope", newName: "x")) }
        #expect(try c.call(GallerySearch.self, .init(query: "breeze")).hits.map(\.image.id) == [id])
        _ = try c.call(TagRemove.self, .init(ids: [id], tags: ["sky"]))
        tags = try c.call(TagList.self, NoParams()).tags
        #expect((tags.first { $0.name == "Sky" }?.count ?? 0) == 0)

        // Collections.
        let col = try c.call(CollectionCreate.self, .init(name: "Faves", projectId: p.id))
        expectError(RPCErrorCode.notFound) { _ = try c.call(CollectionCreate.self, .init(name: "x", projectId: "prj_01JZZZZZZZZZZZZZZZZZZZZZZZ")) }
        _ = try c.call(CollectionAdd.self, .init(collectionId: col.id, ids: [id]))
        expectError(RPCErrorCode.notFound) { _ = try c.call(CollectionAdd.self, .init(collectionId: col.id, ids: [Self.unknownImage])) }
        #expect(try c.call(CollectionList.self, .init(projectId: p.id)).collections.map(\.count) == [1])
        #expect(try c.call(GalleryList.self, .init(filter: GalleryFilter(collectionId: col.id))).items.map(\.id) == [id])
        _ = try c.call(CollectionRemove.self, .init(collectionId: col.id, ids: [id]))
        #expect(try c.call(CollectionList.self, .init()).collections.map(\.count) == [0])
        _ = try c.call(CollectionDelete.self, .init(id: col.id))
        expectError(RPCErrorCode.notFound) { _ = try c.call(CollectionDelete.self, .init(id: col.id)) }

        // Templates: versioned by update time.
        let t = try c.call(TemplateSave.self, .init(name: "Square", params: ["width": 512, "height": 512]))
        expectError(RPCErrorCode.conflict) { _ = try c.call(TemplateSave.self, .init(name: "square", params: ["width": 1])) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(TemplateSave.self, .init(name: "Bad", params: [1, 2])) }
        Thread.sleep(forTimeInterval: 0.01)
        let t2 = try c.call(TemplateSave.self, .init(id: t.id, name: "Square", params: ["width": 640, "height": 640]))
        #expect(t2.version > t.version && t2.params["width"] == 640)
        #expect(try c.call(TemplateList.self, NoParams()).templates.map(\.id) == [t.id])
        _ = try c.call(TemplateDelete.self, .init(id: t.id))
        #expect(try c.call(TemplateList.self, NoParams()).templates.isEmpty)

        // Style profiles.
        let prof = try c.call(ProfileSave.self, .init(name: "Moody", terms: [.init(term: "low key lighting", weight: 1.3)]))
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(ProfileSave.self, .init(name: "Empty", terms: [.init(term: " ", weight: 1)])) }
        let prof2 = try c.call(ProfileSave.self, .init(id: prof.id, name: "Moody", terms: [.init(term: "fog", weight: 0.8)], enabled: false))
        #expect(prof2.terms.map(\.term) == ["fog"] && !prof2.enabled)
        #expect(try c.call(ProfileList.self, NoParams()).profiles.count == 1)
        _ = try c.call(ProfileDelete.self, .init(id: prof.id))
        expectError(RPCErrorCode.notFound) { _ = try c.call(ProfileDelete.self, .init(id: prof.id)) }
        // Stop explicitly: the daemon must outlive every call (ARC may release it after its last use).
        _ = daemon.stop()
    }
}
