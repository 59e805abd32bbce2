import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation

/// A validated batch as stored in its job's params: the generations to run in order and, for
/// grids, the shape and labels of the contact sheet.
struct BatchPlan: Codable, Sendable {
    var specs: [GenerationSpec]
    /// Grid columns (x values) and rows (y values); nil for prompt lists and seed strategies.
    var columns: Int?
    var rows: Int?
    var xLabel: String?
    var yLabel: String?
    /// Grid axis values, for the contact sheet's labels (absent in plans stored before labels were drawn).
    var xValues: [String]?
    var yValues: [String]?
    /// Collection and campaign batches: the result collection to create at submit, its id once
    /// created, and a campaign's existing hero image (added to the collection).
    var collectionName: String?
    var collectionId: String?
    var heroAssetId: String?

    var total: Int { specs.reduce(0) { $0 + $1.count } }

    /// Label of grid column `c` (`steps=20`), from the axis values or, in older plans, the cell label.
    func columnLabel(_ c: Int) -> String {
        if let xLabel, let xValues, c < xValues.count { return "\(xLabel)=\(xValues[c])" }
        return specs.indices.contains(c) ? String((specs[c].label ?? "").split(separator: ",").first ?? "") : ""
    }

    /// Label of grid row `r` (`seed=3`); empty when the grid has one axis.
    func rowLabel(_ r: Int) -> String {
        guard let yLabel else { return "" }
        if let yValues, r < yValues.count { return "\(yLabel)=\(yValues[r])" }
        let index = r * (columns ?? 1)
        guard specs.indices.contains(index) else { return "" }
        let parts = (specs[index].label ?? "").split(separator: ",")
        return parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
    }

    func catalogJSON() throws -> CatalogJSON {
        try JSONValueEncoder().encode(self)
    }

    init(specs: [GenerationSpec], columns: Int? = nil, rows: Int? = nil, xLabel: String? = nil, yLabel: String? = nil) {
        self.specs = specs
        self.columns = columns
        self.rows = rows
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    init(catalogJSON: CatalogJSON) throws {
        self = try JSONValueDecoder().decode(BatchPlan.self, from: catalogJSON)
    }

    /// Builds the plan from `batch.submit` params, validating every generation as `generate` would.
    static func make(_ params: BatchSubmit.Params, validator: GenerateValidator) throws -> BatchPlan {
        var base = params.base ?? Generate.Params()
        base.again = nil
        base.reorder = nil
        func spec(_ prompt: String, count: Int, edit: (inout Generate.Params) -> Void = { _ in }) throws -> GenerationSpec {
            var p = base
            p.prompt = prompt
            p.count = 1
            edit(&p)
            var s = try validator.spec(for: p)
            s.count = count
            return s
        }
        if let prompts = params.prompts {
            guard params.prompt == nil, params.strategy == nil else {
                throw RPCError.invalidParams("give either prompts (a list) or prompt with a strategy, not both")
            }
            guard (1...BatchSubmit.maxPrompts).contains(prompts.count) else {
                throw limit("a batch takes 1 to \(BatchSubmit.maxPrompts) prompts (got \(prompts.count)); split it into several batches")
            }
            let images = params.images ?? 1
            guard (1...Generate.maxCount).contains(images) else { throw limit("images per prompt must be 1 to \(Generate.maxCount) (got \(images))") }
            return BatchPlan(specs: try prompts.map { try spec($0, count: images) })
        }
        guard let prompt = params.prompt else { throw RPCError.invalidParams("give prompts (a list), or prompt with a strategy", field: "prompt") }
        switch params.strategy ?? "consistent" {
        case "consistent", "diverse":
            let images = params.images ?? 4
            guard (1...BatchSubmit.maxImages).contains(images) else { throw limit("a batch makes 1 to \(BatchSubmit.maxImages) images (got \(images))") }
            var s = try spec(prompt, count: images)
            s.fixedPrompt = params.strategy != "diverse"
            return BatchPlan(specs: [s])
        case "grid":
            guard let x = params.x else { throw RPCError.invalidParams("a grid needs an x axis (param and values)", field: "x") }
            let y = params.y ?? BatchSubmit.Axis(param: "", values: [""])
            let cells = x.values.count * y.values.count
            guard !x.values.isEmpty, !y.values.isEmpty, cells <= BatchSubmit.maxImages else {
                throw limit("a grid has 1 to \(BatchSubmit.maxImages) cells (got \(cells))")
            }
            for axis in [x, y] where !axis.param.isEmpty { try checkAxis(axis) }
            var specs: [GenerationSpec] = []
            for yValue in y.values {
                for xValue in x.values {
                    var s = try spec(prompt, count: 1) { p in
                        apply(x.param, xValue, to: &p)
                        if !y.param.isEmpty { apply(y.param, yValue, to: &p) }
                    }
                    s.label = [("\(x.param)=\(xValue)"), y.param.isEmpty ? nil : "\(y.param)=\(yValue)"].compactMap { $0 }.joined(separator: ", ")
                    specs.append(s)
                }
            }
            var plan = BatchPlan(specs: specs, columns: x.values.count, rows: y.values.count, xLabel: x.param, yLabel: y.param.isEmpty ? nil : y.param)
            plan.xValues = x.values
            plan.yValues = y.param.isEmpty ? nil : y.values
            return plan
        case "collection":
            return try makeCollection(params, prompt: prompt, base: base, validator: validator)
        case "campaign":
            return try makeCampaign(params, prompt: prompt, base: base, validator: validator)
        case let other:
            throw RPCError.invalidParams("unknown strategy '\(other)'; use consistent, diverse, grid, collection or campaign", field: "strategy")
        }
    }

    private static func apply(_ param: String, _ value: String, to p: inout Generate.Params) {
        switch param {
        case "steps": p.steps = Int(value) ?? -1
        case "guidance": p.guidance = Double(value) ?? -1
        case "sampler": p.sampler = value
        case "seed": p.seed = Int64(value) ?? -1
        default: break
        }
    }

    private static func checkAxis(_ axis: BatchSubmit.Axis) throws {
        guard ["steps", "guidance", "sampler", "seed"].contains(axis.param) else {
            throw RPCError.invalidParams("grid axes take steps, guidance, sampler or seed (got '\(axis.param)')")
        }
    }

    static func limit(_ message: String) -> RPCError {
        RPCError(code: RPCErrorCode.limitExceeded, message: message.prefix(1).uppercased() + message.dropFirst() + ".",
                 data: ["kind": "limitExceeded"])
    }
}
