import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory generate "prompt" [options] [--wait]`: queue a generation, optionally follow it.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate images from a prompt (queued in the daemon; --wait follows it to the end).",
        discussion: """
        Prints the job id at once, or with --wait a live progress bar (on a terminal) and the PNG paths.
        --json prints {generationId, jobId, status, images:[{path, thumbnail, seed, width, height}]}.
        Presets: draft (15 steps), standard (28), high (40 + 2x upscale), ultra (50 + 4x upscale, then the whole 4x
        image refined with image-to-image at --refine-strength, default 0.3, in cross-faded tiles of the base size;
        --refine-max-side N refines in one pass at most N px a side instead).
        --template NAME applies a saved template's parameters (explicit options win) and fills its {{placeholders}}
        from --var name=value. --preview-every N attaches a small PNG preview to job.progress notifications
        every N steps, for plugins that show them (see docs/protocol.md); the CLI's progress bar stays text.
                Remote models are named provider:model-id (`--model fal:fal-ai/fast-sdxl`, see `artfactory models list`); \
        --param key=value passes provider-specific settings through (value parsed as JSON when it is JSON, else a string); \
        --estimate shows the cost estimate and today's limits.
        """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The prompt (at most 500 characters; {a|b} and __wildcard__ syntax is expanded).")
    var prompt: String?

    @Option(help: "Model name (see `artfactory models list`).") var model: String?
    @Option(help: "Images to make (1-16, default 4).") var count: Int?
    @Option(help: "Width in pixels (multiple of 8).") var width: Int?
    @Option(help: "Height in pixels (multiple of 8).") var height: Int?
    @Option(help: "Denoising steps.") var steps: Int?
    @Option(help: "Guidance scale (default 7.5).") var guidance: Double?
    @Option(help: "Sampler: ddim, euler, euler-a, dpm++2m, lcm.") var sampler: String?
    @Option(help: "Seed of the first image (random when absent).") var seed: Int64?
    @Option(help: "Quality preset: draft, standard, high, ultra.") var preset: String?
    @Option(help: "Negative prompt.") var negative: String?
    @Option(help: "Project id.") var project: String?
    @Option(help: "Collection id for every image.") var collection: String?
    @Option(help: "Style profile id (default: the project's profile).") var profile: String?
    @Flag(name: .customLong("no-profile"), help: "Apply no style profile, not even the project's.") var noProfile = false
    @Option(name: .customLong("lora"), help: ArgumentHelp("LoRA to apply, name or name:weight (repeatable; negative weights subtract).", valueName: "name[:weight]"))
    var loras: [String] = []
    @Flag(name: .customLong("no-brand-lora"), help: "Do not apply the project's brand LoRA.") var noBrandLora = false
    @Option(name: .customLong("tag"), help: "Tag for every image (repeatable).") var tags: [String] = []
    @Option(help: "Session id.") var session: String?
    @Option(help: "Parent generation id.") var parent: String?
    @Option(help: "Source image (absolute path or asset id) for image-to-image.") var source: String?
    @Option(help: "Inpainting mask (absolute path, same size as the source).") var mask: String?
    @Option(help: "Image-to-image strength 0-1.") var strength: Double?
    @Option(help: "Repeat generation ID with new seeds.") var again: String?
    @Option(help: "Reproduce generation ID exactly.") var reorder: String?
    @Option(help: "Saved template (name or id); its parameters apply under the explicit options.") var template: String?
    @Option(name: .customLong("var"), help: "Template placeholder value, name=value (repeatable).") var vars: [String] = []
    @Option(help: "Enlarge each image 2x or 4x (overrides the preset's; 1 = not at all).") var upscale: Int?
    @Option(help: "Learned upscaler for the enlargement (see `artfactory upscalers list`; default: the configured or fastest one, else Lanczos).")
    var upscaler: String?
    @Option(help: "Engine arithmetic: auto, f32, bf16 or int8 (bf16 needs a CPU with AVX-512 BF16 or AMX; int8, the opt-in fast path, AVX2 and is fastest with VNNI or AMX; default: the model's setting, auto, which never picks int8).")
    var precision: String?
    @Option(help: "Ultra: strength of the refining pass (0.05-1, default 0.3).") var refineStrength: Double?
    @Option(help: "Ultra: refine in one pass at most this many px a side instead of tiles at the full 4x.") var refineMaxSide: Int?
    @Option(help: "Attach a small preview to job.progress every N steps.") var previewEvery: Int?
    @Option(help: "SDXL: the refiner model that finishes each image, or none (default: Ultra uses the configured or only installed refiner).")
    var refiner: String?
    @Option(help: "With a refiner: the share of the schedule the base denoises (0.5-0.95, default 0.8).") var refinerHandoff: Double?
    @Option(help: "With a refiner: its aesthetic score (0-10, default 6).") var aestheticScore: Double?
    @Option(name: .customLong("param"), help: ArgumentHelp("Remote models: provider parameter key=value (repeatable).", valueName: "key=value"))
    var passThrough: [String] = []
    @Option(name: .customLong("slider"), help: ArgumentHelp("Style-profile slider position for this request, name=0..100 (repeatable; 0 drops its term).", valueName: "name=position"))
    var sliders: [String] = []
    @Flag(help: "Wait for the images and print their paths.") var wait = false
    @Flag(help: "Only show each preset's estimated time for these settings; queue nothing.") var estimate = false

    func validate() throws {
        if prompt == nil && again == nil && reorder == nil && template == nil && !estimate {
            throw ValidationError("Give a prompt, a --template, or --again/--reorder with a generation id.")
        }
        _ = try Self.parseVars(vars)
        _ = try Self.parseParams(passThrough)
        _ = try Self.parseSliders(sliders)
    }

    /// `name=position` pairs, positions 0...100.
    static func parseSliders(_ pairs: [String]) throws -> [String: Int]? {
        guard !pairs.isEmpty else { return nil }
        var out: [String: Int] = [:]
        for pair in pairs {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex,
                  let position = Int(pair[pair.index(after: eq)...]), (0...100).contains(position) else {
                throw ValidationError("--slider takes name=position with a position from 0 to 100 (got '\(pair)').")
            }
            out[String(pair[..<eq])] = position
        }
        return out
    }

    /// `name=value` pairs from `--var`.
    static func parseVars(_ pairs: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for pair in pairs {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw ValidationError("--var takes name=value (got '\(pair)').")
            }
            out[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
        }
        return out
    }

    /// `key=value` pairs; a value that parses as JSON (number, true, [..], {..}, "..") is sent as that JSON.
    static func parseParams(_ pairs: [String]) throws -> [String: JSONValue]? {
        guard !pairs.isEmpty else { return nil }
        var out: [String: JSONValue] = [:]
        for pair in pairs {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw ValidationError("--param takes key=value (got '\(pair)').")
            }
            let key = String(pair[..<eq]), raw = String(pair[pair.index(after: eq)...])
            out[key] = (try? JSONParser().parse(raw)) ?? .string(raw)
        }
        return out
    }

    static func isRemote(_ model: String?) -> Bool {
        guard let model, let colon = model.firstIndex(of: ":") else { return false }
        return ProviderNameParams.names.contains(String(model[..<colon]))
    }

    func run() throws {
        if estimate, Self.isRemote(model), let model {
            let r = try global.connect().call(ProviderEstimate.self, .init(model: model, count: count))
            return Self.printEstimate(r, global)
        }
        if estimate {
            let r = try global.connect().call(PresetList.self, .init(model: model, width: width, height: height, count: count,
                                                                     refineStrength: refineStrength, refineMaxSide: refineMaxSide))
            return PresetCommand.print(r, global)
        }
        var params = Generate.Params(prompt: prompt)
        params.negativePrompt = negative
        params.model = model
        params.count = count
        params.width = width
        params.height = height
        params.steps = steps
        params.guidance = guidance
        params.sampler = sampler
        params.seed = seed
        params.preset = preset
        params.project = project
        params.session = session
        params.parent = parent
        params.collection = collection
        params.profile = profile
        params.useProfile = noProfile ? false : nil
        params.loras = loras.isEmpty ? nil : try loras.map(Self.parseLora)
        params.useBrandLora = noBrandLora ? false : nil
        params.tags = tags.isEmpty ? nil : tags
        params.source = source.map(Self.absolute)
        params.mask = mask.map(Self.absolute)
        params.strength = strength
        params.again = again
        params.reorder = reorder
        params.template = template
        let values = try Self.parseVars(vars)
        params.vars = values.isEmpty ? nil : values
        params.sliders = try Self.parseSliders(sliders)
        params.upscale = upscale
        params.upscaler = upscaler
        params.precision = precision
        params.refineStrength = refineStrength
        params.refineMaxSide = refineMaxSide
        params.previewEvery = previewEvery
        params.refiner = refiner
        params.refinerHandoff = refinerHandoff
        params.aestheticScore = aestheticScore
        params.params = try Self.parseParams(passThrough)
        let client = try global.connect()
        let queued = try client.call(Generate.self, params)
        guard wait else {
            if global.json {
                Console.json(["jobId": .string(queued.jobId), "generationId": .string(queued.generationId), "status": "queued",
                              "seed": .int(queued.seed), "model": .string(queued.model), "images": []])
            } else if !global.quiet {
                if let cost = queued.estimatedCost, let provider = queued.provider {
                    Console.out(String(format: "Runs on %@; estimated cost $%.4f.", provider, cost))
                }
                Console.out("Queued \(queued.jobId) (generation \(queued.generationId), seed \(queued.seed), \(queued.position) ahead). Follow it with `artfactory jobs watch \(queued.jobId)`.")
            }
            return
        }
        if let cost = queued.estimatedCost, let provider = queued.provider, !global.quiet, !global.json {
            Console.error(String(format: "Runs on %@; estimated cost $%.4f.", provider, cost))
        }
        let follower = JobFollower(client: client, showProgress: Console.stderrIsTTY && !global.quiet && !global.json)
        let info = try follower.wait(for: queued.jobId)
        if global.json {
            Console.json(["jobId": .string(info.id), "generationId": .string(queued.generationId), "status": .string(info.status),
                          "error": info.error.map(JSONValue.string) ?? .null,
                          "images": .array(info.images.map { image in
                              ["path": .string(image.path), "thumbnail": image.thumbnail.map(JSONValue.string) ?? .null,
                               "seed": .int(image.seed), "width": .int(Int64(image.width)), "height": .int(Int64(image.height))]
                          })])
        } else {
            for image in info.images { Console.out(image.path) }
        }
        guard info.status == "succeeded" else {
            throw CLIFailure.failed("Generation \(info.status)\(info.error.map { ": \($0)" } ?? ".")")
        }
    }

    static func printEstimate(_ r: ProviderEstimate.Result, _ global: GlobalOptions) {
        if global.json { return Console.json((try? JSONValueEncoder().encode(r)) ?? .null) }
        Console.out(String(format: "%@: %d image(s) at ~$%.4f = ~$%.4f (estimate)", r.model, r.count, r.costPerImage, r.estimatedCost))
        var today = String(format: "Today (UTC) on %@: %d image(s), ~$%.4f", r.provider, r.imagesToday, r.costToday)
        if let n = r.dailyImages { today += "; limit \(n) images" }
        if let c = r.dailyCost { today += String(format: "; limit $%.2f", c) }
        Console.out(today + ".")
        Console.out(r.allowed ? "Within today's limits." : "Would be refused: \(r.reason ?? "a daily limit would be exceeded").")
    }

    /// Relative paths are taken from the current directory (the daemon requires absolute ones).
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") || path.hasPrefix("img_") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }
}
