/// diffusers' `Transformer2DModel` for spatial latents: GroupNorm, a projection in (1x1 convolution
/// for SD 1.x, linear for SD 2.x's `use_linear_projection`), transformer blocks over the `H*W` tokens,
/// a projection out and a residual connection.
struct Transformer2DModel: Sendable {
    let norm: GroupNorm
    var projectIn: Projection
    var blocks: [BasicTransformerBlock]
    var projectOut: Projection

    /// The two flavours of projection.
    enum Projection: Sendable {
        case convolution(Conv2d)
        case linear(Linear)

        var byteCount: Int {
            switch self {
            case .convolution(let c): c.byteCount
            case .linear(let l): l.byteCount
            }
        }
    }

    init(_ weights: WeightSource, channels: Int, heads: Int, layers: Int, contextDim: Int, groups: Int,
         linearProjection: Bool) throws {
        norm = try GroupNorm(weights, "norm", channels: channels, groups: groups, epsilon: 1e-6)
        if linearProjection {
            projectIn = .linear(try Linear(weights, "proj_in", in: channels, out: channels))
            projectOut = .linear(try Linear(weights, "proj_out", in: channels, out: channels))
        } else {
            projectIn = .convolution(try Conv2d(weights, "proj_in", in: channels, out: channels, kernel: 1))
            projectOut = .convolution(try Conv2d(weights, "proj_out", in: channels, out: channels, kernel: 1))
        }
        blocks = try (0..<layers).map {
            try BasicTransformerBlock(weights.scoped("transformer_blocks.\($0)"), dim: channels, heads: heads,
                                      contextDim: contextDim)
        }
    }

    /// `x` `[B, C, H, W]`, `context` `[B, M, contextDim]`.
    func callAsFunction(_ x: Tensor, context: Tensor) -> Tensor {
        let height = x.shape[2], width = x.shape[3]
        var h = norm(x)
        switch projectIn {
        case .convolution(let conv): h = Elementwise.channelsLast(conv(h))
        case .linear(let linear): h = linear(Elementwise.channelsLast(h))
        }
        for block in blocks { h = block(h, context: context) }
        switch projectOut {
        case .convolution(let conv): h = conv(Elementwise.channelsFirst(h, height: height, width: width))
        case .linear(let linear): h = Elementwise.channelsFirst(linear(h), height: height, width: width)
        }
        return Elementwise.add(h, x)
    }

    var byteCount: Int {
        norm.byteCount + projectIn.byteCount + projectOut.byteCount + blocks.reduce(0) { $0 + $1.byteCount }
    }
}
