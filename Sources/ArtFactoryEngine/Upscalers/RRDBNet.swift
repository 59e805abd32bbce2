/// ESRGAN's Residual-in-Residual Dense Block network (Wang et al. 2018), as Real-ESRGAN trains it:
/// `conv_first` → RRDB trunk → `conv_body` (+ skip) → nearest-2x + conv + LeakyReLU(0.2) per stage →
/// `conv_hr` + LeakyReLU → `conv_last`. x2/x1 models pixel-unshuffle their input by 2/4 first.
struct RRDBNet: Sendable {
    /// One residual dense block: five 3x3 convolutions over the growing concatenation of all earlier
    /// outputs; the result is scaled by 0.2 and added to the input.
    struct DenseBlock: Sendable {
        let convs: [Conv2d]
        let features: Int
        let growth: Int

        func callAsFunction(_ x: Tensor) -> Tensor {
            var stack = Tensor(shape: [1, features + 4 * growth, x.shape[2], x.shape[3]])
            UpscalerKernels.place(x, into: &stack, at: 0)
            for j in 0..<4 {
                var y = convs[j](UpscalerKernels.prefix(stack, channels: features + j * growth))
                UpscalerKernels.leakyReLU(&y, slope: 0.2)
                UpscalerKernels.place(y, into: &stack, at: features + j * growth)
            }
            var out = convs[4](stack)
            UpscalerKernels.scaledResidual(&out, scale: 0.2, residual: x)
            return out
        }
    }

    let convFirst: Conv2d
    /// `blocks` RRDBs of three dense blocks each.
    let trunk: [[DenseBlock]]
    let convBody: Conv2d
    let upsampling: [Conv2d]
    let convHR: Conv2d
    let convLast: Conv2d
    let unshuffle: Int

    init(_ weights: UpscalerWeights, _ architecture: UpscalerArchitecture) throws {
        guard case .rrdbNet(let f, let g, let blocks, let upsamples, let r, let cin, let cout) = architecture else {
            throw EngineError.unknownUpscaler(weights.path, "The weights are not an RRDBNet")
        }
        unshuffle = r
        convFirst = try weights.conv("conv_first", in: cin * r * r, out: f)
        trunk = try (0..<blocks).map { b in
            try (1...3).map { d in
                DenseBlock(convs: try (1...5).map { c in
                    try weights.conv("body.\(b).rdb\(d).conv\(c)", in: f + (c - 1) * g, out: c == 5 ? f : g)
                }, features: f, growth: g)
            }
        }
        convBody = try weights.conv("conv_body", in: f, out: f)
        upsampling = try (0..<upsamples).map { try weights.conv("conv_up\($0 + 1)", in: f, out: f) }
        convHR = try weights.conv("conv_hr", in: f, out: f)
        convLast = try weights.conv("conv_last", in: f, out: cout)
    }

    /// `[1, C, H, W]` in [0, 1] (H, W divisible by `unshuffle`) → `[1, C, H·s, W·s]`.
    func callAsFunction(_ x: Tensor) -> Tensor {
        let input = unshuffle > 1 ? UpscalerKernels.pixelUnshuffle(x, unshuffle) : x
        let feat = convFirst(input)
        var body = feat
        for rrdb in trunk {
            var y = body
            for block in rrdb { y = block(y) }
            UpscalerKernels.scaledResidual(&y, scale: 0.2, residual: body)
            body = y
        }
        var out = convBody(body)
        UpscalerKernels.scaledResidual(&out, scale: 1, residual: feat)
        for conv in upsampling {
            out = conv(UpscalerKernels.upsampleNearest(out, 2))
            UpscalerKernels.leakyReLU(&out, slope: 0.2)
        }
        out = convHR(out)
        UpscalerKernels.leakyReLU(&out, slope: 0.2)
        return convLast(out)
    }

    /// Renames the original ESRGAN repository's sequential keys (`model.0`, `model.1.sub.N.RDB1.conv1.0`,
    /// `model.1.sub.<blocks>`, `model.3`, `model.6`, `model.8`, `model.10`, ...) to Real-ESRGAN's names
    /// (`conv_first`, `body.N.rdb1.conv1`, `conv_body`, `conv_up1`, `conv_up2`, `conv_hr`, `conv_last`).
    /// Other weights are returned unchanged.
    static func modernizingKeys(_ weights: UpscalerWeights) -> UpscalerWeights {
        guard weights.tensors["model.0.weight"] != nil, weights.tensors["conv_first.weight"] == nil else { return weights }
        var renamed: [String: Tensor] = [:]
        // Top-level sequential convolutions after the trunk: up-convolutions, then HR conv, then the last.
        let tail = Set(weights.tensors.keys.compactMap { key -> Int? in
            let parts = key.split(separator: ".")
            guard parts.count == 3, parts[0] == "model", let i = Int(parts[1]), i >= 2 else { return nil }
            return i
        }).sorted()
        var tailNames: [Int: String] = [:]
        for (position, index) in tail.enumerated() {
            if position == tail.count - 1 { tailNames[index] = "conv_last" }
            else if position == tail.count - 2 { tailNames[index] = "conv_hr" }
            else { tailNames[index] = "conv_up\(position + 1)" }
        }
        for (key, value) in weights.tensors {
            let parts = key.split(separator: ".").map(String.init)
            var name = key
            if parts.count == 3, parts[0] == "model", parts[1] == "0" {
                name = "conv_first.\(parts[2])"
            } else if parts.count == 3, parts[0] == "model", let i = Int(parts[1]), let mapped = tailNames[i] {
                name = "\(mapped).\(parts[2])"
            } else if parts.count == 5, parts[0] == "model", parts[1] == "1", parts[2] == "sub" {
                name = "conv_body.\(parts[4])"
            } else if parts.count == 8, parts[0] == "model", parts[1] == "1", parts[2] == "sub", parts[6] == "0" {
                // model.1.sub.N.RDBk.convj.0.weight → body.N.rdbk.convj.weight
                name = "body.\(parts[3]).\(parts[4].lowercased()).\(parts[5]).\(parts[7])"
            }
            renamed[name] = value
        }
        return UpscalerWeights(path: weights.path, tensors: renamed)
    }
}
