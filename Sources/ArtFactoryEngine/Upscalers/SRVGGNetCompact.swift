/// Real-ESRGAN's compact VGG-style network (realesr-general-x4v3, realesr-animevideov3): a plain
/// stack of 3x3 convolutions with per-channel PReLU, a pixel shuffle by the scale, and the
/// nearest-upsampled input added so the network only learns the residual.
struct SRVGGNetCompact: Sendable {
    let convs: [Conv2d]
    /// PReLU slopes after every convolution but the last.
    let slopes: [[Float]]
    let scale: Int

    init(_ weights: UpscalerWeights, _ architecture: UpscalerArchitecture) throws {
        guard case .compact(let f, let n, let s, let cin, let cout) = architecture else {
            throw EngineError.unknownUpscaler(weights.path, "The weights are not an SRVGGNetCompact")
        }
        scale = s
        var convs = [try weights.conv("body.0", in: cin, out: f)]
        var slopes: [[Float]] = []
        for i in 0...n {
            guard let slope = weights.tensors["body.\(2 * i + 1).weight"], slope.count == f || slope.count == 1 else {
                throw EngineError.weightMismatch(weights.path, "PReLU \"body.\(2 * i + 1).weight\" is missing or not [\(f)]")
            }
            slopes.append(slope.data)
            convs.append(try weights.conv("body.\(2 * i + 2)", in: f, out: i == n ? cout * s * s : f))
        }
        self.convs = convs
        self.slopes = slopes
    }

    /// `[1, C, H, W]` in [0, 1] → `[1, C, H·s, W·s]`.
    func callAsFunction(_ x: Tensor) -> Tensor {
        var out = x
        for (i, conv) in convs.enumerated() {
            out = conv(out)
            if i < slopes.count { UpscalerKernels.prelu(&out, slopes: slopes[i]) }
        }
        out = UpscalerKernels.pixelShuffle(out, scale)
        let base = UpscalerKernels.upsampleNearest(x, scale)
        UpscalerKernels.scaledResidual(&out, scale: 1, residual: base)
        return out
    }
}
