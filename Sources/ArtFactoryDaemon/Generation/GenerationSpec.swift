import ArtFactoryCatalog
import ArtFactoryPrompts
import ArtFactoryProtocol
import Foundation

/// A fully resolved generation, as validated at submit time and stored in the job's params, so a
/// restart or retry runs exactly the same thing (seed included).
struct GenerationSpec: Codable, Sendable, Equatable {
    var generationId: String
    var prompt: String
    var negativePrompt: String
    var model: String
    var modelPath: String
    var count: Int
    var width: Int
    var height: Int
    var steps: Int
    var guidance: Double
    /// Engine scheduler class name, nil = the model's own.
    var sampler: String?
    var seed: Int64
    var preset: String?
    /// 1 (none), 2 (high) or 4 (ultra).
    var upscale: Int
    var source: String?
    var mask: String?
    var strength: Double?
    var projectId: String?
    var sessionId: String?
    var parentId: String?
    var tags: [String]
    /// Collection every image is added to.
    var collectionId: String?
    /// Style profile applied to every expanded prompt (from the request or the project's default).
    var profile: ArtFactoryPrompts.StyleProfile?
    /// The project's brand LoRA, recorded for when the engine can load LoRAs.
    var brandLora: String?
    /// Expand the prompt once for every image (consistent batches); otherwise image i gets expansion i.
    var fixedPrompt: Bool?
    /// Batch this generation belongs to, and its grid cell label (`steps=20, guidance=7`).
    var batchId: String?
    var label: String?
    /// Remote runs: the provider (`fal`, `replicate`, `civitai`) and its model; nil = the local engine.
    var provider: String?
    var remoteModel: RemoteModelSettings?
    /// Provider-specific parameters passed through as given.
    var remoteParams: [String: JSONValue]?
    /// Estimated US dollars, recorded at submit.
    var estimatedCost: Double?

    /// The spec as catalog JSON (job params and the generation's recorded parameters).
    func catalogJSON() throws -> CatalogJSON {
        try JSONDecoder().decode(CatalogJSON.self, from: JSONEncoder().encode(self))
    }

    /// Reads a spec back from a job's params.
    init(catalogJSON: CatalogJSON) throws {
        self = try JSONDecoder().decode(GenerationSpec.self, from: JSONEncoder().encode(catalogJSON))
    }

    init(generationId: String, prompt: String, negativePrompt: String, model: String, modelPath: String, count: Int,
         width: Int, height: Int, steps: Int, guidance: Double, sampler: String?, seed: Int64, preset: String?,
         upscale: Int, source: String?, mask: String?, strength: Double?, projectId: String?, sessionId: String?,
         parentId: String?, tags: [String], collectionId: String?) {
        self.generationId = generationId
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.model = model
        self.modelPath = modelPath
        self.count = count
        self.width = width
        self.height = height
        self.steps = steps
        self.guidance = guidance
        self.sampler = sampler
        self.seed = seed
        self.preset = preset
        self.upscale = upscale
        self.source = source
        self.mask = mask
        self.strength = strength
        self.projectId = projectId
        self.sessionId = sessionId
        self.parentId = parentId
        self.tags = tags
        self.collectionId = collectionId
    }
}
