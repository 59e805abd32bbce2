import Foundation
import Testing
@testable import ArtFactoryCatalog

/// Review history, trigger-maintained counts, Wilson ranking and lifts.
@Suite struct FeedbackTests {
    /// Adds `n` images of `prompt` and approves the first `approved`, rejects the rest.
    @discardableResult
    func seed(_ c: TestCatalog, _ prompt: String, approved: Int, of n: Int, projectId: String? = nil,
              params: CatalogJSON = .object(["steps": .int(30)])) throws -> [String] {
        let (_, assets) = try c.addGeneration(prompt: prompt, projectId: projectId, params: params, images: n)
        let ids = assets.map(\.id)
        if approved > 0 { _ = try c.db.review(Array(ids.prefix(approved)), approved: true) }
        if n > approved { _ = try c.db.review(Array(ids.dropFirst(approved)), approved: false, reason: "off brief") }
        return ids
    }

    @Test func confidenceBoundRanksManyReviewsAboveOneLuckyOne() throws {
        let c = try TestCatalog()
        try seed(c, "lucky, one shot", approved: 1, of: 1)
        try seed(c, "steady, watercolor fox", approved: 23, of: 25)
        try seed(c, "poor, blurry", approved: 2, of: 10)
        let top = try c.db.topFeedback(.prompt)
        #expect(top.map(\.value) == ["steady, watercolor fox", "lucky, one shot", "poor, blurry"])
        #expect(top[0].approved == 23 && top[0].rejected == 2)
        #expect(abs(top[0].lowerBound - 0.7503) < 0.001 && abs(top[1].lowerBound - 0.2065) < 0.001)
        let base = try c.db.feedbackBase()
        #expect(base.approved == 26 && base.rejected == 10)
    }

    @Test func termsLiftAndWorstOrder() throws {
        let c = try TestCatalog()
        try seed(c, "fox, watercolor", approved: 9, of: 10)
        try seed(c, "owl, watercolor", approved: 8, of: 10)
        try seed(c, "fox, neon", approved: 1, of: 10)
        let best = try c.db.liftFeedback(.term, minReviews: 5)
        #expect(best.first?.value == "watercolor" && best.first?.approved == 17 && best.first?.reviews == 20)
        let worst = try c.db.liftFeedback(.term, order: .worst, minReviews: 5)
        #expect(worst.first?.value == "neon")
        #expect(try c.db.feedbackStat(.word, "fox")?.reviews == 20)
    }

    @Test func changesClearsDeletesAndRebuildAgree() throws {
        let c = try TestCatalog()
        let project = try c.db.createProject("Brand")
        let ids = try seed(c, "kite, sky", approved: 3, of: 4, projectId: project.id,
                           params: .object(["template": .string("Hero"), "preset": .string("fast"), "width": .int(512), "height": .int(768)]))
        #expect(try c.db.feedbackStat(.template, "Hero", projectId: project.id)?.approved == 3)
        #expect(try c.db.feedbackStat(.size, "512x768")?.reviews == 4)
        #expect(try c.db.feedbackStat(.preset, "fast")?.reviews == 4)
        // Flip one, clear one, delete one.
        let flipped = try c.db.review([ids[0]], approved: false, reason: "hands")
        #expect(flipped.changed == 1)
        #expect(try c.db.review([ids[1]], approved: nil).changed == 1)
        _ = try c.db.deleteAssets([ids[2]])
        let after = try #require(try c.db.feedbackStat(.prompt, "kite, sky", projectId: project.id))
        #expect(after.approved == 0 && after.rejected == 2)
        #expect(try c.db.reviews(of: ids[0]).map(\.approved) == [true, false])
        #expect(try c.db.reviews(of: ids[0]).last?.reason == "hands")
        // A rebuild from assets.approved reaches the same counts.
        let before = try c.db.topFeedback(.term, minReviews: 1)
        #expect(try c.db.rebuildFeedbackStats() == 2)
        #expect(try c.db.topFeedback(.term, minReviews: 1).map { [$0.value, "\($0.approved)", "\($0.rejected)"] }
                == before.map { [$0.value, "\($0.approved)", "\($0.rejected)"] })
        // Recomputing the features too reaches them again.
        #expect(try c.db.rebuildFeedbackStats(recomputeFeatures: true) == 2)
        #expect(try c.db.topFeedback(.term, minReviews: 1).map { [$0.value, "\($0.approved)", "\($0.rejected)"] }
                == before.map { [$0.value, "\($0.approved)", "\($0.rejected)"] })
    }

    @Test func reviewByFilterAndBadInput() throws {
        let c = try TestCatalog()
        let project = try c.db.createProject("P")
        let (_, assets) = try c.addGeneration(prompt: "tree", projectId: project.id, images: 3)
        try c.addGeneration(prompt: "other", images: 2)
        let outcome = try c.db.review(matching: AssetFilter(projectId: project.id), approved: true)
        #expect(outcome.assetIds == assets.map(\.id).sorted() && outcome.changed == 3)
        #expect(catalogError { _ = try c.db.review(matching: AssetFilter(), approved: true) }?.code == .invalidArgument)
        #expect(catalogError { _ = try c.db.review(["img_01JZZZZZZZZZZZZZZZZZZZZZZZ"], approved: true) }?.code == .notFound)
        #expect(catalogError { _ = try c.db.review([assets[0].id], approved: true, reason: String(repeating: "x", count: 3000)) }?.code == .invalidArgument)
        #expect(catalogError { _ = try c.db.topFeedback(.all) }?.code == .invalidArgument)
        #expect(FeedbackFeatures.week(of: 1_764_979_200_000) == "2025-12-01")  // Sat 2025-12-06 → Mon 2025-12-01
        #expect(FeedbackFeatures.terms("(red fox:1.3), [misty] Forest") == ["red fox", "misty forest"])
    }
}
