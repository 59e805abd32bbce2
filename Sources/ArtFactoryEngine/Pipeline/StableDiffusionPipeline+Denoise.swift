import Foundation

extension StableDiffusionPipeline {
    /// Source-image state for image-to-image and inpainting.
    private struct ImageConditioning {
        /// Scaled latents of the source image (4-channel inpainting blends them back each step).
        var imageLatents: Tensor?
        /// The noise the start latents were made from (re-used to noise `imageLatents` while blending).
        var noise: Tensor
        /// Latent-resolution mask, `[1, 1, h, w]`, 1 = repaint.
        var mask: Tensor?
        /// Scaled latents of the masked source image (9-channel inpainting input).
        var maskedImageLatents: Tensor?
    }

    /// Runs the denoising loop for one image and returns its final (scaled) latents.
    func denoise(_ r: GenerationRequest, context: Tensor, added: AddedConditions? = nil, guided: Bool, seed: UInt64,
                 imageIndex: Int, timings: inout StageTimings, progress: GenerationProgressHandler?) throws -> Tensor {
        let clock = ContinuousClock()
        let scheduler = try makeScheduler(r)
        try scheduler.setTimesteps(r.steps)
        let generator = TorchGenerator(seed: seed)
        let f = vae.downsampleFactor
        let shape = [1, vae.latentChannels, r.height / f, r.width / f]

        // Timesteps: image-to-image and inpainting skip the first (1 - strength) of the schedule
        // (diffusers' get_timesteps), and tell the scheduler where they start.
        let timesteps = try scheduledTimesteps(r, scheduler: scheduler)

        var latents: Tensor
        var conditioning: ImageConditioning?
        if let given = r.initLatents?[imageIndex] {
            // Latents from an earlier stage (or the caller): noised to the first timestep unless this
            // run continues where that stage stopped (denoisingStart), as diffusers' add_noise.
            if r.denoisingStart != nil {
                latents = given
            } else {
                let noise = try generator.randn(shape)
                latents = try scheduler.addNoise(original: given, noise: noise, timestep: timesteps[0])
            }
        } else if let image = r.initImage {
            let encodeStart = clock.now
            if r.denoisingStart != nil {
                latents = try encodeSample(image.tensor(), generator: generator)
            } else {
                let prepared = try prepareImageLatents(r, image: image, scheduler: scheduler, firstTimestep: timesteps[0],
                                                       shape: shape, generator: generator)
                latents = prepared.latents
                conditioning = prepared.conditioning
            }
            timings.imageEncode += seconds(clock.now - encodeStart)
        } else {
            latents = SchedulerMath.scale(try generator.randn(shape), scheduler.initNoiseSigma)
        }

        let loopStart = clock.now
        defer { timings.denoise += seconds(clock.now - loopStart) }
        let rows = guided ? 2 : 1
        for (i, t) in timesteps.enumerated() {
            var input = try scheduler.scaleModelInput(latents, timestep: t)
            if let conditioning, unet.inChannels == 2 * vae.latentChannels + 1,
               let mask = conditioning.mask, let masked = conditioning.maskedImageLatents {
                input = try Tensor.concatenate(channels: [input, mask, masked])
            }
            let batchInput = rows == 2 ? try Tensor.concatenate(batch: [input, input]) : input
            let output = try unet.predict(sample: batchInput, timestep: t, context: context, conditions: added)
            let expected = [rows, unet.outChannels, shape[2], shape[3]]
            guard output.shape == expected, unet.outChannels == shape[1] else {
                throw EngineError.modelShape("UNet output", expected: expected, got: output.shape)
            }
            var prediction = output
            if guided {
                // uncond + g · (cond − uncond)
                prediction = Self.guide(output, scale: r.guidanceScale)
            }
            latents = try scheduler.step(modelOutput: prediction, timestep: t, sample: latents, generator: generator)
            if let conditioning, unet.inChannels == vae.latentChannels, let mask = conditioning.mask,
               let imageLatents = conditioning.imageLatents {
                // Latent blending for ordinary checkpoints: keep the source outside the mask, noised to
                // the level of the next timestep.
                var known = imageLatents
                if i < timesteps.count - 1 {
                    known = try scheduler.addNoise(original: imageLatents, noise: conditioning.noise, timestep: timesteps[i + 1])
                }
                latents = try Self.blend(known: known, generated: latents, mask: mask)
            }
            if Task.isCancelled { throw CancellationError() }
            if let progress {
                let keepGoing = try progress(GenerationProgress(imageIndex: imageIndex, step: i + 1,
                                                                totalSteps: timesteps.count, timestep: t, latents: latents))
                if !keepGoing { throw CancellationError() }
            }
        }
        return latents
    }

    /// The timesteps one image runs, after `strength`, `denoisingStart` and `denoisingEnd` cut the
    /// schedule (telling the scheduler where it begins).
    func scheduledTimesteps(_ r: GenerationRequest, scheduler: any Scheduler) throws -> [Float] {
        for (name, value) in [("denoisingEnd", r.denoisingEnd), ("denoisingStart", r.denoisingStart)] {
            if let value, !(value > 0 && value < 1) {
                throw EngineError.badRequest("\(name) must be strictly between 0 and 1, got \(value)")
            }
        }
        var timesteps = scheduler.timesteps
        var startIndex = 0
        let trainSteps = Double(schedulerConfig.numTrainTimesteps ?? 1000)
        if let start = r.denoisingStart {
            // The second of two stages (diffusers' get_timesteps with denoising_start): the timesteps
            // below the cut, one more for a second-order scheduler cut mid-step; strength is ignored.
            let cutoff = Float(Int((trainSteps - start * trainSteps).rounded(.toNearestOrEven)))
            var count = timesteps.filter { $0 < cutoff }.count
            if scheduler.order == 2 && count % 2 == 0 { count += 1 }
            startIndex = timesteps.count - count
            guard count > 0, startIndex >= 0 else {
                throw EngineError.badRequest("denoisingStart \(start) with \(r.steps) steps leaves no step to run; raise steps or lower it")
            }
            timesteps = Array(timesteps[startIndex...])
            scheduler.setBeginIndex(startIndex)
        } else if r.initImage != nil || r.initLatents != nil {
            let strength = r.effectiveStrength
            let initSteps = min(Int(Double(r.steps) * strength), r.steps)
            startIndex = max(r.steps - initSteps, 0) * scheduler.order
            guard startIndex < timesteps.count else {
                throw EngineError.badRequest("strength \(strength) with \(r.steps) steps leaves no step to run; raise either")
            }
            timesteps = Array(timesteps[startIndex...])
            scheduler.setBeginIndex(startIndex)
        }
        if let end = r.denoisingEnd {
            // The first of two stages (diffusers' denoising_end): the timesteps at or above the cut.
            let cutoff = Float(Int((trainSteps - end * trainSteps).rounded(.toNearestOrEven)))
            let count = timesteps.filter { $0 >= cutoff }.count
            guard count > 0 else {
                throw EngineError.badRequest("denoisingEnd \(end) with \(r.steps) steps leaves no step to run; raise steps or denoisingEnd")
            }
            timesteps = Array(timesteps.prefix(count))
        }
        return timesteps
    }

    /// How many denoising steps each image of `request` runs (what progress counts to).
    public func plannedSteps(_ request: GenerationRequest) throws -> Int {
        let scheduler = try makeScheduler(request)
        try scheduler.setTimesteps(request.steps)
        return try scheduledTimesteps(request, scheduler: scheduler).count
    }

    /// Start latents (and inpainting inputs) from the source image, consuming the generator in
    /// diffusers' order: image encode sample, then noise, then the masked image's encode sample.
    private func prepareImageLatents(_ r: GenerationRequest, image: RGBImage, scheduler: any Scheduler,
                                     firstTimestep: Float, shape: [Int], generator: TorchGenerator)
        throws -> (latents: Tensor, conditioning: ImageConditioning) {
        let imageTensor = image.tensor()
        guard let maskImage = r.mask else {
            // Image-to-image: latent_dist.sample(generator) · scaling, then add_noise at the first timestep.
            let imageLatents = try encodeSample(imageTensor, generator: generator)
            let noise = try generator.randn(shape)
            let latents = try scheduler.addNoise(original: imageLatents, noise: noise, timestep: firstTimestep)
            return (latents, ImageConditioning(imageLatents: imageLatents, noise: noise))
        }
        let fullStrength = r.effectiveStrength >= 1
        let blending = unet.inChannels == vae.latentChannels
        var imageLatents: Tensor?
        if blending || !fullStrength {
            imageLatents = try encodeSample(imageTensor, generator: generator)
        }
        let noise = try generator.randn(shape)
        let latents: Tensor
        if fullStrength {
            latents = SchedulerMath.scale(noise, scheduler.initNoiseSigma)
        } else {
            guard let imageLatents else { throw EngineError.badRequest("internal: source latents missing") }
            latents = try scheduler.addNoise(original: imageLatents, noise: noise, timestep: firstTimestep)
        }
        // masked_image = image · (mask < 0.5), encoded with the same generator.
        let binary = maskImage.binary()
        var masked = imageTensor
        let plane = r.width * r.height
        for c in 0..<3 {
            for i in 0..<plane where binary[i] >= 0.5 { masked.data[c * plane + i] = 0 }
        }
        let maskedLatents = try encodeSample(masked, generator: generator)
        let mask = maskImage.latentMask(height: shape[2], width: shape[3])
        return (latents, ImageConditioning(imageLatents: imageLatents, noise: noise, mask: mask, maskedImageLatents: maskedLatents))
    }

    /// `vae.encode(x).latent_dist.sample(generator) · scaling_factor`: mean + exp(logvar / 2) · ε.
    private func encodeSample(_ image: Tensor, generator: TorchGenerator) throws -> Tensor {
        let (mean, logVariance) = try vae.encode(image: image)
        guard mean.shape == logVariance.shape, mean.rank == 4, mean.shape[1] == vae.latentChannels else {
            throw EngineError.modelShape("VAE encoder output", expected: [1, vae.latentChannels, -1, -1], got: mean.shape)
        }
        let epsilon = try generator.randn(mean.shape)
        var out = mean
        for i in out.data.indices {
            let std = (0.5 * min(max(logVariance.data[i], -30), 20)).exp
            out.data[i] = (mean.data[i] + std * epsilon.data[i]) * vae.scalingFactor
        }
        return out
    }

    /// Classifier-free guidance on a `[2, c, h, w]` prediction: `uncond + g · (cond − uncond)`.
    static func guide(_ output: Tensor, scale g: Float) -> Tensor {
        let half = output.count / 2
        var out = Tensor(shape: [1] + output.shape.dropFirst(), repeating: 0)
        output.data.withUnsafeBufferPointer { p in
            out.data.withUnsafeMutableBufferPointer { o in
                for i in 0..<half { o[i] = p[i] + g * (p[half + i] - p[i]) }
            }
        }
        return out
    }

    /// `(1 − mask) · known + mask · generated`, the mask broadcast over channels.
    static func blend(known: Tensor, generated: Tensor, mask: Tensor) throws -> Tensor {
        guard known.shape == generated.shape, known.rank == 4,
              mask.shape == [1, 1, known.shape[2], known.shape[3]] else {
            throw EngineError.modelShape("Inpainting mask", expected: [1, 1, known.shape[2], known.shape[3]], got: mask.shape)
        }
        var out = generated
        let plane = known.shape[2] * known.shape[3]
        for c in 0..<(known.shape[0] * known.shape[1]) {
            for i in 0..<plane {
                let m = mask.data[i], k = c * plane + i
                out.data[k] = (1 - m) * known.data[k] + m * generated.data[k]
            }
        }
        return out
    }
}

extension Tensor {
    /// Concatenates `[1, c_i, h, w]` tensors along the channel axis.
    static func concatenate(channels parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first, first.rank == 4, first.shape[0] == 1 else {
            throw EngineError.badInput("channel concatenation needs [1, c, h, w] tensors")
        }
        var data: [Float] = []
        var channels = 0
        for part in parts {
            guard part.rank == 4, part.shape[0] == 1, part.shape[2] == first.shape[2], part.shape[3] == first.shape[3] else {
                throw EngineError.badInput("channel concatenation: \(part.shape) does not match \(first.shape)")
            }
            data += part.data
            channels += part.shape[1]
        }
        return Tensor(shape: [1, channels, first.shape[2], first.shape[3]], data: data)
    }
}

private extension Float {
    var exp: Float { Foundation.exp(self) }
}
