import ArtFactoryEngine
import Foundation

/// `--parts xl-unet|xl-vae|xl-text` (Scripts/bench-sdxl): one SDXL component at 1024² from DIR (a diffusers
/// SDXL folder) on the inputs in DIR/../sdxl-inputs.safetensors, each in its own process so its peak RSS
/// is its own. Prints and returns the figures; the UNet output is compared with torch's when
/// DIR/../torch-sdxl-unet.safetensors exists.
enum SDXLBench {
    static func run(part: String, dir: String, runs: Int, weights: WeightPolicy) throws -> [String: Any] {
        let base = (dir as NSString).deletingLastPathComponent
        let inputs = try SafeTensorsFile(path: base + "/sdxl-inputs.safetensors")
        var result: [String: Any] = [:]
        var start = now()
        switch part {
        case "xl-unet":
            let unet = try EnginePrecision.withWeights(weights) { try UNet2DConditionModel(directory: dir + "/unet") }
            result["load_s"] = now() - start
            result["weights_mib"] = Double(unet.byteCount) / 1048576
            let sample = try inputs.tensor(named: "sample"), context = try inputs.tensor(named: "context")
            let embeds = try inputs.tensor(named: "text_embeds"), ids = try inputs.tensor(named: "time_ids")
            for batch in [1, 2] {
                let conditions = AddedConditions(textEmbeds: embeds.slice(batch: 0, count: batch), timeIDs: ids.slice(batch: 0, count: batch))
                var out = Tensor(shape: [0])
                let t = try median(runs) {
                    out = try unet.predict(sample: sample.slice(batch: 0, count: batch), timestep: 999,
                                           context: context.slice(batch: 0, count: batch), conditions: conditions)
                }
                result["unet_b\(batch)_s"] = t.median
                result["unet_b\(batch)_runs"] = t.all
                if batch == 1, let reference = try? SafeTensorsFile(path: base + "/torch-sdxl-unet.safetensors") {
                    result["unet_rel_error_vs_torch_fp32"] = Double(out.relativeError(to: try reference.tensor(named: "unet_b1")))
                }
                print(String(format: "SDXL UNet 1024² batch %d: median %.2f s", batch, t.median))
                start = now()
            }
        case "xl-vae":
            let vae = try EnginePrecision.withWeights(weights) { try AutoencoderKL(directory: dir + "/vae") }
            result["load_s"] = now() - start
            let latents = try inputs.tensor(named: "latents")
            let unscaled = Tensor(shape: latents.shape, data: latents.data.map { $0 / vae.scalingFactor })
            let t = try median(runs) {
                _ = try TiledDecoding.decode(latents: unscaled, tile: 64, overlap: 16, factor: vae.downsampleFactor) {
                    try vae.decode(latents: $0)
                }
            }
            result["vae_tiled_decode_s"] = t.median
            result["vae_runs"] = t.all
            print(String(format: "SDXL VAE decode 1024², tiled (64-latent tiles, 16 overlap): median %.2f s", t.median))
        case "xl-text":
            let te1 = try EnginePrecision.withWeights(weights) { try CLIPTextModel(directory: dir + "/text_encoder") }
            let te2 = try EnginePrecision.withWeights(weights) { try CLIPTextModel(directory: dir + "/text_encoder_2") }
            result["load_s"] = now() - start
            let idTensor = try inputs.tensor(named: "ids")
            let rows = (0..<2).map { r in (0..<77).map { Int32(idTensor.data[r * 77 + $0]) } }
            let t = try median(runs) {
                _ = try te1.encodePenultimate(tokenIDs: rows, clipSkip: 1)
                _ = try te2.encodePenultimate(tokenIDs: rows, clipSkip: 1)
            }
            result["text_s"] = t.median
            print(String(format: "SDXL text encoders (prompt + negative, both encoders): median %.3f s", t.median))
        default:
            throw EngineError(code: "bench.part", message: "unknown SDXL part \(part)")
        }
        result["peak_rss_mib"] = peakRSSMiB()
        return result
    }
}
