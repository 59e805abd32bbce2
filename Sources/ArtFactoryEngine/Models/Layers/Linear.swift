/// A fully connected layer, `y = x W^T + b`, over the last dimension (PyTorch `nn.Linear`).
struct Linear: Sendable {
    /// `[out, in]`, held in the checkpoint's precision (or bf16 when the model is loaded narrowed).
    var weight: WeightMatrix
    var bias: [Float]?
    let inFeatures: Int
    let outFeatures: Int

    /// Loads `<name>.weight` `[out, in]` and, when `bias`, `<name>.bias`.
    init(_ weights: WeightSource, _ name: String, in inFeatures: Int, out outFeatures: Int, bias: Bool = true) throws {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = try weights.matrix("\(name).weight", shape: [outFeatures, inFeatures])
        self.bias = bias ? try weights.values("\(name).bias", shape: [outFeatures]) : nil
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        Elementwise.linear(x, weight: weight, bias: bias, inFeatures: inFeatures, outFeatures: outFeatures)
    }

    /// Bytes of parameters held.
    var byteCount: Int { weight.byteCount + (bias?.count ?? 0) * 4 }
}
