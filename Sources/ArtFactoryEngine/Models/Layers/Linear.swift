/// A fully connected layer, `y = x W^T + b`, over the last dimension (PyTorch `nn.Linear`).
struct Linear: Sendable {
    var weight: [Float]
    var bias: [Float]?
    let inFeatures: Int
    let outFeatures: Int

    /// Loads `<name>.weight` `[out, in]` and, when `bias`, `<name>.bias`.
    init(_ weights: WeightSource, _ name: String, in inFeatures: Int, out outFeatures: Int, bias: Bool = true) throws {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = try weights.values("\(name).weight", shape: [outFeatures, inFeatures])
        self.bias = bias ? try weights.values("\(name).bias", shape: [outFeatures]) : nil
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        weight.withUnsafeBufferPointer { wp in
            guard let w = wp.baseAddress else { return x }
            if let bias {
                return bias.withUnsafeBufferPointer { bp in
                    Elementwise.linear(x, weight: w, bias: bp.baseAddress, inFeatures: inFeatures, outFeatures: outFeatures)
                }
            }
            return Elementwise.linear(x, weight: w, bias: nil, inFeatures: inFeatures, outFeatures: outFeatures)
        }
    }

    /// Bytes of f32 parameters held.
    var byteCount: Int { (weight.count + (bias?.count ?? 0)) * 4 }
}
