import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation

/// The `collection` and `campaign` strategies (``BatchSet``): coordinated pieces with shared
/// palette and style terms and a seed strategy, collected into a named collection, laid out on a
/// contact sheet by the ``BatchExecutor`` like a grid.
extension BatchPlan {
    static let collectionSizes = [4, 6, 8, 12]

    /// Campaign variants of the prompt `p`, in order: detail, angle and mood.
    static let campaignVariants: [(label: String, template: String)] = [
        ("detail", "close-up detail of {p}"),
        ("angle: low", "{p}, seen from a low angle"),
        ("angle: wide", "{p}, wide establishing shot"),
        ("mood: dramatic", "{p}, moody dramatic lighting"),
        ("mood: airy", "{p}, bright airy morning light"),
        ("angle: overhead", "{p}, overhead view"),
        ("mood: night", "{p}, at night, glowing lights"),
        ("detail: texture", "macro texture detail of {p}"),
    ]

    static func makeCollection(_ params: BatchSubmit.Params, prompt: String, base: Generate.Params, validator: GenerateValidator) throws -> BatchPlan {
        let set = try requireSet(params)
        let pieces = set.pieces ?? set.subjects?.count ?? 0
        guard collectionSizes.contains(pieces) else {
            throw RPCError.invalidParams("A collection has 4, 6, 8 or 12 pieces; got \(pieces).", field: "set.pieces")
        }
        guard let subjects = set.subjects, subjects.count == pieces, subjects.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw RPCError.invalidParams("Give one non-empty subject per piece (\(pieces)) in set.subjects.", field: "set.subjects")
        }
        let shared = try sharedTerms(set)
        let seeds = try seedList(set, base: base, count: pieces)
        var specs: [GenerationSpec] = []
        for (i, subject) in subjects.enumerated() {
            let filled = prompt.contains("{subject}") ? prompt.replacingOccurrences(of: "{subject}", with: subject) : "\(subject), \(prompt)"
            var p = base
            p.prompt = ([filled] + shared).joined(separator: ", ")
            p.count = 1
            p.seed = seeds[i]
            var s = try validator.spec(for: p)
            s.label = "\(i + 1). \(subject)"
            s.sharedTerms = shared
            s.fixedPrompt = true
            specs.append(s)
        }
        let columns = pieces == 12 ? 4 : pieces / 2
        var plan = BatchPlan(specs: specs, columns: columns, rows: pieces / columns)
        plan.collectionName = set.collection
        return plan
    }

    static func makeCampaign(_ params: BatchSubmit.Params, prompt: String, base: Generate.Params, validator: GenerateValidator) throws -> BatchPlan {
        let set = try requireSet(params)
        let variants = set.variants ?? 6
        guard (5...8).contains(variants) else { throw RPCError.invalidParams("A campaign has 5 to 8 supporting images; got \(variants).", field: "set.variants") }
        let shared = try sharedTerms(set)
        let seed = try seedList(set, base: base, count: 1 + variants)
        var specs: [GenerationSpec] = []
        func add(_ text: String, label: String, seed: Int64, source: String?) throws {
            var p = base
            p.prompt = ([text] + shared).joined(separator: ", ")
            p.count = 1
            p.seed = seed
            if let source {
                p.source = source
                p.strength = base.strength ?? 0.6
            }
            var s = try validator.spec(for: p)
            s.label = label
            s.sharedTerms = shared
            s.fixedPrompt = true
            specs.append(s)
        }
        if set.hero == nil { try add(prompt, label: "hero", seed: seed[0], source: nil) }
        for (i, v) in campaignVariants.prefix(variants).enumerated() {
            try add(v.template.replacingOccurrences(of: "{p}", with: prompt), label: v.label, seed: seed[set.hero == nil ? 0 : i + 1], source: set.hero)
        }
        let columns = specs.count <= 6 ? 3 : 4
        var plan = BatchPlan(specs: specs, columns: columns, rows: (specs.count + columns - 1) / columns)
        plan.collectionName = set.collection
        plan.heroAssetId = set.hero
        return plan
    }

    /// Creates the result collection (in the first piece's project) and points every piece at it;
    /// adds an existing hero. Runs after validation, so bad input creates nothing.
    /// - Throws: `conflict` for a collection name already used in that project.
    mutating func createResultCollection(_ catalog: CatalogDatabase) throws {
        guard let name = collectionName else { return }
        let collection = try CatalogErrors.map {
            try catalog.createCollection(name, projectId: specs.first?.projectId, description: "Batch result (\(specs.count) images)")
        }
        collectionId = collection.id
        for i in specs.indices { specs[i].collectionId = collection.id }
        if let hero = heroAssetId { try CatalogErrors.map { try catalog.addToCollection(collection.id, assetIds: [hero]) } }
    }

    private static func requireSet(_ params: BatchSubmit.Params) throws -> BatchSet {
        guard let set = params.set else {
            throw RPCError.invalidParams("Strategies collection and campaign need set (collection name, pieces and subjects, or variants).", field: "set")
        }
        guard !set.collection.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw RPCError.invalidParams("Name the result collection in set.collection.", field: "set.collection")
        }
        return set
    }

    private static func sharedTerms(_ set: BatchSet) throws -> [String] {
        let terms = ((set.style ?? []) + (set.palette ?? [])).map { $0.trimmingCharacters(in: .whitespaces) }
        guard terms.allSatisfy({ !$0.isEmpty }) else { throw RPCError.invalidParams("Palette and style terms cannot be empty.", field: "set.palette") }
        return terms
    }

    private static func seedList(_ set: BatchSet, base: Generate.Params, count: Int) throws -> [Int64] {
        let first = base.seed ?? Int64.random(in: 0...Int64(UInt32.max))
        switch set.seedStrategy ?? "shared" {
        case "shared": return Array(repeating: first, count: count)
        case "sequential": return (0..<count).map { first + Int64($0) }
        case let other: throw RPCError.invalidParams("seedStrategy is shared or sequential; got '\(other)'.", field: "set.seedStrategy")
        }
    }
}
