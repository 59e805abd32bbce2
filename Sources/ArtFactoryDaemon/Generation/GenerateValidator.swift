import ArtFactoryCatalog
import ArtFactoryEngine
import ArtFactoryImaging
import ArtFactoryPrompts
import ArtFactoryProtocol
import Foundation

/// Turns `generate` params into a ``GenerationSpec``, rejecting anything that could not run, with an
/// error that says what to change. Runs on a worker thread before anything is queued, so a bad
/// request leaves no job and no row behind.
struct GenerateValidator {
    let catalog: CatalogDatabase
    let models: ModelRegistry
    let galleryDir: String
    let wildcardsDir: String
    /// Remote providers; nil = local models only.
    var providers: ProviderHub?
    /// Learned upscalers for High/Ultra/`upscale`; nil = Lanczos only.
    var upscalers: UpscalerRegistry? = nil

    /// Sampler names accepted on the wire → the engine's scheduler classes.
    static let samplers: [String: SchedulerKind] = [
        "ddim": .ddim, "euler": .euler, "euler-a": .eulerAncestral, "dpm++2m": .dpmSolverMultistep, "lcm": .lcm,
    ]

    func spec(for request: Generate.Params) throws -> GenerationSpec {
        if let again = request.again ?? request.reorder {
            guard request.template == nil, request.vars == nil else {
                throw RPCError.invalidParams("again/reorder repeat a generation as it was; they take no template", field: "template")
            }
            return try repeatSpec(of: again, exact: request.reorder != nil, params: request)
        }
        let applied = try GenerateTemplate(catalog: catalog).apply(to: request)
        let params = applied?.params ?? request
        guard let rawPrompt = params.prompt else {
            throw RPCError.invalidParams("a prompt is required (or pass again/reorder with a generation id)", field: "prompt")
        }
        let prompt = rawPrompt.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !prompt.isEmpty else { throw RPCError.invalidParams("the prompt is empty; describe what to draw", field: "prompt") }
        guard prompt.count <= Generate.maxPromptLength else {
            throw RPCError.invalidParams("the prompt has \(prompt.count) characters; shorten it to at most \(Generate.maxPromptLength)", field: "prompt")
        }
        do {
            try PromptExpander(wildcards: FolderWildcardSource(root: URL(fileURLWithPath: wildcardsDir))).validate(prompt)
        } catch let e as PromptError {
            throw RPCError.invalidParams("the prompt cannot be expanded: \(e.message)", field: "prompt")
        } catch {
            throw RPCError.invalidParams("the prompt cannot be expanded: \(error)", field: "prompt")
        }
        let remote = try params.model.flatMap { name in ProviderHub.isRemote(name) ? try hub().model(name) : nil }
        let model = try remote.map { ModelRegistry.Entry(name: $0.name, format: "remote", path: "", bytes: 0) } ?? models.resolve(params.model)
        if remote == nil, params.params != nil {
            throw RPCError.invalidParams("params pass provider-specific settings to remote models only; \(model.name) is a local model", field: "params")
        }
        let count = params.count ?? 4
        guard (1...Generate.maxCount).contains(count) else {
            throw RPCError(code: RPCErrorCode.limitExceeded, message: "count must be between 1 and \(Generate.maxCount) (got \(count)); use batch.submit for more images.",
                           data: ["kind": "limitExceeded", "path": "count"])
        }
        var preset: QualityPreset?
        if let name = params.preset {
            guard let p = QualityPreset(rawValue: name.lowercased()) else {
                throw RPCError.invalidParams("unknown preset '\(name)'; use draft, standard, high or ultra", field: "preset")
            }
            preset = p
        }
        // Few-step (Turbo-style) models take 1-4 steps without guidance; presets pick those for them.
        let fewStep = remote == nil && ModelRegistry.family(of: model)?.isFewStep == true
        let steps = params.steps ?? (fewStep ? (preset ?? .standard).fewSteps : preset?.steps ?? QualityPreset.standard.steps)
        guard (1...150).contains(steps) else { throw RPCError.invalidParams("steps must be between 1 and 150 (got \(steps))", field: "steps") }
        let guidance = params.guidance ?? (fewStep ? 0 : 7.5)
        guard (0...30).contains(guidance) else { throw RPCError.invalidParams("guidance must be between 0 and 30 (got \(guidance))", field: "guidance") }
        var sampler: String?
        if let name = params.sampler {
            guard let kind = Self.samplers[name.lowercased()] else {
                throw RPCError.invalidParams("unknown sampler '\(name)'; use one of \(Self.samplers.keys.sorted().joined(separator: ", "))", field: "sampler")
            }
            sampler = kind.rawValue
        }
        let seed = params.seed ?? Int64.random(in: 0...Int64(UInt32.max))
        guard (0...Int64(UInt32.max)).contains(seed) else {
            throw RPCError.invalidParams("seed must be between 0 and 4294967295 (got \(seed))", field: "seed")
        }
        var parent = params.parent
        var sourcePath: String?
        var sourceSize: (Int, Int)?
        if let source = params.source {
            let resolved = try resolveSource(source)
            sourcePath = resolved.path
            sourceSize = (resolved.width, resolved.height)
            if parent == nil { parent = resolved.generationId }
        }
        let native = remote == nil ? ModelRegistry.nativeSize(of: model) : 512
        let width = params.width ?? sourceSize.map { $0.0 / 8 * 8 } ?? remote.map { $0.settings.width ?? 1024 } ?? native
        let height = params.height ?? sourceSize.map { $0.1 / 8 * 8 } ?? remote.map { $0.settings.height ?? 1024 } ?? native
        for (name, value) in [("width", width), ("height", height)] {
            guard value % 8 == 0, (64...2048).contains(value) else {
                throw RPCError.invalidParams("\(name) must be a multiple of 8 between 64 and 2048 (got \(value))", field: name)
            }
        }
        var maskPath: String?
        if let mask = params.mask {
            guard let sourceSize else { throw RPCError.invalidParams("a mask needs a source image to repaint; pass source too", field: "mask") }
            let info = try probe(mask, field: "mask")
            guard info.width == sourceSize.0, info.height == sourceSize.1 else {
                throw RPCError(code: RPCErrorCode.invalidFile,
                               message: "The mask is \(info.width)×\(info.height) but the source image is \(sourceSize.0)×\(sourceSize.1); make them the same size.",
                               data: ["kind": "invalidFile", "path": "mask"])
            }
            maskPath = info.path
        }
        if let strength = params.strength, !(0...1).contains(strength) {
            throw RPCError.invalidParams("strength must be between 0 and 1 (got \(strength))", field: "strength")
        }
        try checkReferences(project: params.project, session: params.session, parent: parent)
        if let collection = params.collection { _ = try CatalogErrors.map { try catalog.collection(collection) } }
        var spec = GenerationSpec(generationId: CatalogID.make(.generation), prompt: prompt, negativePrompt: params.negativePrompt ?? "",
                              model: model.name, modelPath: model.path, count: count, width: width, height: height, steps: steps,
                              guidance: guidance, sampler: sampler, seed: seed, preset: preset?.rawValue, upscale: preset?.upscale ?? 1,
                              source: sourcePath, mask: maskPath, strength: params.strength, projectId: params.project,
                              sessionId: params.session, parentId: parent, tags: params.tags ?? [], collectionId: params.collection)
        if let applied {
            spec.template = applied.name
            spec.templateId = applied.id
            spec.templateVersion = applied.version
            spec.templateVars = applied.vars.isEmpty ? nil : applied.vars
        }
        try applyRefine(params, preset: preset, to: &spec)
        try applyRefiner(params, preset: preset, model: model, remote: remote != nil, hasSource: sourcePath != nil, to: &spec)
        try applyUpscaler(params, to: &spec)
        if remote == nil {
            spec.precision = try models.computePath(for: model.name, requested: params.precision).rawValue
        } else if params.precision != nil {
            throw RPCError.invalidParams("precision applies to the local engine; \(model.name) runs on a remote provider", field: "precision")
        }
        if let every = params.previewEvery {
            guard (1...150).contains(every) else { throw RPCError.invalidParams("previewEvery must be between 1 and 150 steps (got \(every))", field: "previewEvery") }
            spec.previewEvery = every
        }
        let project = try params.project.map { id in try CatalogErrors.map { try catalog.project(id) } }
        spec.loras = try resolveLoras(params, prompt: prompt, project: project, remote: remote, modelPath: model.path)
        spec.brandLora = spec.loras?.first { $0.origin == "brand" }?.name
        if let remote { try applyRemote(remote, to: &spec, passThrough: params.params) }
        if params.useProfile != false, let profileId = params.profile ?? project?.defaultProfileId {
            let stored = try CatalogErrors.map { try catalog.profile(profileId) }
            spec.profile = try Self.profile(stored, sliders: params.sliders ?? [:])
        } else if params.useProfile == false, params.profile != nil {
            throw RPCError.invalidParams("profile and useProfile=false contradict each other; pass one of them", field: "profile")
        } else if let sliders = params.sliders, !sliders.isEmpty {
            throw RPCError.invalidParams(params.useProfile == false
                ? "sliders set a style profile's sliders, and useProfile is false; drop one of them"
                : "sliders set a style profile's sliders, and no profile applies; pass profile, or a project with a default profile",
                field: "sliders")
        }
        return spec
    }

    /// The engine's profile for a stored one: its terms, then one weighted term per slider at the
    /// request's position (`sliders`) or the profile's. Positions are 0...100; a stored fractional
    /// position rounds to the nearest whole one.
    static func profile(_ stored: ArtFactoryCatalog.StyleProfile, sliders overrides: [String: Int]) throws -> ArtFactoryPrompts.StyleProfile {
        let known = stored.sliders.keys.sorted()
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) {
            guard stored.sliders[name] != nil else {
                throw RPCError.invalidParams("profile '\(stored.name)' has no slider '\(name)'; "
                    + (known.isEmpty ? "it has no sliders (add them with profile.save sliders)" : "its sliders are \(known.joined(separator: ", "))"),
                    field: "sliders")
            }
            guard (0...100).contains(value) else {
                throw RPCError.invalidParams("slider '\(name)' is \(value); use a position from 0 (off) to 100", field: "sliders")
            }
        }
        let sliders = known.map { name in
            StyleSlider(name: name, term: stored.sliderTerm(name), value: overrides[name] ?? Int(stored.sliders[name, default: 0].rounded()))
        }
        let profile = ArtFactoryPrompts.StyleProfile(name: stored.name, terms: stored.terms.map { WeightedTerm($0.term, weight: $0.weight) },
                                                     sliders: sliders)
        do {
            _ = try profile.positiveTerms()
        } catch let e as PromptError {
            throw RPCError.invalidParams("profile '\(stored.name)': \(e.message)", field: "profile")
        }
        return profile
    }

    /// Ultra's refining pass: its strength and the factor (of the base size) it runs at, recorded in
    /// the spec so a rerun refines exactly the same way. See ``UltraRefine``.
    private func applyRefine(_ params: Generate.Params, preset: QualityPreset?, to spec: inout GenerationSpec) throws {
        guard preset == .ultra else {
            if params.refineStrength != nil || params.refineMaxSide != nil {
                throw RPCError.invalidParams("refineStrength and refineMaxSide apply to the ultra preset only; pass preset ultra", field: "refineStrength")
            }
            return
        }
        let strength = params.refineStrength ?? UltraRefine.defaultStrength
        guard (0.05...1).contains(strength) else {
            throw RPCError.invalidParams("refineStrength must be between 0.05 and 1 (got \(strength))", field: "refineStrength")
        }
        let refine: UltraRefine
        if let maxSide = params.refineMaxSide {
            guard (128...2048).contains(maxSide) else {
                throw RPCError.invalidParams("refineMaxSide must be between 128 and 2048 (got \(maxSide))", field: "refineMaxSide")
            }
            refine = UltraRefine(strength: strength, maxSide: maxSide, width: spec.width, height: spec.height, steps: spec.steps)
        } else {
            refine = UltraRefine(strength: strength, tiledFor: spec.width, height: spec.height, steps: spec.steps)
        }
        guard refine.steps >= 1 else {
            throw RPCError.invalidParams("refineStrength \(strength) × \(spec.steps) steps leaves no refining step; raise steps or refineStrength",
                                         field: "refineStrength")
        }
        spec.refineStrength = strength
        spec.refineFactor = refine.factor
        spec.refineSteps = refine.steps
        if let tiles = refine.tiles(baseWidth: spec.width, height: spec.height) {
            (spec.refineTileWidth, spec.refineTileHeight, spec.refineTiles) = (tiles.tileWidth, tiles.tileHeight, tiles.count)
        }
    }

    /// SDXL's second stage: the refiner named, or Ultra's default for the base, with its handoff and
    /// aesthetic score. A refiner chosen as the model itself needs a source image to refine.
    private func applyRefiner(_ params: Generate.Params, preset: QualityPreset?, model: ModelRegistry.Entry, remote: Bool,
                              hasSource: Bool, to spec: inout GenerationSpec) throws {
        let family = remote ? nil : ModelRegistry.family(of: model)
        if family == .sdxlRefiner, !hasSource {
            throw RPCError.invalidParams("'\(model.name)' is an SDXL refiner: it finishes an SDXL base model's images and cannot start from a prompt. Generate with an SDXL base and pass refiner \(model.name), or give a source image to refine.",
                                         field: "model")
        }
        let explicit = params.refiner.map { $0.lowercased() == "none" ? nil : $0 }
        let entry: ModelRegistry.Entry?
        switch explicit {
        case .some(.some(let name)):
            guard family == .sdxl else {
                throw RPCError.invalidParams("refiner applies to SDXL base models; '\(model.name)' is \(family.map { "an \($0.rawValue) model" } ?? "not a local SDXL model")",
                                             field: "refiner")
            }
            entry = try models.refiner(named: name)
        case .some(.none):
            entry = nil
        case .none:
            entry = preset == .ultra && family == .sdxl ? try models.defaultRefiner(for: model) : nil
        }
        guard let entry else {
            if params.refinerHandoff != nil || params.aestheticScore != nil {
                throw RPCError.invalidParams("refinerHandoff and aestheticScore apply to a refiner stage; pass refiner NAME (an SDXL base with an SDXL refiner)",
                                             field: params.refinerHandoff != nil ? "refinerHandoff" : "aestheticScore")
            }
            return
        }
        if spec.mask != nil {
            throw RPCError.invalidParams("a refiner does not inpaint; drop the mask or pass refiner none", field: "refiner")
        }
        let handoff = params.refinerHandoff ?? RefinerStage().handoff
        guard (0.5...0.95).contains(handoff) else {
            throw RPCError.invalidParams("refinerHandoff must be between 0.5 and 0.95 (got \(handoff))", field: "refinerHandoff")
        }
        let score = params.aestheticScore ?? RefinerStage().aestheticScore
        guard (0...10).contains(score) else {
            throw RPCError.invalidParams("aestheticScore must be between 0 and 10 (got \(score))", field: "aestheticScore")
        }
        // Both stages must get at least one step of the schedule.
        let baseSteps = Int(Double(spec.steps) * handoff)
        guard baseSteps >= 1, baseSteps < spec.steps else {
            throw RPCError.invalidParams("\(spec.steps) steps cannot be split at \(handoff) between the base and the refiner; raise steps", field: "steps")
        }
        (spec.refiner, spec.refinerPath, spec.refinerHandoff, spec.aestheticScore) = (entry.name, entry.path, handoff, score)
    }

    /// `again` (new seed) or `reorder` (same seed): the earlier generation's spec with a new id.
    private func repeatSpec(of id: String, exact: Bool, params: Generate.Params) throws -> GenerationSpec {
        let earlier = try CatalogErrors.map { try catalog.generation(id) }
        guard var spec = try? GenerationSpec(catalogJSON: earlier.params) else {
            throw RPCError.conflict("Generation '\(id)' was not made by this daemon's generate; it cannot be repeated.")
        }
        spec.generationId = CatalogID.make(.generation)
        if spec.provider == nil { spec.modelPath = try models.resolve(spec.model).path }
        if let refiner = spec.refiner { spec.refinerPath = try models.refiner(named: refiner).path }
        if !exact { spec.seed = Int64.random(in: 0...Int64(UInt32.max)) }
        if let count = params.count, !exact {
            guard (1...Generate.maxCount).contains(count) else {
                throw RPCError(code: RPCErrorCode.limitExceeded, message: "count must be between 1 and \(Generate.maxCount) (got \(count)).",
                               data: ["kind": "limitExceeded", "path": "count"])
            }
            spec.count = count
        }
        if let session = params.session { spec.sessionId = session }
        if let tags = params.tags { spec.tags = tags }
        if let collection = params.collection {
            _ = try CatalogErrors.map { try catalog.collection(collection) }
            spec.collectionId = collection
        }
        try checkReferences(project: spec.projectId, session: spec.sessionId, parent: spec.parentId)
        if spec.provider != nil {
            let remote = try hub().model(spec.model)
            try applyRemote(remote, to: &spec, passThrough: spec.remoteParams)
        }
        return spec
    }

    private func hub() throws -> ProviderHub {
        guard let providers else { throw RPCError(code: RPCErrorCode.unavailable, message: "Remote providers are not available here.", data: ["kind": "unavailable"]) }
        return providers
    }

    /// Remote-specific checks and fields: capabilities, key, pass-through params, daily limits.
    private func applyRemote(_ remote: ProviderHub.Model, to spec: inout GenerationSpec, passThrough: [String: JSONValue]?) throws {
        let caps = remote.capabilities
        if spec.mask != nil, !caps.contains("inpaint") {
            throw RPCError.invalidParams("\(remote.name) does not inpaint (it can: \(caps.joined(separator: ", "))); pick a model with inpaint in `artfactory models list`", field: "mask")
        }
        if spec.source != nil, spec.mask == nil, !caps.contains("img2img") {
            throw RPCError.invalidParams("\(remote.name) does not take a source image (it can: \(caps.joined(separator: ", "))); pick a model with img2img in `artfactory models list`", field: "source")
        }
        if spec.sampler != nil, remote.provider != "civitai", !ProviderHub.isServerKind(remote.provider) {
            throw RPCError.invalidParams("\(remote.provider) models choose their own sampler; pass a model-specific one with --param if the model has one", field: "sampler")
        }
        if let extra = passThrough {
            guard extra.count <= 64 else { throw RPCError.invalidParams("at most 64 params may be passed through", field: "params") }
            for key in extra.keys where key.isEmpty || key.count > 64 {
                throw RPCError.invalidParams("a passed-through param name must be 1-64 characters", field: "params")
            }
        }
        let hub = try hub()
        if ProviderHub.isServerKind(remote.provider) {
            if hub.servers.servers(remote.provider).isEmpty {
                throw ServerError.noServer(kind: remote.provider, detail: "no \(remote.provider) server is configured; add one to providers.\(remote.provider).servers in config.json (see docs/providers.md)").rpcError
            }
            if let name = passThrough?["workflow"] {
                guard remote.provider == "comfyui", let text = name.stringValue, hub.servers.profile("comfyui").workflows[text] != nil else {
                    let known = hub.servers.profile("comfyui").workflows.keys.sorted()
                    throw RPCError.invalidParams("workflow must name a workflow registered in providers.comfyui.workflows"
                                                 + (known.isEmpty ? " (none is)" : " (\(known.joined(separator: ", ")))"), field: "params")
                }
            }
        } else {
            guard hub.keys.key(for: remote.provider) != nil else { throw ProviderError.noKey(provider: remote.provider).rpcError }
        }
        let estimate = try hub.estimate(remote, count: spec.count)
        if !estimate.allowed {
            throw RPCError(code: RPCErrorCode.limitExceeded, message: "Refused: \(estimate.reason ?? "a daily limit would be exceeded").",
                           data: ["kind": "limitExceeded", "provider": .string(remote.provider)])
        }
        spec.provider = remote.provider
        spec.remoteModel = remote.settings
        spec.remoteParams = passThrough
        spec.model = remote.name
        spec.modelPath = ""
        spec.upscale = 1
        spec.upscaler = nil
        spec.upscalerPath = nil
        spec.estimatedCost = estimate.estimatedCost
    }

    /// `upscale` overrides the preset's factor; a factor above 1 picks the named (or default) learned
    /// upscaler, recorded in the spec so a retry uses the same one.
    private func applyUpscaler(_ params: Generate.Params, to spec: inout GenerationSpec) throws {
        if let factor = params.upscale {
            guard [1, 2, 4].contains(factor) else { throw RPCError.invalidParams("upscale must be 1, 2 or 4 (got \(factor))", field: "upscale") }
            guard spec.refineFactor == nil || factor == 4 else {
                throw RPCError.invalidParams("the ultra preset always upscales 4×; drop upscale or choose the high preset", field: "upscale")
            }
            spec.upscale = factor
        }
        if params.upscaler != nil, spec.upscale == 1 {
            throw RPCError.invalidParams("upscaler needs an enlargement: pass upscale 2 or 4, or the high or ultra preset", field: "upscaler")
        }
        guard spec.upscale > 1, let upscalers, let entry = try upscalers.resolve(params.upscaler) else { return }
        spec.upscaler = entry.name
        spec.upscalerPath = entry.path
    }

    private struct Probed {
        var path: String
        var width: Int
        var height: Int
        var generationId: String?
    }

    /// A source given as a gallery asset id or an absolute file path.
    private func resolveSource(_ source: String) throws -> Probed {
        if source.hasPrefix("img_") {
            let asset = try CatalogErrors.map { try catalog.asset(source) }
            let path = (galleryDir as NSString).appendingPathComponent(asset.path)
            var info = try probe(path, field: "source")
            info.generationId = asset.generationId
            return info
        }
        return try probe(source, field: "source")
    }

    private func probe(_ path: String, field: String) throws -> Probed {
        guard path.hasPrefix("/") else {
            throw RPCError(code: RPCErrorCode.pathNotAllowed, message: "\(field) must be an absolute path (got '\(path)').",
                           data: ["kind": "pathNotAllowed", "path": .string(field)])
        }
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDir), !isDir.boolValue else {
            throw RPCError(code: RPCErrorCode.invalidFile, message: "\(field) '\(path)' does not exist or is not a file; give the path of a PNG, JPEG or WebP image.",
                           data: ["kind": "invalidFile", "path": .string(field)])
        }
        do {
            let info = try ImageProbe().probe(fileAt: URL(fileURLWithPath: real))
            return Probed(path: real, width: info.width, height: info.height)
        } catch {
            throw RPCError(code: RPCErrorCode.invalidFile, message: "\(field) '\(path)' is not an image we can read (\(error)); give a PNG, JPEG or WebP file.",
                           data: ["kind": "invalidFile", "path": .string(field)])
        }
    }

    private func checkReferences(project: String?, session: String?, parent: String?) throws {
        if let project { _ = try CatalogErrors.map { try catalog.project(project) } }
        if let session { _ = try CatalogErrors.map { try catalog.session(session) } }
        if let parent { _ = try CatalogErrors.map { try catalog.generation(parent) } }
    }
}
