import ArtFactoryCatalog
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

/// gallery.review and analytics.* through the real socket, on a catalog seeded with known prompts.
@Suite(.serialized) struct AnalyticsTests {
    /// A home whose catalog holds three prompts (25, 1 and 10 images) and a project.
    struct Seeded {
        var home: String
        var projectId: String
        var fox: [String]
        var kite: [String]
        var owl: [String]
    }

    static func seed() throws -> Seeded {
        let home = try TestPaths.makeTempDir(prefix: "afan")
        let catalog = try CatalogDatabase(path: home + "/catalog.sqlite")
        let project = try catalog.createProject("Owls")
        let created = CatalogClock.now() - 3 * CatalogClock.day
        var n = 0
        func add(_ prompt: String, _ count: Int, projectId: String?, params: [String: CatalogJSON]) throws -> [String] {
            let g = Generation(projectId: projectId, prompt: prompt, params: .object(JSONObject(params)), model: "sd15", createdAt: created)
            let assets = (0..<count).map { _ -> Asset in
                n += 1
                let id = CatalogID.make(.asset, millis: created)
                return Asset(id: id, projectId: projectId, model: "sd15", path: "gallery/t/\(id).png", sha256: String(format: "%064x", n),
                             width: 64, height: 64, bytes: 100, createdAt: created)
            }
            return try catalog.insertGeneration(g, assets: assets).map(\.id)
        }
        let fox = try add("steady fox, watercolor", 25, projectId: nil,
                          params: ["template": .string("Hero"), "preset": .string("quality"), "width": .int(512), "height": .int(512), "steps": .int(30)])
        let kite = try add("lucky kite, neon", 1, projectId: nil, params: ["template": .string("Quick"), "width": .int(256), "height": .int(256)])
        let owl = try add("murky owl, neon", 10, projectId: project.id, params: ["width": .int(256), "height": .int(256)])
        try catalog.close()
        return Seeded(home: home, projectId: project.id, fox: fox, kite: kite, owl: owl)
    }

    @Test func reviewsRankPromptsAndLiftTermsThroughTheSocket() throws {
        let s = try Self.seed()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        var daemon = try DaemonProcess.start(home: s.home)
        let c = try daemon.client()

        // Reviews: by ids, with reasons, and by filter.
        var r = try c.call(GalleryReview.self, .init(verdict: .approve, ids: Array(s.fox.prefix(23))))
        #expect(r.updated == 23 && r.changed == 23 && r.ids.count == 23)
        _ = try c.call(GalleryReview.self, .init(verdict: .reject, ids: Array(s.fox.suffix(2)), reason: "muddy colours"))
        _ = try c.call(GalleryReview.self, .init(verdict: .approve, ids: s.kite))
        r = try c.call(GalleryReview.self, .init(verdict: .reject, filter: GalleryFilter(projectId: s.projectId), reason: "too dark"))
        #expect(r.updated == 10 && Set(r.ids) == Set(s.owl))
        r = try c.call(GalleryReview.self, .init(verdict: .approve, ids: Array(s.owl.prefix(2))))
        #expect(r.changed == 2)

        // Bad input changes nothing.
        expectError(RPCErrorCode.notFound) { _ = try c.call(GalleryReview.self, .init(verdict: .reject, ids: [s.fox[0], "img_01JZZZZZZZZZZZZZZZZZZZZZZZ"])) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(GalleryReview.self, .init(verdict: .approve)) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(GalleryReview.self, .init(verdict: .approve, ids: [s.fox[0]], filter: GalleryFilter(model: "sd15"))) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(GalleryReview.self, .init(verdict: .approve, filter: GalleryFilter())) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call("gallery.review", params: ["verdict": "maybe", "ids": [.string(s.fox[0])]]) }
        let history = try c.call(GalleryReviews.self, .init(id: s.owl[0]))
        #expect(history.verdict == .approve && history.reviews.map(\.verdict) == [.reject, .approve])
        #expect(history.reviews.first?.reason == "too dark" && history.reviews.allSatisfy { $0.source == "user" })

        // Top prompts by the Wilson lower bound: 23/25 above 1/1 above 2/10.
        let top = try c.call(AnalyticsTop.self, .init())
        #expect(top.items.map(\.value) == ["steady fox, watercolor", "lucky kite, neon", "murky owl, neon"])
        #expect(top.items[0].approved == 23 && top.items[0].reviews == 25 && abs(top.items[0].lowerBound - 0.7503) < 0.001)
        #expect(top.base.approved == 26 && top.base.reviews == 36)
        #expect(try c.call(AnalyticsTop.self, .init(kind: .template)).items.map(\.value) == ["Hero", "Quick"])
        #expect(try c.call(AnalyticsTop.self, .init(minReviews: 5)).items.count == 2)

        // Lifts over the base rate, with counts.
        let best = try c.call(AnalyticsLift.self, .init(kind: .term))
        #expect(best.items.prefix(2).map(\.value) == ["steady fox", "watercolor"], "equal bounds tie by value")
        let watercolor = try #require(best.items.first { $0.value == "watercolor" })
        #expect(watercolor.approved == 23 && watercolor.reviews == 25)
        #expect(abs((watercolor.lift ?? 0) - 0.92 / (26.0 / 36.0)) < 1e-9)
        let worst = try c.call(AnalyticsLift.self, .init(kind: .term, order: .worst))
        // 2/10 has a lower upper bound than 3/11, so it is the most reliably bad term.
        #expect(worst.items.prefix(2).map(\.value) == ["murky owl", "neon"])
        #expect(worst.items[1].approved == 3 && worst.items[1].reviews == 11)
        #expect(try c.call(AnalyticsLift.self, .init(kind: .size)).items.map(\.value) == ["512x512", "256x256"])
        #expect(try c.call(AnalyticsLift.self, .init(kind: .preset, minReviews: 1)).items.map(\.value) == ["quality"])
        #expect(try c.call(AnalyticsLift.self, .init(kind: .model)).items.first?.reviews == 36)

        // Per project, and per week.
        let owls = try c.call(AnalyticsTop.self, .init(projectId: s.projectId))
        #expect(owls.base.approved == 2 && owls.base.reviews == 10 && owls.items.map(\.value) == ["murky owl, neon"])
        let trends = try c.call(AnalyticsTrends.self, .init())
        #expect(trends.weeks.count == 1 && trends.weeks[0].approved == 26 && trends.weeks[0].reviews == 36)
        expectError(RPCErrorCode.notFound) { _ = try c.call(AnalyticsTop.self, .init(projectId: "prj_01JZZZZZZZZZZZZZZZZZZZZZZZ")) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(AnalyticsTop.self, .init(limit: 0)) }

        // Use as template: the top prompt with its approved image's parameters.
        let saved = try c.call(AnalyticsUseAsTemplate.self, .init(name: "Fox hero", rank: 1))
        #expect(saved.template.params["prompt"] == "steady fox, watercolor" && saved.template.params["width"] == 512)
        #expect(saved.stat.approved == 23)
        #expect(try c.call(TemplateList.self, NoParams()).templates.map(\.name) == ["Fox hero"])
        expectError(RPCErrorCode.conflict) { _ = try c.call(AnalyticsUseAsTemplate.self, .init(name: "fox HERO", rank: 1)) }
        expectError(RPCErrorCode.notFound) { _ = try c.call(AnalyticsUseAsTemplate.self, .init(name: "x", prompt: "never reviewed")) }
        expectError(RPCErrorCode.notFound) { _ = try c.call(AnalyticsUseAsTemplate.self, .init(name: "x", rank: 9)) }
        expectError(RPCErrorCode.invalidParams) { _ = try c.call(AnalyticsUseAsTemplate.self, .init(name: "x")) }

        // Deleting a reviewed image takes it out of the counts; a restart keeps everything.
        _ = try c.call(GalleryDelete.self, .init(ids: [s.kite[0]]))
        #expect(try c.call(AnalyticsTop.self, .init()).items.map(\.value) == ["steady fox, watercolor", "murky owl, neon"])
        _ = daemon.stop()
        daemon = try DaemonProcess.start(home: s.home)
        let c2 = try daemon.client()
        #expect(try c2.call(AnalyticsTop.self, .init()).base.reviews == 35)
        #expect(try c2.call(AnalyticsRebuild.self, .init()).reviewed == 35)
        #expect(try c2.call(AnalyticsRebuild.self, .init(recomputeFeatures: true)).reviewed == 35)
        #expect(try c2.call(AnalyticsLift.self, .init(kind: .term)).items.first?.approved == 23)
        _ = daemon.stop()
    }

    @Test func cliApprovesRejectsAndPrintsAnalytics() throws {
        let s = try Self.seed()
        defer { try? FileManager.default.removeItem(atPath: s.home) }
        let daemon = try DaemonProcess.start(home: s.home)
        let approve = try runCLI(["gallery", "approve"] + Array(s.fox.prefix(20)) + ["--reason", "on brief"], home: s.home)
        #expect(approve.status == 0 && approve.stdout.contains("approved 20 image(s)"), "\(approve.stderr)")
        let reject = try runCLI(["gallery", "reject", "--project", s.projectId, "--json"], home: s.home)
        #expect(reject.status == 0, "\(reject.stderr)")
        #expect(try JSONParser().parse(reject.stdout)["updated"] == 10)
        let none = try runCLI(["gallery", "approve"], home: s.home)
        #expect(none.status == 2 && none.stderr.contains("Give image ids"))
        let history = try runCLI(["gallery", "reviews", s.fox[0]], home: s.home)
        #expect(history.status == 0 && history.stdout.contains("on brief"))
        let table = try runCLI(["analytics"], home: s.home)
        #expect(table.status == 0 && table.stdout.contains("steady fox, watercolor") && table.stdout.contains("20/20"), "\(table.stdout)")
        let json = try runCLI(["analytics", "top", "--json"], home: s.home)
        let parsed = try JSONParser().parse(json.stdout)
        #expect(parsed["items"]?.arrayValue?.first?["value"]?.stringValue == "steady fox, watercolor")
        let lift = try runCLI(["analytics", "lift", "--kind", "term", "--order", "worst"], home: s.home)
        #expect(lift.status == 0 && lift.stdout.contains("neon"))
        let template = try runCLI(["analytics", "use-as-template", "Fox", "--rank", "1"], home: s.home)
        #expect(template.status == 0 && template.stdout.contains("saved template Fox"), "\(template.stderr)")
        let bad = try runCLI(["analytics", "use-as-template", "Fox2"], home: s.home)
        #expect(bad.status == 2)
        _ = daemon.stop()
    }
}
