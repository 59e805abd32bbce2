/// A queued unit of work (a generation, batch, import or export) as clients see it: `job.get`,
/// `job.list`, the result of `job.cancel`/`job.retry` and the `job.state` notification.
public struct JobInfo: Codable, Sendable, Equatable {
    /// `job_` id.
    public var id: String
    /// What runs: `generate`, `batch`, `remote` (a remote provider), `remote-batch`, …
    public var kind: String
    /// `queued`, `running`, `paused`, `succeeded`, `failed` or `canceled`.
    public var status: String
    /// Higher runs first; equal priorities run in queue order.
    public var priority: Int
    /// Times the job was started (a crash re-queues it up to `maxAttempts`).
    public var attempts: Int
    public var maxAttempts: Int
    /// Why it failed, saying what to do.
    public var error: String?
    /// Milliseconds since the epoch.
    public var createdAt: Int64
    public var startedAt: Int64?
    public var finishedAt: Int64?
    /// Last reported progress (also published as `job.progress`).
    public var progress: JobProgress?
    /// The generation this job produces (kind `generate`).
    public var generationId: String?
    /// Finished images, in order (kind `generate`, once succeeded).
    public var images: [GeneratedImage]
    /// Batches: images that failed so far (success rate = 1 - failedImages / total).
    public var failedImages: Int?
    /// Batches, once finished: ZIP of every image, and for grids the contact-sheet PNG.
    public var zip: String?
    public var contactSheet: String?
    /// The wire error code of a failure (for example -32006 for an invalid file), when known.
    public var errorCode: Int?
    /// Imports (kind `import`), once finished: counts and one item per file.
    public var importResult: GalleryImport.Outcome?
    /// Exports (kind `export`), once succeeded: what was written.
    public var exportResult: GalleryExport.Outcome?

    public init(id: String, kind: String, status: String, priority: Int, attempts: Int, maxAttempts: Int,
                error: String? = nil, createdAt: Int64, startedAt: Int64? = nil, finishedAt: Int64? = nil,
                progress: JobProgress? = nil, generationId: String? = nil, images: [GeneratedImage] = []) {
        self.id = id
        self.kind = kind
        self.status = status
        self.priority = priority
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.error = error
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.progress = progress
        self.generationId = generationId
        self.images = images
    }

    /// The schema of this object in the OpenRPC document.
    public static let schema = Schema.object([
        .init("id", .string("job id"), required: true),
        .init("kind", .string("generate, batch, remote (a remote provider), remote-batch, import, export"), required: true),
        .init("status", .enumeration(["queued", "running", "paused", "succeeded", "failed", "canceled"]), required: true),
        .init("priority", .integer("higher runs first"), required: true),
        .init("attempts", .integer("times started", minimum: 0), required: true),
        .init("maxAttempts", .integer("starts allowed before an interrupted job fails", minimum: 1), required: true),
        .init("error", .string("why it failed and what to do")),
        .init("createdAt", .integer("ms since the epoch"), required: true),
        .init("startedAt", .integer("ms since the epoch")),
        .init("finishedAt", .integer("ms since the epoch")),
        .init("progress", JobProgress.schema),
        .init("generationId", .string("the generation this job produces")),
        .init("images", .array(GeneratedImage.schema, "finished images in order"), required: true),
        .init("failedImages", .integer("batch images that failed", minimum: 0)),
        .init("zip", .string("batch: ZIP of every image")),
        .init("contactSheet", .string("grid batch: contact-sheet PNG")),
        .init("errorCode", .integer("wire error code of a failure")),
        .init("importResult", GalleryImport.outcomeSchema),
        .init("exportResult", GalleryExport.outcomeSchema),
    ])

    static let example = JobInfo(id: "job_01J0000000000000000000000", kind: "generate", status: "succeeded", priority: 0,
                                 attempts: 1, maxAttempts: 3, createdAt: 1_767_225_600_000, startedAt: 1_767_225_600_010,
                                 finishedAt: 1_767_225_601_000, progress: .example,
                                 generationId: "gen_01J0000000000000000000000", images: [.example])
}

/// Where a running job is: published as `job.progress` (throttled) and kept for polling.
///
/// Generations fill the step fields. Imports and exports count files: `done` of `total`, mirrored
/// in `image`/`images` (each file is one image) with `step`/`totalSteps` 0; an import first checks
/// every file (`phase` `check`), then stores them (`phase` `store`), counting each phase from 0.
public struct JobProgress: Codable, Sendable, Equatable {
    /// Denoising steps done for the current image (1-based).
    public var step: Int
    /// Steps the current image runs.
    public var totalSteps: Int
    /// Current image, 1-based, and how many the job makes.
    public var image: Int
    public var images: Int
    /// Estimated seconds left for the whole job, from the measured step time (files: the rate so far).
    public var etaSeconds: Double?
    /// Imports and exports: files finished, and files in the job.
    public var done: Int?
    public var total: Int?
    /// Imports: `check` (validate, hash, thumbnail every file) then `store` (write and record).
    public var phase: String?
    /// `base` while the image is generated, `refine` during Ultra's refining image-to-image pass (step
    /// and totalSteps then count the pass's steps).
    public var stage: String?
    /// A small preview of the current image, when the generation asked for one (`previewEvery`).
    public var preview: ProgressPreview?
    /// What the job is doing, in words (remote jobs: `queued at fal (position 2)`, `waiting for network`, …).
    public var detail: String?

    public init(step: Int, totalSteps: Int, image: Int, images: Int, etaSeconds: Double? = nil, stage: String? = nil,
                preview: ProgressPreview? = nil, detail: String? = nil) {
        self.step = step
        self.totalSteps = totalSteps
        self.image = image
        self.images = images
        self.etaSeconds = etaSeconds
        self.stage = stage
        self.preview = preview
        self.detail = detail
    }

    /// Progress of a file job (import, export): `done` of `total` files.
    public init(files done: Int, of total: Int, etaSeconds: Double?, phase: String? = nil) {
        self.init(step: 0, totalSteps: 0, image: done, images: total, etaSeconds: etaSeconds)
        self.done = done
        self.total = total
        self.phase = phase
    }

    /// The schema of this object in the OpenRPC document.
    public static let schema = Schema.object([
        .init("step", .integer("steps done for the current image", minimum: 0), required: true),
        .init("totalSteps", .integer("steps of the current image", minimum: 0), required: true),
        .init("image", .integer("current image, 1-based", minimum: 0), required: true),
        .init("images", .integer("images in the job", minimum: 0), required: true),
        .init("etaSeconds", .number("estimated seconds left", minimum: 0)),
        .init("done", .integer("import/export: files finished", minimum: 0)),
        .init("total", .integer("import/export: files in the job", minimum: 0)),
        .init("phase", .enumeration(["check", "store"], "import: checking every file, then storing them")),
        .init("stage", .enumeration(["base", "refine"], "base image, or Ultra's refining pass")),
        .init("preview", ProgressPreview.schema),
        .init("detail", .string("what the job is doing, e.g. waiting for network")),
    ], "progress of a running job")

    static let example = JobProgress(step: 28, totalSteps: 28, image: 4, images: 4, etaSeconds: 0)
}

/// A preview of an image being denoised: the current latents projected to RGB (a fixed linear map
/// fitted to the model's VAE), at most 64 px on the longer side, PNG in base64.
public struct ProgressPreview: Codable, Sendable, Equatable {
    /// `image/png`.
    public var mime: String
    public var width: Int
    public var height: Int
    /// The PNG bytes, base64.
    public var data: String

    public init(mime: String = "image/png", width: Int, height: Int, data: String) {
        self.mime = mime
        self.width = width
        self.height = height
        self.data = data
    }

    /// The schema of this object in the OpenRPC document.
    public static let schema = Schema.object([
        .init("mime", .string("image/png"), required: true),
        .init("width", .integer("pixels", minimum: 1, maximum: 64), required: true),
        .init("height", .integer("pixels", minimum: 1, maximum: 64), required: true),
        .init("data", .string("PNG bytes, base64"), required: true),
    ], "preview of the image being denoised (previewEvery)")
}

/// One stored output image.
public struct GeneratedImage: Codable, Sendable, Equatable {
    /// Gallery asset id.
    public var assetId: String
    /// Absolute path of the PNG (with generation metadata).
    public var path: String
    /// Absolute path of the WebP thumbnail.
    public var thumbnail: String?
    /// The seed that made it (image i of a generation uses seed S+i).
    public var seed: Int64
    public var width: Int
    public var height: Int

    public init(assetId: String, path: String, thumbnail: String?, seed: Int64, width: Int, height: Int) {
        self.assetId = assetId
        self.path = path
        self.thumbnail = thumbnail
        self.seed = seed
        self.width = width
        self.height = height
    }

    /// The schema of this object in the OpenRPC document.
    public static let schema = Schema.object([
        .init("assetId", .string("gallery asset id"), required: true),
        .init("path", .string("absolute PNG path"), required: true),
        .init("thumbnail", .string("absolute WebP thumbnail path")),
        .init("seed", .integer("seed of this image", minimum: 0), required: true),
        .init("width", .integer("pixels", minimum: 1), required: true),
        .init("height", .integer("pixels", minimum: 1), required: true),
    ])

    static let example = GeneratedImage(assetId: "img_01J0000000000000000000000", path: "/home/me/.local/share/artfactory/gallery/2026/01/gen_01J0000000000000000000000-0.png",
                                        thumbnail: "/home/me/.local/share/artfactory/thumbnails/gen_01J0000000000000000000000-0.webp",
                                        seed: 1234, width: 512, height: 512)
}
