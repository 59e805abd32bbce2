/// The residual block of the UNet and the VAE (diffusers' `ResnetBlock2D`):
/// `GroupNorm → SiLU → conv3x3 (+ time embedding) → GroupNorm → SiLU → conv3x3`, plus a 1x1
/// shortcut when the channel count changes.
struct ResnetBlock2D: Sendable {
    let norm1: GroupNorm
    var conv1: Conv2d
    var timeEmbeddingProjection: Linear?
    let norm2: GroupNorm
    var conv2: Conv2d
    var shortcut: Conv2d?

    /// - Parameter timeEmbeddingChannels: width of the time embedding, or nil for the VAE's blocks.
    init(_ weights: WeightSource, in inChannels: Int, out outChannels: Int, timeEmbeddingChannels: Int?,
         groups: Int, epsilon: Float) throws {
        norm1 = try GroupNorm(weights, "norm1", channels: inChannels, groups: groups, epsilon: epsilon)
        conv1 = try Conv2d(weights, "conv1", in: inChannels, out: outChannels)
        timeEmbeddingProjection = try timeEmbeddingChannels.map {
            try Linear(weights, "time_emb_proj", in: $0, out: outChannels)
        }
        norm2 = try GroupNorm(weights, "norm2", channels: outChannels, groups: groups, epsilon: epsilon)
        conv2 = try Conv2d(weights, "conv2", in: outChannels, out: outChannels)
        shortcut = inChannels == outChannels ? nil
            : try Conv2d(weights, "conv_shortcut", in: inChannels, out: outChannels, kernel: 1)
    }

    /// - Parameters: `x` `[B, Cin, H, W]`; `timeEmbedding` `[B, T]` already passed through SiLU.
    func callAsFunction(_ x: Tensor, timeEmbedding: Tensor? = nil) -> Tensor {
        var h = conv1(norm1(x, silu: true))
        if let projection = timeEmbeddingProjection, let timeEmbedding {
            Elementwise.addChannelBias(&h, projection(timeEmbedding).data, perBatch: true)
        }
        h = conv2(norm2(h, silu: true))
        return Elementwise.add(shortcut.map { $0(x) } ?? x, h)
    }

    /// The same for a block without a time embedding, reusing `x`'s storage (left empty) where the block
    /// changes width (the VAE decoder's 512→256 and 256→128 at full size): the shortcut first, then the
    /// input normalised in place and dropped after conv1, so three full-size tensors are never alive at once.
    func callAsFunction(taking x: inout Tensor) -> Tensor {
        guard let shortcut, timeEmbeddingProjection == nil else { return self(x) }
        let skip = shortcut(x)
        norm1.apply(&x, silu: true)
        var h = conv1(x)
        x = Tensor(shape: [0])
        h = conv2(norm2(h, silu: true))
        return Elementwise.add(skip, h)
    }

    var byteCount: Int {
        norm1.byteCount + conv1.byteCount + (timeEmbeddingProjection?.byteCount ?? 0) + norm2.byteCount
            + conv2.byteCount + (shortcut?.byteCount ?? 0)
    }
}
