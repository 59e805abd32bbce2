/// Which ESRGAN-family network a weights file holds, with its sizes, all inferred from the tensor
/// names and shapes (no configuration file exists for these models).
public enum UpscalerArchitecture: Sendable, Equatable {
    /// ESRGAN / Real-ESRGAN RRDBNet: `blocks` RRDBs of three dense blocks, `upsamples` nearest-2x
    /// stages, with the input pixel-unshuffled by `unshuffle` (2 for x2plus, 4 for x1).
    case rrdbNet(features: Int, growth: Int, blocks: Int, upsamples: Int, unshuffle: Int, inChannels: Int, outChannels: Int)
    /// Real-ESRGAN SRVGGNetCompact: `convs` hidden 3x3 convolutions with PReLU, a pixel shuffle by
    /// `scale`, plus the nearest-upsampled input.
    case compact(features: Int, convs: Int, scale: Int, inChannels: Int, outChannels: Int)

    /// Output size / input size.
    public var scale: Int {
        switch self {
        case .rrdbNet(_, _, _, let upsamples, let unshuffle, _, _): return (1 << upsamples) / unshuffle
        case .compact(_, _, let scale, _, _): return scale
        }
    }

    /// `"RRDBNet"` or `"SRVGGNetCompact"`.
    public var name: String {
        switch self {
        case .rrdbNet: return "RRDBNet"
        case .compact: return "SRVGGNetCompact"
        }
    }

    /// Approximate multiply-adds per input pixel, for choosing the fastest installed upscaler.
    public var costPerInputPixel: Int {
        switch self {
        case .rrdbNet(let f, let g, let b, let ups, let r, let cin, let cout):
            let lowArea = 1.0 / Double(r * r)
            var perLow = Double(cin * r * r * f * 9)
            perLow += Double(b * 3) * Double((0..<5).reduce(0) { $0 + (f + $1 * g) * ($1 == 4 ? f : g) } * 9)
            perLow += Double(f * f * 9)
            var cost = perLow * lowArea
            var area = lowArea
            for _ in 0..<ups { area *= 4; cost += area * Double(f * f * 9) }
            cost += area * Double(f * f * 9 + f * cout * 9)
            return Int(cost)
        case .compact(let f, let n, let s, let cin, let cout):
            return 9 * (cin * f + n * f * f + f * cout * s * s)
        }
    }

    /// Recognises the architecture from weight names and shapes.
    /// - Throws: `EngineError` `upscaler.architecture` when no supported layout matches.
    static func infer(_ weights: UpscalerWeights) throws -> UpscalerArchitecture {
        let path = weights.path
        if let first = weights.shape("conv_first.weight"), first.count == 4 {
            let blocks = Set(weights.tensors.keys.compactMap { key -> Int? in
                let parts = key.split(separator: ".")
                return parts.count > 2 && parts[0] == "body" && parts[2] == "rdb1" ? Int(parts[1]) : nil
            }).count
            guard let growthShape = weights.shape("body.0.rdb1.conv1.weight"), let last = weights.shape("conv_last.weight"),
                  weights.shape("conv_hr.weight") != nil, weights.shape("conv_body.weight") != nil else {
                throw EngineError.unknownUpscaler(path, "The RRDBNet weights lack body.0.rdb1.conv1, conv_body, conv_hr or conv_last")
            }
            var upsamples = 0
            while weights.shape("conv_up\(upsamples + 1).weight") != nil { upsamples += 1 }
            let outChannels = last[0]
            let inChannels = outChannels
            let ratio = first[1] / max(1, inChannels)
            let unshuffle = ratio == 16 ? 4 : ratio == 4 ? 2 : 1
            guard inChannels * unshuffle * unshuffle == first[1], (1 << upsamples) >= unshuffle else {
                throw EngineError.unknownUpscaler(path, "conv_first takes \(first[1]) channels, which no RRDBNet input layout explains")
            }
            return .rrdbNet(features: first[0], growth: growthShape[0], blocks: blocks, upsamples: upsamples,
                            unshuffle: unshuffle, inChannels: inChannels, outChannels: outChannels)
        }
        if let first = weights.shape("body.0.weight"), first.count == 4 {
            let convIndices = weights.tensors.keys.compactMap { key -> Int? in
                let parts = key.split(separator: ".")
                guard parts.count == 3, parts[0] == "body", parts[2] == "weight", let i = Int(parts[1]),
                      weights.tensors[key]?.rank == 4 else { return nil }
                return i
            }.sorted()
            guard convIndices.count >= 2, let lastIndex = convIndices.last, let last = weights.shape("body.\(lastIndex).weight") else {
                throw EngineError.unknownUpscaler(path, "The SRVGGNetCompact weights have fewer than two convolutions")
            }
            guard convIndices == Array(stride(from: 0, through: lastIndex, by: 2)),
                  (0..<(convIndices.count - 1)).allSatisfy({ weights.shape("body.\(2 * $0 + 1).weight") != nil }) else {
                throw EngineError.unknownUpscaler(path, "The SRVGGNetCompact weights lack PReLU slopes between convolutions (only act_type='prelu' is supported)")
            }
            let inChannels = first[1], outChannels = inChannels
            let squared = last[0] / max(1, outChannels)
            let scale = Int(Double(squared).squareRoot().rounded())
            guard scale >= 1, scale * scale * outChannels == last[0] else {
                throw EngineError.unknownUpscaler(path, "The last convolution gives \(last[0]) channels, not channels x scale²")
            }
            return .compact(features: first[0], convs: convIndices.count - 2, scale: scale, inChannels: inChannels, outChannels: outChannels)
        }
        throw EngineError.unknownUpscaler(path, "No conv_first, model.0 or body.0 weight was found")
    }
}
