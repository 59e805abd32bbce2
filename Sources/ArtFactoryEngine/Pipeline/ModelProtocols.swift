/// The three model roles a diffusion pipeline composes. The concrete models in `Models/`
/// (CLIPTextModel, UNet2DConditionModel, AutoencoderKL) conform to these; the pipeline and the
/// schedulers only ever see these protocols, so each side can be tested on its own.

/// Turns token ids into the hidden states a denoiser attends to.
public protocol TextEncoding: Sendable {
    /// Width of one token's embedding (768 for SD 1.x, 1024 for SD 2.x).
    var hiddenSize: Int { get }
    /// Encodes a batch of token-id rows (each already padded to the model's window, 77 for CLIP).
    /// - Parameter clipSkip: 1 = last layer (the default); 2 = penultimate layer, and so on.
    /// - Returns: hidden states shaped `[batch, tokens, hiddenSize]`, after the final layer norm.
    func encode(tokenIDs: [[Int32]], clipSkip: Int) throws -> Tensor
}

/// Predicts noise (or velocity / x0, as the model was trained) for a noisy latent.
public protocol NoisePredicting: Sendable {
    /// Channels the model takes in: 4 for ordinary checkpoints, 9 for inpainting ones.
    var inChannels: Int { get }
    /// Channels the model returns (4).
    var outChannels: Int { get }
    /// One forward pass.
    /// - Parameters:
    ///   - sample: `[batch, inChannels, h, w]` latents.
    ///   - timestep: the scheduler's (possibly fractional) timestep, the same for every batch row.
    ///   - context: `[batch, tokens, crossAttentionDim]` text hidden states.
    /// - Returns: `[batch, outChannels, h, w]`.
    func predict(sample: Tensor, timestep: Float, context: Tensor) throws -> Tensor
    /// Width of the added conditioning SDXL UNets take (`projection_class_embeddings_input_dim`), or
    /// `nil` for UNets without it.
    var addedConditionInputs: Int? { get }
    /// One forward pass with SDXL's added conditions (`nil` for other UNets).
    func predict(sample: Tensor, timestep: Float, context: Tensor, conditions: AddedConditions?) throws -> Tensor
}

extension NoisePredicting {
    public var addedConditionInputs: Int? { nil }

    public func predict(sample: Tensor, timestep: Float, context: Tensor, conditions: AddedConditions?) throws -> Tensor {
        guard conditions == nil else { throw EngineError.badInput("this denoiser takes no added conditions") }
        return try predict(sample: sample, timestep: timestep, context: context)
    }
}

/// SDXL's `added_cond_kwargs`: one row per batch row of the UNet input.
public struct AddedConditions: Sendable, Equatable {
    /// The pooled, projected output of the second text encoder, `[batch, projectionDim]`.
    public var textEmbeds: Tensor
    /// `[batch, 6]`: original height, width, crop top, left, target height, width (a refiner's 5:
    /// original size, crop, aesthetic score).
    public var timeIDs: Tensor

    public init(textEmbeds: Tensor, timeIDs: Tensor) {
        self.textEmbeds = textEmbeds
        self.timeIDs = timeIDs
    }
}

/// Maps images to latents and back.
public protocol LatentAutoencoding: Sendable {
    /// Multiplier applied to latents after encoding and divided out before decoding (0.18215 for SD 1.x).
    var scalingFactor: Float { get }
    /// Spatial reduction (8 for SD): latents are `image / downsampleFactor` on each side.
    var downsampleFactor: Int { get }
    /// Latent channels (4 for SD).
    var latentChannels: Int { get }
    /// Encodes `[batch, 3, H, W]` images in [-1, 1] to the latent distribution (unscaled).
    func encode(image: Tensor) throws -> (mean: Tensor, logVariance: Tensor)
    /// Decodes unscaled latents `[batch, latentChannels, h, w]` to images in roughly [-1, 1].
    func decode(latents: Tensor) throws -> Tensor
}
