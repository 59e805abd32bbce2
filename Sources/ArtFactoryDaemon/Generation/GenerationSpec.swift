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
    /// The learned upscaler chosen at submit time (name and file); nil = Lanczos.
    var upscaler: String?
    var upscalerPath: String?
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
    /// The project's brand LoRA name (also listed in ``loras`` with origin `brand` when applied).
    var brandLora: String?
    /// Every LoRA this generation applies: the request's, the project's brand LoRA and the prompt's
    /// `<lora:…>` tags (each image applies the tags of its own expansion), with the file hashes.
    var loras: [LoRAUse]?
    /// Expand the prompt once for every image (consistent batches); otherwise image i gets expansion i.
    var fixedPrompt: Bool?
    /// Grid cell label within its batch (`steps=20, guidance=7`).
    var label: String?
    /// The template applied at submit time: its name, id and version, and the placeholder values given.
    var template: String?
    var templateId: String?
    var templateVersion: Int64?
    var templateVars: [String: String]?
    /// Ultra: strength of the refining image-to-image pass, and the factor of the base size it ran at
    /// (4, 2 or 1; the rest of ``upscale`` is a smooth resample). Nil when there is no refining pass.
    var refineStrength: Double?
    var refineFactor: Int?
    /// Denoising steps of the refining pass (`Int(steps × refineStrength)`, per tile when tiled), recorded for the metadata.
    var refineSteps: Int?
    /// Tiled refining pass: the tiles' size (the base image's) and how many cover the 4× image; nil = one
    /// pass over the whole image at ``refineFactor`` (`refineMaxSide` given, or a spec recorded before tiling).
    var refineTileWidth: Int?
    var refineTileHeight: Int?
    var refineTiles: Int?
    /// Local runs: the engine arithmetic resolved at submit time (`f32` or `bf16`), recorded in the image's
    /// metadata; nil (older specs, remote runs) = f32.
    var precision: String?
    /// Attach a preview to `job.progress` every this many steps; nil = no previews.
    var previewEvery: Int?
    /// Collection/campaign batches: the palette and style terms every piece shares (recorded).
    var sharedTerms: [String]?
    /// SDXL two-stage runs: the refiner model (name and folder) that finishes each image, the share of
    /// the schedule the base denoises before it, and the refiner's aesthetic score. Nil = one stage.
    var refiner: String?
    var refinerPath: String?
    var refinerHandoff: Double?
    var aestheticScore: Double?

    /// The refining pass this spec asks for, if any.
    var refine: UltraRefine? {
        guard let refineStrength, let refineFactor else { return nil }
        return UltraRefine(strength: refineStrength, factor: refineFactor, steps: steps, tileWidth: refineTileWidth, tileHeight: refineTileHeight)
    }
    /// Remote runs: the provider (`fal`, `replicate`, `civitai`) and its model; nil = the local engine.
    var provider: String?
    var remoteModel: RemoteModelSettings?
    /// Provider-specific parameters passed through as given.
    var remoteParams: [String: JSONValue]?
    /// Estimated US dollars, recorded at submit.
    var estimatedCost: Double?

    /// The spec as catalog JSON (job params and the generation's recorded parameters).
    func catalogJSON() throws -> CatalogJSON {
        try JSONValueEncoder().encode(self)
    }

    /// The generation row this spec implies at submit time (status `queued`), for the job `jobId`
    /// (and its batch, when it is one).
    func generationRecord(params: CatalogJSON, createdAt: Int64, jobId: String, batchId: String? = nil) -> Generation {
        Generation(id: generationId, sessionId: sessionId, parentGenerationId: parentId, projectId: projectId,
                   prompt: prompt, negativePrompt: negativePrompt, params: params, model: model,
                   provider: provider ?? "local", seed: seed, status: .queued, createdAt: createdAt,
                   cost: estimatedCost, jobId: jobId, batchId: batchId)
    }

    /// Reads a spec back from a job's params.
    init(catalogJSON: CatalogJSON) throws {
        self = try JSONValueDecoder().decode(GenerationSpec.self, from: catalogJSON)
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
