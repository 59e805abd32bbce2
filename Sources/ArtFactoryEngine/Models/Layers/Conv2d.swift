/// A square-kernel 2-D convolution (PyTorch `nn.Conv2d`) over NCHW tensors.
struct Conv2d: Sendable {
    /// `[out, in, k, k]`, held in the checkpoint's precision (or bf16 when the model is loaded narrowed).
    var weight: WeightMatrix
    var bias: [Float]?
    let inChannels: Int
    let outChannels: Int
    let kernel: Int
    let stride: Int
    let padding: Int
    /// Send this layer to oneDNN whatever its width where the measured policy applies (upscalers).
    var oneDNNAtAnyWidth = false

    /// Loads `<name>.weight` `[out, in, k, k]` and `<name>.bias` `[out]`.
    init(_ weights: WeightSource, _ name: String, in inChannels: Int, out outChannels: Int,
         kernel: Int = 3, stride: Int = 1, padding: Int? = nil, bias: Bool = true) throws {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding ?? kernel / 2
        weight = try weights.matrix("\(name).weight", shape: [outChannels, inChannels, kernel, kernel])
        self.bias = bias ? try weights.values("\(name).bias", shape: [outChannels]) : nil
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        Convolution.conv2d(x, weight: weight, bias: bias, outChannels: outChannels,
                           kernel: kernel, stride: stride, padding: padding, oneDNNAtAnyWidth: oneDNNAtAnyWidth)
    }

    var byteCount: Int { weight.byteCount + (bias?.count ?? 0) * 4 }
}
