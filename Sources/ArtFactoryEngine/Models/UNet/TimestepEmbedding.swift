import Foundation

/// The sinusoidal timestep projection (diffusers' `Timesteps`) followed by the two-layer MLP
/// (`TimestepEmbedding`: linear_1 → SiLU → linear_2).
struct TimestepEmbedding: Sendable {
    let channels: Int
    let flipSinToCos: Bool
    let freqShift: Float
    var linear1: Linear
    var linear2: Linear

    init(_ weights: WeightSource, channels: Int, embeddingChannels: Int, flipSinToCos: Bool, freqShift: Int) throws {
        self.channels = channels
        self.flipSinToCos = flipSinToCos
        self.freqShift = Float(freqShift)
        linear1 = try Linear(weights, "linear_1", in: channels, out: embeddingChannels)
        linear2 = try Linear(weights, "linear_2", in: embeddingChannels, out: embeddingChannels)
    }

    /// `[half]` frequencies then sin/cos, computed in f32 exactly as diffusers does.
    func sinusoid(_ timestep: Float) -> [Float] {
        Self.sinusoid(timestep, channels: channels, flipSinToCos: flipSinToCos, freqShift: freqShift)
    }

    /// diffusers' `get_timestep_embedding` for one value (also used for SDXL's time ids).
    static func sinusoid(_ timestep: Float, channels: Int, flipSinToCos: Bool, freqShift: Float) -> [Float] {
        let half = channels / 2
        var out = [Float](repeating: 0, count: channels)
        let logPeriod = Float(log(10000.0))
        for i in 0..<half {
            let exponent = -logPeriod * Float(i) / (Float(half) - freqShift)
            let angle = timestep * expf(exponent)
            let (s, c) = (sinf(angle), cosf(angle))
            out[i] = flipSinToCos ? c : s
            out[half + i] = flipSinToCos ? s : c
        }
        return out
    }

    /// The embedding `[batch, embeddingChannels]` for one timestep shared by every row.
    func callAsFunction(_ timestep: Float, batch: Int) -> Tensor {
        let row = sinusoid(timestep)
        var input = Tensor(shape: [batch, channels])
        for b in 0..<batch { input.data.replaceSubrange((b * channels)..<((b + 1) * channels), with: row) }
        var h = linear1(input)
        h.data.withUnsafeMutableBufferPointer { Activation.silu($0) }
        return linear2(h)
    }

    var byteCount: Int { linear1.byteCount + linear2.byteCount }
}
