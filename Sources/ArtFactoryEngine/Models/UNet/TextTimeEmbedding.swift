import Foundation

/// SDXL's added conditioning (diffusers' `addition_embed_type = "text_time"`): each of the six time
/// ids (original height and width, crop top and left, target height and width; SDXL refiners use
/// five, with an aesthetic score) goes through the sinusoidal projection `add_time_proj`; the pooled
/// text projection and those projections, concatenated in that order, go through `add_embedding`
/// (linear_1 → SiLU → linear_2), and the result is added to the timestep embedding.
struct TextTimeEmbedding: Sendable {
    let timeEmbedDim: Int
    let inputDim: Int
    let flipSinToCos: Bool
    let freqShift: Float
    var linear1: Linear
    var linear2: Linear

    init(_ weights: WeightSource, timeEmbedDim: Int, inputDim: Int, embeddingChannels: Int, flipSinToCos: Bool,
         freqShift: Int) throws {
        self.timeEmbedDim = timeEmbedDim
        self.inputDim = inputDim
        self.flipSinToCos = flipSinToCos
        self.freqShift = Float(freqShift)
        linear1 = try Linear(weights, "linear_1", in: inputDim, out: embeddingChannels)
        linear2 = try Linear(weights, "linear_2", in: embeddingChannels, out: embeddingChannels)
    }

    /// `textEmbeds` `[batch, P]`, `timeIDs` `[batch, n]` with `P + n · timeEmbedDim == inputDim`.
    /// - Returns: `[batch, embeddingChannels]`.
    func callAsFunction(textEmbeds: Tensor, timeIDs: Tensor) throws -> Tensor {
        guard textEmbeds.rank == 2, timeIDs.rank == 2, textEmbeds.shape[0] == timeIDs.shape[0] else {
            throw EngineError.badInput("SDXL conditioning expects text_embeds [batch, P] and time_ids [batch, n], got \(textEmbeds.shape) and \(timeIDs.shape)")
        }
        let batch = textEmbeds.shape[0], pooled = textEmbeds.shape[1], ids = timeIDs.shape[1]
        guard pooled + ids * timeEmbedDim == inputDim else {
            throw EngineError.badInput("SDXL conditioning: \(pooled) pooled values + \(ids) time ids × \(timeEmbedDim) do not make the UNet's \(inputDim) inputs")
        }
        var input = Tensor(shape: [batch, inputDim])
        for b in 0..<batch {
            var row = Array(textEmbeds.data[(b * pooled)..<((b + 1) * pooled)])
            for k in 0..<ids {
                row += TimestepEmbedding.sinusoid(timeIDs.data[b * ids + k], channels: timeEmbedDim,
                                                  flipSinToCos: flipSinToCos, freqShift: freqShift)
            }
            input.data.replaceSubrange((b * inputDim)..<((b + 1) * inputDim), with: row)
        }
        var h = linear1(input)
        h.data.withUnsafeMutableBufferPointer { Activation.silu($0) }
        return linear2(h)
    }

    var byteCount: Int { linear1.byteCount + linear2.byteCount }
}
