import ArtFactoryCatalog
import ArtFactoryPrompts
import Foundation

/// Fills a catalog with realistic synthetic generations: prompts drawn from a word list with a
/// skewed (Zipf-like) distribution, a few projects and collections, tags, favorites and ratings.
struct SyntheticCatalog {
    /// Common word present in a large share of prompts (searched by the bench).
    static let commonWord = "portrait"
    /// Rare word present in roughly 1 in 20,000 prompts.
    static let rareWord = "zeppelin"

    static let subjects = ["cat", "dog", "fox", "owl", "dragon", "robot", "castle", "forest", "city", "ship", "astronaut",
                           "knight", "witch", "lighthouse", "mountain", "river", "garden", "samurai", "tiger", "whale",
                           "train", "library", "market", "temple", "desert", "glacier", "volcano", "harbor", "bridge", "tower"]
    static let styles = ["watercolor", "oil painting", "cinematic", "photorealistic", "anime", "pixel art", "isometric",
                         "ukiyo-e", "art nouveau", "cyberpunk", "steampunk", "low poly", "charcoal sketch", "vaporwave",
                         "baroque", "impressionist", "studio photo", "film noir", "pastel", "gouache"]
    static let details = ["golden hour", "volumetric light", "dramatic shadows", "soft focus", "bokeh", "highly detailed",
                          "intricate", "misty", "rainy night", "snowfall", "neon glow", "sunrise", "moonlight", "wide angle",
                          "macro", "symmetrical", "minimalist", "vibrant colors", "muted tones", "rim lighting", "8k",
                          "sharp focus", "depth of field", "long exposure", "overcast", "backlit", "warm palette",
                          "cold palette", "foggy", "reflections"]
    static let negatives = ["blurry", "lowres", "bad anatomy", "watermark", "text", "jpeg artifacts", "extra fingers",
                            "deformed", "cropped", "oversaturated"]
    static let models = ["sd15", "sd15-inpaint", "sdxl-base", "dreamshaper-8", "realistic-vision-5"]
    static let tagNames = (1...50).map { "tag\($0)" } + ["keeper", "client", "draft", "print", "web"]

    var rng = SplitMix64(seed: 42)

    mutating func pick<T>(_ list: [T]) -> T {
        // Squaring a uniform number skews picks toward the front of the list (Zipf-like).
        let u = Double(rng.next() >> 11) / Double(1 << 53)
        return list[min(list.count - 1, Int(u * u * Double(list.count)))]
    }

    mutating func chance(_ probability: Double) -> Bool {
        Double(rng.next() >> 11) / Double(1 << 53) < probability
    }

    /// Share of images with an approve/reject verdict.
    static let reviewedShare = 0.2
    /// Share of generations that reuse a recent prompt (people rerun what works).
    static let repeatShare = 0.3
    var recentPrompts: [String] = []

    /// A new prompt, or now and then one of the last 1,000 again.
    mutating func promptOrRepeat() -> String {
        if !recentPrompts.isEmpty && chance(Self.repeatShare) { return recentPrompts[Int(rng.next() % UInt64(recentPrompts.count))] }
        let p = prompt()
        if recentPrompts.count < 1_000 { recentPrompts.append(p) } else { recentPrompts[Int(rng.next() % 1_000)] = p }
        return p
    }

    mutating func prompt() -> String {
        var words = [pick(Self.subjects), "in a", pick(Self.subjects) == "city" ? "city" : pick(Self.subjects),
                     pick(Self.styles), pick(Self.details), pick(Self.details)]
        if chance(0.15) { words.insert(Self.commonWord + " of a", at: 0) }
        if chance(0.00005) { words.append(Self.rareWord) }
        return words.joined(separator: ", ")
    }

    /// Fills `catalog` with `count` generations, one output image each, in one transaction.
    mutating func fill(_ catalog: CatalogDatabase, count: Int, progress: (Int) -> Void) throws {
        let projects = try (1...5).map { try catalog.createProject("Project \($0)") }
        let collections = try (1...10).map { try catalog.createCollection("Collection \($0)", projectId: projects[$0 % 5].id) }
        let sessions = try (1...20).map { try catalog.createSession("Session \($0)", projectId: projects[$0 % 5].id) }
        let start = CatalogClock.now() - 400 * CatalogClock.day
        let step = max(1, (400 * CatalogClock.day) / Int64(max(count, 1)))
        try catalog.bulkLoad { loader in
            for index in 0..<count {
                // Several rows share a timestamp now and then, so keyset ties are exercised.
                let created = start + Int64(index) * step - (index % 7 == 0 ? step : 0)
                let project = projects[Int(rng.next() % 5)]
                let model = pick(Self.models)
                let seed = Int64(bitPattern: rng.next() >> 1)
                let generation = Generation(
                    id: CatalogID.make(.generation, millis: created),
                    sessionId: chance(0.5) ? sessions[Int(rng.next() % 20)].id : nil,
                    projectId: project.id, prompt: promptOrRepeat(),
                    negativePrompt: "\(pick(Self.negatives)), \(pick(Self.negatives))",
                    params: .object(["steps": .int(Int64(20 + rng.next() % 30)), "cfg": .double(7.5),
                                     "width": .int(1024), "height": .int(1024), "sampler": .string("euler_a")]),
                    model: model, provider: "local", seed: seed, createdAt: created, durationMs: Int64(2000 + rng.next() % 9000))
                let assetId = CatalogID.make(.asset, millis: created)
                var asset = Asset(id: assetId, path: "gallery/\(project.slug)/\(assetId).png",
                                  thumbnailPath: "thumbnails/\(project.slug)/\(assetId).webp",
                                  sha256: Self.hex(rng.next(), rng.next(), rng.next(), rng.next()),
                                  width: 1024, height: 1024, bytes: Int64(800_000 + rng.next() % 1_200_000), createdAt: created)
                if chance(0.02) { asset.favoritedAt = created }
                if chance(0.1) { asset.rating = Int(1 + rng.next() % 5) }
                // A fifth of the images are reviewed; some styles and one model are approved more
                // often, so analytics have a signal to find (counted by rebuildFeedbackStats).
                if chance(Self.reviewedShare) {
                    let liked = generation.prompt.contains("watercolor") || generation.prompt.contains("golden hour") || model == "sdxl-base"
                    asset.approved = chance(liked ? 0.7 : 0.35)
                }
                var tags: [String] = []
                for _ in 0..<Int(rng.next() % 3) { tags.append(pick(Self.tagNames)) }
                let inCollection = chance(0.01) ? [collections[Int(rng.next() % 10)].id] : []
                try loader.add(generation, assets: [asset], tags: Array(Set(tags)), collectionIds: inCollection)
                if index % 100_000 == 0 { progress(index) }
            }
        }
    }

    static func hex(_ words: UInt64...) -> String {
        words.map { word in
            let text = String(word, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }
}
