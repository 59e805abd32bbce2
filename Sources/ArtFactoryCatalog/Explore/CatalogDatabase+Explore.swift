import Foundation
import GRDB

extension CatalogDatabase {
    /// Most dimensions per run, and values per dimension.
    public static let maxExploreDimensions = 8
    public static let maxExploreValues = 64
    /// A dimension named `slider:NAME` sets the style-profile slider NAME (positions 0–100).
    public static let sliderDimensionPrefix = "slider:"

    /// Creates an exploration run with one arm per dimension value.
    /// - Throws: `invalid_argument` for an empty name or prompt, no dimensions, too many, empty or
    ///   duplicate values, a prompt slot without a dimension; `not_found` for an unknown project.
    public func createExploreRun(name: String, prompt: String, dimensions: [ExploreDimension], params: CatalogJSON = .object([:]),
                                 explore: Double = 0.5, seed: UInt64, projectId: String? = nil) throws -> ExploreRun {
        let name = try Validation.name(name, kind: "exploration")
        guard !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw CatalogError.invalid("The prompt is empty; give a prompt with {slots}.") }
        guard (0...1).contains(explore) else { throw CatalogError.invalid("explore must be 0 (exploit) to 1 (explore); got \(explore).") }
        guard (1...Self.maxExploreDimensions).contains(dimensions.count) else {
            throw CatalogError.invalid("Give 1 to \(Self.maxExploreDimensions) dimensions; got \(dimensions.count).")
        }
        guard params.objectValue != nil else { throw CatalogError.invalid("params must be a JSON object of generate parameters.") }
        var names = Set<String>()
        for d in dimensions {
            let slider = d.name.hasPrefix(Self.sliderDimensionPrefix) ? String(d.name.dropFirst(Self.sliderDimensionPrefix.count)) : nil
            guard !d.name.isEmpty, (slider.map(StyleProfile.isSliderName)
                                    ?? d.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })) else {
                throw CatalogError.invalid("Dimension name '\(d.name)' must be letters, digits, - or _ (or slider:NAME for a style-profile slider).")
            }
            guard names.insert(d.name).inserted else { throw CatalogError.invalid("Dimension '\(d.name)' is given twice.") }
            guard (1...Self.maxExploreValues).contains(d.values.count) else {
                throw CatalogError.invalid("Dimension '\(d.name)' needs 1 to \(Self.maxExploreValues) values; got \(d.values.count).")
            }
            guard Set(d.values).count == d.values.count, d.values.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
                throw CatalogError.invalid("Dimension '\(d.name)' has an empty or repeated value.")
            }
            if ["seed", "steps"].contains(d.name), let bad = d.values.first(where: { Int64($0) == nil }) {
                throw CatalogError.invalid("Dimension '\(d.name)' takes whole numbers; '\(bad)' is not one.")
            }
            if slider != nil, let bad = d.values.first(where: { Int($0).map { !(0...100).contains($0) } ?? true }) {
                throw CatalogError.invalid("Dimension '\(d.name)' takes slider positions 0 to 100; '\(bad)' is not one.")
            }
            if d.name == "guidance", let bad = d.values.first(where: { Double($0) == nil }) {
                throw CatalogError.invalid("Dimension 'guidance' takes numbers; '\(bad)' is not one.")
            }
        }
        for slot in Self.slots(in: prompt) where !names.contains(slot) {
            throw CatalogError.invalid("The prompt has the slot {\(slot)} but no dimension of that name; add it or remove the slot.")
        }
        let now = clock()
        let run = ExploreRun(id: CatalogID.make(.explore, millis: now), name: name, projectId: projectId, prompt: prompt,
                             dimensions: dimensions, params: params, explore: explore, rngState: seed, draws: 0, createdAt: now)
        try write { db in
            if let projectId { try db.requireExists("projects", kind: "project", id: projectId) }
            try db.execute(sql: """
                INSERT INTO explore_runs(id, name, project_id, prompt, dimensions, params, explore, rng_state, draws, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
                """, arguments: [run.id, run.name, projectId, prompt, try Self.jsonText(dimensions), params, explore,
                                 Int64(bitPattern: seed), now])
            for d in dimensions {
                for (position, value) in d.values.enumerated() {
                    try db.execute(sql: "INSERT INTO explore_arms(run_id, dimension, value, position) VALUES (?, ?, ?, ?)",
                                   arguments: [run.id, d.name, value, position])
                }
            }
        }
        return run
    }

    /// A run and its arms (dimension order, then value order).
    /// - Throws: `not_found`.
    public func exploreRun(_ id: String) throws -> (run: ExploreRun, arms: [ExploreArm]) {
        try read { db in (try Self.fetchRun(db, id), try Self.fetchArms(db, id)) }
    }

    /// Every run, newest first.
    public func listExploreRuns() throws -> [ExploreRun] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT id FROM explore_runs ORDER BY created_at DESC, id DESC").map { try Self.fetchRun(db, $0) }
        }
    }

    /// Records `count` draws, each chosen by `choose` from the run, its current arms and the random
    /// state (which `choose` advances and which is saved), in one transaction, so concurrent draws
    /// are serialised and a run replays the same way from the same seed and outcomes.
    /// - Throws: `not_found`; `invalid_argument` for a count outside 1-1000.
    public func drawExplore(_ runId: String, count: Int,
                            choose: (ExploreRun, [ExploreArm], inout UInt64) throws -> ExploreChoice) throws -> [ExploreDraw] {
        guard (1...1000).contains(count) else { throw CatalogError.invalid("Draw 1 to 1000 at a time; got \(count).") }
        return try write { db in
            var run = try Self.fetchRun(db, runId)
            let arms = try Self.fetchArms(db, runId)
            var state = run.rngState
            var draws: [ExploreDraw] = []
            let now = clock()
            for _ in 0..<count {
                let picked = try choose(run, arms, &state)
                run.draws += 1
                let draw = ExploreDraw(id: CatalogID.make(.draw, millis: now), runId: runId, seq: run.draws, choice: picked.choice,
                                       prompt: picked.prompt, seed: picked.seed, generationId: nil, jobId: nil, outcome: nil, createdAt: now)
                try db.execute(sql: """
                    INSERT INTO explore_draws(id, run_id, seq, choice, prompt, seed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [draw.id, runId, draw.seq, try Self.jsonText(picked.choice), picked.prompt, picked.seed, now])
                for pair in picked.choice where pair.count == 2 {
                    try db.execute(sql: "UPDATE explore_arms SET drawn = drawn + 1 WHERE run_id = ? AND dimension = ? AND value = ?",
                                   arguments: [runId, pair[0], pair[1]])
                }
                draws.append(draw)
            }
            try db.execute(sql: "UPDATE explore_runs SET rng_state = ?, draws = ? WHERE id = ?",
                           arguments: [Int64(bitPattern: state), run.draws, runId])
            return draws
        }
    }

    /// Links a draw to the generation made from it: its images' reviews then update the arms.
    public func attachExploreGeneration(_ drawId: String, generationId: String, jobId: String?) throws {
        try write { db in
            try db.requireExists("explore_draws", kind: "draw", id: drawId)
            try db.execute(sql: "UPDATE explore_draws SET generation_id = ?, job_id = ? WHERE id = ?", arguments: [generationId, jobId, drawId])
        }
    }

    /// Records a draw's outcome directly (approved, rejected, or cleared with `nil`) and moves the
    /// arms it chose by the difference from its previous outcome.
    /// - Throws: `not_found`; `invalid_argument` for a draw that made images (review those instead).
    public func reportExplore(_ drawId: String, outcome: Bool?) throws -> ExploreDraw {
        try write { db in
            var draw = try Self.fetchDraw(db, drawId)
            guard draw.generationId == nil else {
                throw CatalogError.invalid("Draw \(drawId) made images (generation \(draw.generationId ?? "")); approve or reject them with gallery.review.")
            }
            let old = draw.outcome
            if old != outcome {
                let da = (outcome == true ? 1 : 0) - (old == true ? 1 : 0)
                let dr = (outcome == false ? 1 : 0) - (old == false ? 1 : 0)
                for pair in draw.choice where pair.count == 2 {
                    try db.execute(sql: """
                        UPDATE explore_arms SET approved = approved + ?, rejected = rejected + ? WHERE run_id = ? AND dimension = ? AND value = ?
                        """, arguments: [da, dr, draw.runId, pair[0], pair[1]])
                }
                try db.execute(sql: "UPDATE explore_draws SET outcome = ? WHERE id = ?", arguments: [outcome, drawId])
                draw.outcome = outcome
            }
            return draw
        }
    }

    /// The last `limit` draws of a run, newest first.
    public func exploreDraws(_ runId: String, limit: Int = 50) throws -> [ExploreDraw] {
        try Validation.limit(limit)
        return try read { db in
            _ = try Self.fetchRun(db, runId)
            return try String.fetchAll(db, sql: "SELECT id FROM explore_draws WHERE run_id = ? ORDER BY seq DESC LIMIT ?",
                                       arguments: [runId, limit]).map { try Self.fetchDraw(db, $0) }
        }
    }

    /// Deletes a run with its arms and draws (images stay).
    public func deleteExploreRun(_ id: String) throws {
        try write { db in
            try db.requireExists("explore_runs", kind: "exploration", id: id)
            try db.execute(sql: "DELETE FROM explore_runs WHERE id = ?", arguments: [id])
        }
    }

    // MARK: - Helpers

    /// The `{name}` slots of a prompt (not `{{template}}` placeholders or `{a|b}` variations).
    public static func slots(in prompt: String) -> [String] {
        var out: [String] = []
        var chars = Array(prompt)
        chars.append("\0")
        var i = 0
        while i < chars.count - 1 {
            if chars[i] == "{" && chars[i + 1] != "{" && (i == 0 || chars[i - 1] != "{") {
                var j = i + 1
                var name = ""
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "-" { name.append(chars[j]); j += 1 }
                if j < chars.count, chars[j] == "}", !name.isEmpty, chars[j + 1] != "}" { out.append(name) }
                i = j
            } else {
                i += 1
            }
        }
        return out
    }

    static func jsonText<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func fetchRun(_ db: Database, _ id: String) throws -> ExploreRun {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM explore_runs WHERE id = ?", arguments: [id]) else {
            throw CatalogError.notFound("exploration", id)
        }
        let dims = try JSONDecoder().decode([ExploreDimension].self, from: Data((row["dimensions"] as String).utf8))
        return ExploreRun(id: row["id"], name: row["name"], projectId: row["project_id"], prompt: row["prompt"], dimensions: dims,
                          params: row["params"] ?? .object([:]), explore: row["explore"],
                          rngState: UInt64(bitPattern: row["rng_state"] as Int64), draws: row["draws"], createdAt: row["created_at"])
    }

    static func fetchArms(_ db: Database, _ id: String) throws -> [ExploreArm] {
        let run = try fetchRun(db, id)
        let order = Dictionary(uniqueKeysWithValues: run.dimensions.enumerated().map { ($1.name, $0) })
        return try Row.fetchAll(db, sql: "SELECT dimension, value, approved, rejected, drawn, position FROM explore_arms WHERE run_id = ?",
                                arguments: [id]).map { row -> (Int, Int, ExploreArm) in
            (order[row[0] as String] ?? 0, row[5], ExploreArm(dimension: row[0], value: row[1], approved: row[2], rejected: row[3], drawn: row[4]))
        }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }

    static func fetchDraw(_ db: Database, _ id: String) throws -> ExploreDraw {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM explore_draws WHERE id = ?", arguments: [id]) else {
            throw CatalogError.notFound("draw", id)
        }
        let choice = try JSONDecoder().decode([[String]].self, from: Data((row["choice"] as String).utf8))
        return ExploreDraw(id: row["id"], runId: row["run_id"], seq: row["seq"], choice: choice, prompt: row["prompt"], seed: row["seed"],
                           generationId: row["generation_id"], jobId: row["job_id"], outcome: row["outcome"], createdAt: row["created_at"])
    }
}
