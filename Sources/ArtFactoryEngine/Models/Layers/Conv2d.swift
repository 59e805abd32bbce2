/// A square-kernel 2-D convolution (PyTorch `nn.Conv2d`) over NCHW tensors.
struct Conv2d: Sendable {
    var weight: [Float]
    var bias: [Float]?
    let inChannels: Int
    let outChannels: Int
    let kernel: Int
    let stride: Int
    let padding: Int

    /// Loads `<name>.weight` `[out, in, k, k]` and `<name>.bias` `[out]`.
    init(_ weights: WeightSource, _ name: String, in inChannels: Int, out outChannels: Int,
         kernel: Int = 3, stride: Int = 1, padding: Int? = nil, bias: Bool = true) throws {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding ?? kernel / 2
        weight = try weights.values("\(name).weight", shape: [outChannels, inChannels, kernel, kernel])
        self.bias = bias ? try weights.values("\(name).bias", shape: [outChannels]) : nil
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        weight.withUnsafeBufferPointer { wp in
            guard let w = wp.baseAddress else { return x }
            if let bias {
                return bias.withUnsafeBufferPointer { bp in
                    Convolution.conv2d(x, weight: w, bias: bp.baseAddress, outChannels: outChannels,
                                       kernel: kernel, stride: stride, padding: padding)
                }
            }
            return Convolution.conv2d(x, weight: w, bias: nil, outChannels: outChannels,
                                      kernel: kernel, stride: stride, padding: padding)
        }
    }

    var byteCount: Int { (weight.count + (bias?.count ?? 0)) * 4 }
}
