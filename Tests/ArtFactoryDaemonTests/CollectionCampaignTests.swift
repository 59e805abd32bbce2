import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

/// Collection and campaign batches with the tiny model: counts, the shared palette and style
/// terms recorded on every generation, seeds, the named result collection and the contact sheet.
@Suite(.serialized) struct CollectionCampaignTests {
    static func base(seed: Int64 = 21) -> Generate.Params {
        var p = Generate.Params()
        p.width = 64
        p.height = 64
        p.steps = 2
        p.seed = seed
        return p
    }

    @Test func collectionAndCampaignBatches() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let subjects = ["fox", "owl", "bear", "hare"]
        let set = BatchSet(collection: "Forest set", pieces: 4, subjects: subjects, palette: ["teal", "burnt orange"], style: ["flat vector"])
        let r = try c.call(BatchSubmit.self, .init(prompt: "a {subject} in the forest", strategy: "collection", base: Self.base(), set: set))
        #expect(r.total == 4 && r.generationIds.count == 4)
        let collectionId = try #require(r.collectionId)
        let info = try f.wait(r.jobId, timeout: 300)
        #expect(info.status == "succeeded", "\(info.error ?? "")")
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")
        let gens = try r.generationIds.map { try catalog.generation($0) }
        for (g, subject) in zip(gens, subjects) {
            #expect(g.prompt == "a \(subject) in the forest, flat vector, teal, burnt orange", "\(g.prompt)")
            #expect(g.params.objectValue?["sharedTerms"] == .array([.string("flat vector"), .string("teal"), .string("burnt orange")]))
        }
        #expect(Set(gens.map(\.seed)) == [21], "shared seed strategy")
        let members = try c.call(GalleryList.self, .init(filter: GalleryFilter(collectionId: collectionId))).items
        #expect(members.count == 4)
        #expect(try c.call(CollectionList.self, .init()).collections.first { $0.id == collectionId }?.name == "Forest set")
        let sheet = try PNGDecoder.decode(try Data(contentsOf: URL(fileURLWithPath: try #require(info.contactSheet))))
        #expect(sheet.width == 2 * 260 + 4 && sheet.height == 28 + 2 * 260 + 4, "2×2 contact sheet")

        // Campaign from an existing hero: 5 image-to-image variants, hero and variants collected.
        let hero = members[0].id
        let campaign = try c.call(BatchSubmit.self, .init(prompt: "a fox in the forest", strategy: "campaign", base: Self.base(seed: 5),
                                                          set: BatchSet(collection: "Fox campaign", palette: ["teal"], seedStrategy: "sequential",
                                                                        hero: hero, variants: 5)))
        #expect(campaign.total == 5)
        let done = try f.wait(campaign.jobId, timeout: 300)
        #expect(done.status == "succeeded", "\(done.error ?? "")")
        let variants = try campaign.generationIds.map { try catalog.generation($0) }
        #expect(variants.map(\.seed) == [6, 7, 8, 9, 10])
        #expect(variants.allSatisfy { $0.prompt.hasSuffix(", teal") && $0.parentGenerationId == members[0].generationId }, "\(variants.map(\.prompt))")
        #expect(variants[0].prompt.hasPrefix("close-up detail of a fox"))
        let campaignCollection = try #require(campaign.collectionId)
        let campaignMembers = try c.call(GalleryList.self, .init(filter: GalleryFilter(collectionId: campaignCollection))).items
        #expect(campaignMembers.count == 6 && campaignMembers.contains { $0.id == hero })
        #expect(done.contactSheet != nil)

        // Bad input queues nothing and creates no collection.
        let before = try c.call(CollectionList.self, .init()).collections.count
        expectError(RPCErrorCode.invalidParams) {
            _ = try c.call(BatchSubmit.self, .init(prompt: "x", strategy: "collection", base: Self.base(),
                                                   set: BatchSet(collection: "Bad", pieces: 5, subjects: ["a", "b", "c", "d", "e"])))
        }
        expectError(RPCErrorCode.invalidParams) {
            _ = try c.call(BatchSubmit.self, .init(prompt: "x", strategy: "collection", base: Self.base(), set: BatchSet(collection: "Bad", pieces: 4, subjects: ["a"])))
        }
        expectError(RPCErrorCode.invalidParams) {
            _ = try c.call(BatchSubmit.self, .init(prompt: "x", strategy: "campaign", base: Self.base(), set: BatchSet(collection: "Bad", variants: 9)))
        }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(BatchSubmit.self, .init(prompt: "x", strategy: "campaign", base: Self.base())) }
        expectError(RPCErrorCode.conflict) {
            _ = try c.call(BatchSubmit.self, .init(prompt: "x", strategy: "campaign", base: Self.base(), set: BatchSet(collection: "Forest set")))
        }
        #expect(try c.call(CollectionList.self, .init()).collections.count == before)
        #expect(try c.call(JobList.self, .init()).jobs.count == 2)
    }

    /// The same strategies from the command line, with flags instead of batch.submit JSON.
    @Test func collectionAndCampaignFromTheCommandLine() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let size = ["--width", "64", "--height", "64", "--steps", "2", "--seed", "4"]
        let set = try runCLI(["collection", "generate", "a {subject} on a hill", "--name", "Hill set", "--subject", "fox", "--subject", "owl",
                              "--subject", "bear", "--subject", "hare", "--palette", "teal", "--style", "flat vector", "--wait", "--json"] + size,
                             home: f.home)
        #expect(set.status == 0, "\(set.stderr)")
        let info = try JSONValueDecoder().decode(JobInfo.self, from: JSONParser().parse(set.stdout))
        #expect(info.status == "succeeded" && info.images.count == 4 && info.contactSheet != nil)
        let c = try f.daemon.client()
        let collection = try #require(try c.call(CollectionList.self, .init()).collections.first { $0.name == "Hill set" })
        #expect(try c.call(GalleryList.self, .init(filter: GalleryFilter(collectionId: collection.id))).items.count == 4)

        let hero = try #require(info.images.first?.assetId)
        let campaign = try runCLI(["campaign", "a fox mascot", "--name", "Fox push", "--hero", hero, "--variants", "5", "--strength", "0.5",
                                   "--wait", "--json"] + size, home: f.home)
        #expect(campaign.status == 0, "\(campaign.stderr)")
        let done = try JSONValueDecoder().decode(JobInfo.self, from: JSONParser().parse(campaign.stdout))
        #expect(done.status == "succeeded" && done.images.count == 5)

        // The daemon's checks come back as usage-style errors; nothing is created.
        let bad = try runCLI(["collection", "generate", "x", "--name", "Bad", "--pieces", "5", "--subject", "a"] + size, home: f.home)
        #expect(bad.status == 1 && bad.stderr.contains("4, 6, 8 or 12"), "\(bad.stderr)")
        let exists = try runCLI(["campaign", "x", "--name", "Hill set"] + size, home: f.home)
        #expect(exists.status == 1 && exists.stderr.lowercased().contains("exists"), "\(exists.stderr)")
        #expect(try c.call(CollectionList.self, .init()).collections.filter { $0.name == "Bad" }.isEmpty)
    }
}
