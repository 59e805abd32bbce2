/// Group normalisation over NCHW tensors (PyTorch `nn.GroupNorm`).
struct GroupNorm: Sendable {
    let gamma: [Float]
    let beta: [Float]
    let groups: Int
    let epsilon: Float

    init(_ weights: WeightSource, _ name: String, channels: Int, groups: Int, epsilon: Float = 1e-5) throws {
        guard groups > 0, channels % groups == 0 else {
            throw EngineError.badConfig(weights.path, "\(channels) channels of \(name) do not split into \(groups) groups")
        }
        gamma = try weights.values("\(name).weight", shape: [channels])
        beta = try weights.values("\(name).bias", shape: [channels])
        self.groups = groups
        self.epsilon = epsilon
    }

    /// Normalises; with `silu`, applies SiLU in the same pass (the ResNet pattern).
    func callAsFunction(_ x: Tensor, silu: Bool = false) -> Tensor {
        Normalization.groupNorm(x, groups: groups, gamma: gamma, beta: beta, epsilon: epsilon, silu: silu)
    }

    /// The same in place.
    func apply(_ x: inout Tensor, silu: Bool = false) {
        Normalization.groupNormInPlace(&x, groups: groups, gamma: gamma, beta: beta, epsilon: epsilon, silu: silu)
    }

    var byteCount: Int { (gamma.count + beta.count) * 4 }
}

/// Layer normalisation over the last dimension (PyTorch `nn.LayerNorm`).
struct LayerNorm: Sendable {
    let gamma: [Float]
    let beta: [Float]
    let epsilon: Float

    init(_ weights: WeightSource, _ name: String, width: Int, epsilon: Float = 1e-5) throws {
        gamma = try weights.values("\(name).weight", shape: [width])
        beta = try weights.values("\(name).bias", shape: [width])
        self.epsilon = epsilon
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        Normalization.layerNorm(x, gamma: gamma, beta: beta, epsilon: epsilon)
    }

    var byteCount: Int { (gamma.count + beta.count) * 4 }
}
