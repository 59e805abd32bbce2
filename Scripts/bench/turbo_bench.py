#!/usr/bin/env python3
"""Few-step benchmark helper for Scripts/bench-turbo (developers only; nothing is downloaded).

  make DIR   DIR/sd-turbo-bench: random weights with SD-Turbo's real architecture (the SD 2.1 UNet:
             attention heads 5/10/20/20, 1024-wide cross-attention, linear projections; the 23-layer
             OpenCLIP ViT-H text encoder; the SD VAE) as a diffusers folder in f16, with SD-Turbo's
             scheduler (Euler, trailing spacing) so the daemon sees a few-step model; and
             DIR/taesd-bench: a random-weight tiny decoder (diffusers' AutoencoderTiny defaults).
  make-xl DIR
             DIR/sdxl-turbo-bench: random weights with SDXL-Turbo's architecture (the SDXL UNet: 320/640/1280
             channels, 1/2/10 transformer layers, 2048-wide cross-attention, text-time added embeddings; CLIP
             ViT-L and OpenCLIP ViT-bigG text encoders; the SDXL VAE) in f16 with SDXL-Turbo's scheduler
             (Euler ancestral, trailing), and DIR/taesdxl-bench (a random tiny decoder for SDXL latents).
  torch DIR [RUNS] / torch-xl DIR [RUNS]
             diffusers + torch on the CPU on the same folders: four 512x512 images, 1 step, guidance 0,
             decoded by the tiny decoder, timed from prompt to pixels; both as four calls of one image
             (what the daemon does) and as one call of four; fp32 and bf16 autocast; writes torch-turbo.json.
"""
import json
import os
import shutil
import statistics
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
TOKENIZER = os.path.join(HERE, "..", "..", "Tests", "ArtFactoryEngineTests", "Fixtures", "pipelines", "sd2-tiny", "tokenizer")
PROMPT = "a lighthouse on a cliff at dusk, flat vector illustration"


def make(out):
    from transformers import CLIPTextConfig, CLIPTextModel
    from diffusers import AutoencoderKL, AutoencoderTiny, EulerDiscreteScheduler, UNet2DConditionModel
    torch.manual_seed(0)
    model = os.path.join(out, "sd-turbo-bench")
    unet = UNet2DConditionModel(sample_size=64, cross_attention_dim=1024, attention_head_dim=(5, 10, 20, 20),
                                use_linear_projection=True).eval()
    vae = AutoencoderKL(block_out_channels=(128, 256, 512, 512), down_block_types=("DownEncoderBlock2D",) * 4,
                        up_block_types=("UpDecoderBlock2D",) * 4, layers_per_block=2, latent_channels=4,
                        sample_size=512).eval()
    text = CLIPTextModel(CLIPTextConfig(vocab_size=49408, hidden_size=1024, intermediate_size=4096,
                                        num_hidden_layers=23, num_attention_heads=16, max_position_embeddings=77,
                                        hidden_act="gelu", projection_dim=512)).eval()
    os.makedirs(model, exist_ok=True)
    for name, m in (("unet", unet), ("vae", vae), ("text_encoder", text)):
        m.half().save_pretrained(os.path.join(model, name), safe_serialization=True)
    shutil.copytree(TOKENIZER, os.path.join(model, "tokenizer"), dirs_exist_ok=True)
    EulerDiscreteScheduler(beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012, timestep_spacing="trailing",
                           steps_offset=1).save_pretrained(os.path.join(model, "scheduler"))
    with open(os.path.join(model, "model_index.json"), "w") as f:
        json.dump({"_class_name": "StableDiffusionPipeline", "unet": ["diffusers", "UNet2DConditionModel"],
                   "vae": ["diffusers", "AutoencoderKL"], "text_encoder": ["transformers", "CLIPTextModel"],
                   "tokenizer": ["transformers", "CLIPTokenizer"], "scheduler": ["diffusers", "EulerDiscreteScheduler"]}, f)
    tiny = AutoencoderTiny().eval()
    tiny.save_pretrained(os.path.join(out, "taesd-bench"), safe_serialization=True)
    print(f"wrote {model} and {os.path.join(out, 'taesd-bench')}")


def make_xl(out):
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection
    from diffusers import AutoencoderKL, AutoencoderTiny, EulerAncestralDiscreteScheduler, UNet2DConditionModel
    torch.manual_seed(0)
    model = os.path.join(out, "sdxl-turbo-bench")
    os.makedirs(model, exist_ok=True)
    unet = UNet2DConditionModel(sample_size=64, down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
                                up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
                                block_out_channels=(320, 640, 1280), layers_per_block=2, cross_attention_dim=2048,
                                transformer_layers_per_block=(1, 2, 10), attention_head_dim=(5, 10, 20),
                                use_linear_projection=True, addition_embed_type="text_time", addition_time_embed_dim=256,
                                projection_class_embeddings_input_dim=2816).eval()
    unet.half().save_pretrained(os.path.join(model, "unet"), safe_serialization=True)
    del unet
    vae = AutoencoderKL(block_out_channels=(128, 256, 512, 512), down_block_types=("DownEncoderBlock2D",) * 4,
                        up_block_types=("UpDecoderBlock2D",) * 4, layers_per_block=2, latent_channels=4,
                        sample_size=1024, scaling_factor=0.13025, force_upcast=True).eval()
    te1 = CLIPTextModel(CLIPTextConfig(vocab_size=49408, hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                                       num_attention_heads=12, max_position_embeddings=77, hidden_act="quick_gelu",
                                       projection_dim=768)).eval()
    te2 = CLIPTextModelWithProjection(CLIPTextConfig(vocab_size=49408, hidden_size=1280, intermediate_size=5120,
                                                     num_hidden_layers=32, num_attention_heads=20, max_position_embeddings=77,
                                                     hidden_act="gelu", projection_dim=1280)).eval()
    for name, m in (("vae", vae), ("text_encoder", te1), ("text_encoder_2", te2)):
        m.half().save_pretrained(os.path.join(model, name), safe_serialization=True)
    xl = os.path.join(HERE, "..", "..", "Tests", "ArtFactoryEngineTests", "Fixtures", "sdxl", "sdxl-tiny")
    for t in ("tokenizer", "tokenizer_2"):
        shutil.copytree(os.path.join(xl, t), os.path.join(model, t), dirs_exist_ok=True)
    EulerAncestralDiscreteScheduler(beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012,
                                    timestep_spacing="trailing", steps_offset=1).save_pretrained(os.path.join(model, "scheduler"))
    with open(os.path.join(model, "model_index.json"), "w") as f:
        json.dump({"_class_name": "StableDiffusionXLPipeline", "force_zeros_for_empty_prompt": False,
                   "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderKL"],
                   "text_encoder": ["transformers", "CLIPTextModel"],
                   "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"],
                   "tokenizer": ["transformers", "CLIPTokenizer"], "tokenizer_2": ["transformers", "CLIPTokenizer"],
                   "scheduler": ["diffusers", "EulerAncestralDiscreteScheduler"]}, f)
    AutoencoderTiny().eval().save_pretrained(os.path.join(out, "taesdxl-bench"), safe_serialization=True)
    print(f"wrote {model} and {os.path.join(out, 'taesdxl-bench')}")


def bench_torch(out, runs, xl=False):
    from diffusers import AutoencoderTiny, StableDiffusionPipeline, StableDiffusionXLPipeline
    torch.set_num_threads(int(os.environ.get("THREADS", os.cpu_count() or 1)))
    if xl:
        pipe = StableDiffusionXLPipeline.from_pretrained(os.path.join(out, "sdxl-turbo-bench"), torch_dtype=torch.float32)
        pipe.vae = AutoencoderTiny.from_pretrained(os.path.join(out, "taesdxl-bench"), torch_dtype=torch.float32)
    else:
        pipe = StableDiffusionPipeline.from_pretrained(os.path.join(out, "sd-turbo-bench"), torch_dtype=torch.float32,
                                                       safety_checker=None, requires_safety_checker=False)
        pipe.vae = AutoencoderTiny.from_pretrained(os.path.join(out, "taesd-bench"), torch_dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)

    def four_calls():
        for i in range(4):
            pipe(PROMPT, num_inference_steps=1, guidance_scale=0.0, height=512, width=512,
                 generator=torch.Generator("cpu").manual_seed(i), output_type="np")

    def one_call():
        pipe(PROMPT, num_inference_steps=1, guidance_scale=0.0, height=512, width=512, num_images_per_prompt=4,
             generator=torch.Generator("cpu").manual_seed(0), output_type="np")

    def timed(body):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            with torch.inference_mode():
                body()
            times.append(time.perf_counter() - start)
        return times

    r = {"threads": torch.get_num_threads(), "torch": torch.__version__, "runs": runs}
    with torch.inference_mode():
        pipe(PROMPT, num_inference_steps=1, guidance_scale=0.0, height=512, width=512, output_type="np")  # warm-up
    r["fp32_four_calls_s"] = timed(four_calls)
    r["fp32_one_call_s"] = timed(one_call)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        r["bf16_four_calls_s"] = timed(four_calls)
        r["bf16_one_call_s"] = timed(one_call)
    for k in [k for k in r if k.endswith("_s")]:
        r[k.replace("_s", "_median_s")] = statistics.median(r[k])
    with open(os.path.join(out, "torch-turbo-xl.json" if xl else "torch-turbo.json"), "w") as f:
        json.dump(r, f, indent=1)
    print(json.dumps(r, indent=1))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "make-xl":
        make_xl(sys.argv[2])
    elif sys.argv[1] in ("torch", "torch-xl"):
        bench_torch(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3, xl=sys.argv[1] == "torch-xl")
    else:
        sys.exit(__doc__)
