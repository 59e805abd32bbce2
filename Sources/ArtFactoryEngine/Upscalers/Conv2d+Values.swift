extension Conv2d {
    /// A convolution from values already in memory (upscaler weights read from any file format).
    init(weight: [Float], bias: [Float]?, inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int) {
        precondition(weight.count == outChannels * inChannels * kernel * kernel, "Conv2d: weight count does not match its shape")
        self.weight = WeightMatrix(weight)
        self.bias = bias
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        // Measured faster on oneDNN at every width these networks use (see OneDNNConvolution).
        oneDNNAtAnyWidth = true
    }
}
