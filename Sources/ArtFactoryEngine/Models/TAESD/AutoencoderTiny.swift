import Foundation

/// TAESD / TAESDXL (diffusers' `AutoencoderTiny`, madebyollin's tiny autoencoder): a small
/// convolution-only decoder (and encoder) for SD-family latents, roughly 100× cheaper than the full
/// VAE. Used for progress previews and, when asked, for the final decode (Draft quality).
///
/// Loads a diffusers folder (`config.json` + `diffusion_pytorch_model.safetensors`) or the original
/// decoder file (`taesd_decoder.safetensors`, `taesdxl_decoder.safetensors`: the decoder's
/// `nn.Sequential` with a leading `Clamp`, so layer `i` is stored as `i + 1`).
public struct AutoencoderTiny: LatentDecoding {
    public let configuration: TinyAutoencoderConfiguration
    let decoder: [TinyLayer]
    let encoder: [TinyLayer]?

    /// Loads a diffusers folder or an original `*_decoder.safetensors` file.
    /// - Throws: `EngineError` for a missing or invalid config, weights file or weight.
    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EngineError.missingFile(path, what: "The tiny autoencoder (TAESD)")
        }
        if isDirectory.boolValue {
            let configPath = (path as NSString).appendingPathComponent("config.json")
            let configuration = try ConfigFile.load(TinyAutoencoderConfiguration.self, path: configPath, what: "The TAESD config.json")
            let file = try SafeTensorsFile(path: try ComponentFiles.weightsPath(in: path, names: ["diffusion_pytorch_model", "model"]))
            try self.init(configuration: configuration, weights: WeightSource(files: [file]))
            return
        }
        let file = try SafeTensorsFile(path: path)
        // Original layout: "<i+1>.<rest>" for decoder.layers.<i>.<rest>; read the width from the first conv.
        var names: [String: (key: String, rows: Range<Int>?)] = [:]
        var maxIndex = 0
        for key in file.entries.keys {
            guard let dot = key.firstIndex(of: "."), let index = Int(key[..<dot]), index >= 1 else {
                throw EngineError.weightMismatch(path, "\(key) is not a TAESD decoder weight (expected <index>.weight)")
            }
            maxIndex = max(maxIndex, index)
            names["decoder.layers.\(index - 1)." + key[key.index(after: dot)...]] = (key, nil)
        }
        guard let first = file.entries["1.weight"]?.shape, first.count == 4 else {
            throw EngineError.weightMismatch(path, "Weight \"1.weight\" (the first convolution) is missing; is this a TAESD decoder file?")
        }
        var configuration = TinyAutoencoderConfiguration()
        configuration.latentChannels = first[1]
        configuration.decoderBlockOutChannels = [Int](repeating: first[0], count: 4)
        // Count the blocks between upsamplers: indices with "<i>.conv.0.weight" are blocks; a gap after
        // index 2 (the ReLU) is an upsampler.
        var blocks: [Int] = [0]
        var index = 3
        while index <= maxIndex {
            if file.entries["\(index).conv.0.weight"] != nil {
                blocks[blocks.count - 1] += 1
            } else if file.entries["\(index).weight"] == nil {
                blocks.append(0)
            }
            index += 1
        }
        configuration.numDecoderBlocks = blocks
        configuration.decoderBlockOutChannels = [Int](repeating: first[0], count: blocks.count)
        configuration.numEncoderBlocks = [Int](repeating: 1, count: blocks.count)
        configuration.encoderBlockOutChannels = configuration.decoderBlockOutChannels
        try self.init(configuration: configuration, weights: WeightSource(file: file, renamed: names), decoderOnly: true)
    }

    /// Builds the coders from weights named as in diffusers (`decoder.layers.N…`, `encoder.layers.N…`).
    public init(configuration c: TinyAutoencoderConfiguration, weights: WeightSource, decoderOnly: Bool = false) throws {
        try c.validate(path: weights.path)
        configuration = c
        let d = weights.scoped("decoder.layers")
        var layers: [TinyLayer] = []
        func add(_ layer: TinyLayer) { layers.append(layer) }
        let width = c.decoderBlockOutChannels[0]
        add(.conv(try Conv2d(d, "0", in: c.latentChannels, out: width)))
        add(.relu)
        for (i, count) in c.numDecoderBlocks.enumerated() {
            let last = i == c.numDecoderBlocks.count - 1
            for _ in 0..<count { add(.block(try TinyBlock(d.scoped("\(layers.count)"), channels: width))) }
            if !last { add(.upsample) }
            add(.conv(try Conv2d(d, "\(layers.count)", in: width, out: last ? c.outChannels : width, bias: last)))
        }
        decoder = layers
        if decoderOnly || !weights.contains("encoder.layers.0.weight") {
            encoder = nil
            return
        }
        let e = weights.scoped("encoder.layers")
        layers = []
        let ew = c.encoderBlockOutChannels[0]
        for (i, count) in c.numEncoderBlocks.enumerated() {
            add(.conv(i == 0 ? try Conv2d(e, "0", in: c.inChannels, out: ew)
                             : try Conv2d(e, "\(layers.count)", in: ew, out: ew, stride: 2, bias: false)))
            for _ in 0..<count { add(.block(try TinyBlock(e.scoped("\(layers.count)"), channels: ew))) }
        }
        add(.conv(try Conv2d(e, "\(layers.count)", in: ew, out: c.latentChannels)))
        encoder = layers
    }

    public var scalingFactor: Float { configuration.scalingFactor }
    public var downsampleFactor: Int { configuration.downsampleFactor }
    public var latentChannels: Int { configuration.latentChannels }
    /// Whether the encoder was loaded (an original `*_decoder` file has none).
    public var hasEncoder: Bool { encoder != nil }

    /// Bytes of f32 parameters held in memory.
    public var byteCount: Int { (decoder + (encoder ?? [])).reduce(0) { $0 + $1.byteCount } }

    /// diffusers' `AutoencoderTiny.decode`: `tanh(x / 3) · 3`, the layers, then `2x − 1`.
    /// - Parameter latents: `[batch, latentChannels, h, w]` in TAESD space (the denoiser's latents / scaling_factor).
    public func decode(latents: Tensor) throws -> Tensor {
        guard latents.rank == 4, latents.shape[1] == latentChannels, latents.shape[2] > 0, latents.shape[3] > 0 else {
            throw EngineError.badInput("TAESD decodes latents [batch, \(latentChannels), h, w], got \(latents.shape)")
        }
        var x = latents
        for i in x.data.indices { x.data[i] = tanhf(x.data[i] / 3) * 3 }
        x = Self.run(decoder, x)
        for i in x.data.indices { x.data[i] = x.data[i] * 2 - 1 }
        return x
    }

    /// diffusers' `AutoencoderTiny.encode(...).latents` for `[batch, 3, H, W]` images in [-1, 1].
    public func encode(image: Tensor) throws -> Tensor {
        guard let encoder else { throw EngineError.badInput("this TAESD file holds only the decoder") }
        let f = downsampleFactor
        guard image.rank == 4, image.shape[1] == configuration.inChannels, image.shape[2] % f == 0, image.shape[3] % f == 0 else {
            throw EngineError.badInput("TAESD encodes images [batch, \(configuration.inChannels), H, W] with H and W multiples of \(f), got \(image.shape)")
        }
        var x = image
        for i in x.data.indices { x.data[i] = (x.data[i] + 1) / 2 }
        return Self.run(encoder, x)
    }

    public func decodeScaled(latents: Tensor) throws -> Tensor {
        try decode(latents: scalingFactor == 1 ? latents : SchedulerMath.scale(latents, 1 / scalingFactor))
    }

    private static func run(_ layers: [TinyLayer], _ input: Tensor) -> Tensor {
        if TinyChainNHWC.applies(layers), let y = TinyChainNHWC.run(layers, input) { return y }
        var x = input
        for layer in layers {
            switch layer {
            case .conv(let conv): x = conv(x)
            case .relu: TinyBlock.relu(&x)
            case .upsample: x = Elementwise.upsampleNearest2x(x)
            case .block(let block): x = block(x)
            }
        }
        return x
    }
}

/// One entry of TAESD's `nn.Sequential`.
enum TinyLayer: Sendable {
    case conv(Conv2d)
    case relu
    case upsample
    case block(TinyBlock)

    var byteCount: Int {
        switch self {
        case .conv(let c): c.byteCount
        case .block(let b): b.byteCount
        case .relu, .upsample: 0
        }
    }
}

/// diffusers' `AutoencoderTinyBlock` with equal widths: `relu(conv(relu(conv(relu(conv(x))))) + x)`.
struct TinyBlock: Sendable {
    let conv0: Conv2d
    let conv2: Conv2d
    let conv4: Conv2d

    init(_ weights: WeightSource, channels: Int) throws {
        conv0 = try Conv2d(weights, "conv.0", in: channels, out: channels)
        conv2 = try Conv2d(weights, "conv.2", in: channels, out: channels)
        conv4 = try Conv2d(weights, "conv.4", in: channels, out: channels)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = conv0(x)
        Self.relu(&h)
        h = conv2(h)
        Self.relu(&h)
        h = Elementwise.add(conv4(h), x)
        Self.relu(&h)
        return h
    }

    static func relu(_ x: inout Tensor) {
        x.data.withUnsafeMutableBufferPointer { p in for i in p.indices where p[i] < 0 { p[i] = 0 } }
    }

    var byteCount: Int { conv0.byteCount + conv2.byteCount + conv4.byteCount }
}
