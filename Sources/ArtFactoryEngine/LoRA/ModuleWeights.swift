/// Walks the weight-bearing layers (every `Linear` and `Conv2d`) of the text encoder and the UNet
/// under their diffusers module paths (`down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q`,
/// `text_model.encoder.layers.0.self_attn.q_proj`), handing each layer's weight and bias to `body`.
///
/// This is how LoRAs find and patch the layers they name. A visit that does not write leaves every
/// array shared with the original model (copy-on-write); one that writes copies only the arrays it
/// writes, so a patched model shares all untouched weights with the model it came from.
typealias ModuleWeightVisitor = (_ path: String, _ shape: [Int], _ weight: inout WeightMatrix, _ bias: inout [Float]?) throws -> Void

extension Linear {
    mutating func visitWeights(_ path: String, _ body: ModuleWeightVisitor) rethrows {
        try body(path, [outFeatures, inFeatures], &weight, &bias)
    }
}

extension Conv2d {
    mutating func visitWeights(_ path: String, _ body: ModuleWeightVisitor) rethrows {
        try body(path, [outChannels, inChannels, kernel, kernel], &weight, &bias)
    }
}

extension CrossAttention {
    mutating func visitWeights(_ path: String, _ body: ModuleWeightVisitor) rethrows {
        try toQ.visitWeights(path + ".to_q", body)
        try toK.visitWeights(path + ".to_k", body)
        try toV.visitWeights(path + ".to_v", body)
        try toOut.visitWeights(path + ".to_out.0", body)
    }
}

extension CLIPEncoderLayer {
    mutating func visitWeights(_ path: String, _ body: ModuleWeightVisitor) rethrows {
        try qProj.visitWeights(path + ".self_attn.q_proj", body)
        try kProj.visitWeights(path + ".self_attn.k_proj", body)
        try vProj.visitWeights(path + ".self_attn.v_proj", body)
        try outProj.visitWeights(path + ".self_attn.out_proj", body)
        try fc1.visitWeights(path + ".mlp.fc1", body)
        try fc2.visitWeights(path + ".mlp.fc2", body)
    }
}

extension CLIPTextModel {
    /// Paths start `text_model.encoder.layers.N`, as in transformers' state dicts.
    mutating func visitWeights(_ body: ModuleWeightVisitor) rethrows {
        for i in layers.indices { try layers[i].visitWeights("text_model.encoder.layers.\(i)", body) }
    }
}

extension BasicTransformerBlock {
    mutating func visitWeights(_ path: String, _ body: ModuleWeightVisitor) rethrows {
        try attn1.visitWeights(path + ".attn1", body)
        try attn2.visitWeights(path + ".attn2", body)
        try feedForwardIn.visitWeights(path + ".ff.net.0.proj", body)
        try feedForwardOut.visitWeights(path + ".ff.net.2", body)
    }
}

extension Transformer2DModel.Projection {
    mutating func visitWeights(_ path: String, _ body: ModuleWeightVisitor) rethrows {
        switch self {
        case .convolution(var conv):
            try conv.visitWeights(path, body)
            self = .convolution(conv)
        case .linear(var linear):
            try linear.visitWeights(path, body)
            self = .linear(linear)
        }
    }
}

extension Transformer2DModel {
    mutating func visitWeights(_ path: String, _ body: ModuleWeightVisitor) rethrows {
        try projectIn.visitWeights(path + ".proj_in", body)
        for i in blocks.indices { try blocks[i].visitWeights(path + ".transformer_blocks.\(i)", body) }
        try projectOut.visitWeights(path + ".proj_out", body)
    }
}

extension ResnetBlock2D {
    mutating func visitWeights(_ path: String, _ body: ModuleWeightVisitor) rethrows {
        try conv1.visitWeights(path + ".conv1", body)
        try timeEmbeddingProjection?.visitWeights(path + ".time_emb_proj", body)
        try conv2.visitWeights(path + ".conv2", body)
        try shortcut?.visitWeights(path + ".conv_shortcut", body)
    }
}

extension UNet2DConditionModel {
    /// Paths as in diffusers' UNet state dict (`conv_in`, `down_blocks.0.resnets.0.conv1`, …).
    mutating func visitWeights(_ body: ModuleWeightVisitor) rethrows {
        try timeEmbedding.linear1.visitWeights("time_embedding.linear_1", body)
        try timeEmbedding.linear2.visitWeights("time_embedding.linear_2", body)
        try addEmbedding?.linear1.visitWeights("add_embedding.linear_1", body)
        try addEmbedding?.linear2.visitWeights("add_embedding.linear_2", body)
        try convIn.visitWeights("conv_in", body)
        for i in downBlocks.indices {
            let p = "down_blocks.\(i)"
            for j in downBlocks[i].resnets.indices { try downBlocks[i].resnets[j].visitWeights("\(p).resnets.\(j)", body) }
            for j in downBlocks[i].attentions.indices { try downBlocks[i].attentions[j].visitWeights("\(p).attentions.\(j)", body) }
            try downBlocks[i].downsampler?.visitWeights("\(p).downsamplers.0.conv", body)
        }
        if midBlock != nil {
            for j in midBlock!.resnets.indices { try midBlock!.resnets[j].visitWeights("mid_block.resnets.\(j)", body) }
            for j in midBlock!.attentions.indices { try midBlock!.attentions[j].visitWeights("mid_block.attentions.\(j)", body) }
        }
        for i in upBlocks.indices {
            let p = "up_blocks.\(i)"
            for j in upBlocks[i].resnets.indices { try upBlocks[i].resnets[j].visitWeights("\(p).resnets.\(j)", body) }
            for j in upBlocks[i].attentions.indices { try upBlocks[i].attentions[j].visitWeights("\(p).attentions.\(j)", body) }
            try upBlocks[i].upsampler?.visitWeights("\(p).upsamplers.0.conv", body)
        }
        try convOut.visitWeights("conv_out", body)
    }
}
