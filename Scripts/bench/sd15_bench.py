#!/usr/bin/env python3
"""Benchmark helper for Scripts/bench-engine (developers only; nothing is downloaded).

  make DIR   random weights with the real SD 1.5 architecture as a diffusers folder (f16 safetensors),
             plus fixed inputs (inputs.safetensors) and the FLOP count of one UNet forward.
  torch DIR  times diffusers + torch on the CPU on the same weights and inputs; writes torch.json and
             torch-outputs.safetensors (so the Swift side can also check it computes the same thing).
  generate DIR [STEPS]
             one whole text-to-image generation with diffusers' StableDiffusionPipeline (512x512,
             DDIM, STEPS steps (20), guidance 7.5, seed 0, the prompt below), timed from prompt to
             pixels; writes torch-generate.json and the image as torch-generate.rgb (raw RGB bytes).
"""
import json
import os
import shutil
import statistics
import sys
import time

import torch
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
TOKENIZER = os.path.join(HERE, "..", "..", "Tests", "ArtFactoryEngineTests", "Fixtures", "pipelines", "sd1-tiny", "tokenizer")


def make(out):
    from transformers import CLIPTextConfig, CLIPTextModel
    from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel
    torch.manual_seed(0)
    unet = UNet2DConditionModel(sample_size=64, cross_attention_dim=768, attention_head_dim=8).eval()
    vae = AutoencoderKL(block_out_channels=(128, 256, 512, 512), down_block_types=("DownEncoderBlock2D",) * 4,
                        up_block_types=("UpDecoderBlock2D",) * 4, layers_per_block=2, latent_channels=4,
                        sample_size=512).eval()
    text = CLIPTextModel(CLIPTextConfig(vocab_size=49408, hidden_size=768, intermediate_size=3072,
                                        num_hidden_layers=12, num_attention_heads=12, max_position_embeddings=77,
                                        hidden_act="quick_gelu")).eval()
    os.makedirs(out, exist_ok=True)
    for name, m in (("unet", unet), ("vae", vae), ("text_encoder", text)):
        m.half().save_pretrained(os.path.join(out, name), safe_serialization=True)
    shutil.copytree(TOKENIZER, os.path.join(out, "tokenizer"), dirs_exist_ok=True)
    DDIMScheduler(beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012).save_pretrained(os.path.join(out, "scheduler"))
    with open(os.path.join(out, "model_index.json"), "w") as f:
        json.dump({"_class_name": "StableDiffusionPipeline", "unet": ["diffusers", "UNet2DConditionModel"],
                   "vae": ["diffusers", "AutoencoderKL"], "text_encoder": ["transformers", "CLIPTextModel"],
                   "tokenizer": ["transformers", "CLIPTokenizer"], "scheduler": ["diffusers", "DDIMScheduler"]}, f)
    g = torch.Generator("cpu").manual_seed(1)
    inputs = {"sample": torch.randn((2, 4, 64, 64), generator=g), "context": torch.randn((2, 77, 768), generator=g),
              "latents": torch.randn((1, 4, 64, 64), generator=g),
              "ids": torch.randint(0, 49408, (2, 77), generator=g).float()}
    save_file(inputs, os.path.join(out, "inputs.safetensors"))
    from torch.utils.flop_counter import FlopCounterMode
    unet.float()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        unet(inputs["sample"], torch.tensor(500.0), encoder_hidden_states=inputs["context"])
    with open(os.path.join(out, "flops.json"), "w") as f:
        json.dump({"unet_forward_flops": counter.get_total_flops()}, f)
    print(f"made {out}: UNet forward = {counter.get_total_flops() / 1e9:.1f} GFLOP")


def median_time(fn, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


@torch.no_grad()
def bench_torch(out, runs):
    from transformers import CLIPTextModel
    from diffusers import AutoencoderKL, UNet2DConditionModel
    t = time.perf_counter()
    unet = UNet2DConditionModel.from_pretrained(os.path.join(out, "unet"), torch_dtype=torch.float32).eval()
    vae = AutoencoderKL.from_pretrained(os.path.join(out, "vae"), torch_dtype=torch.float32).eval()
    text = CLIPTextModel.from_pretrained(os.path.join(out, "text_encoder"), torch_dtype=torch.float32).eval()
    load = time.perf_counter() - t
    x = load_file(os.path.join(out, "inputs.safetensors"))
    res = {}
    outputs = {}
    res["unet_s"], res["unet_runs"] = median_time(
        lambda: outputs.__setitem__("unet", unet(x["sample"], torch.tensor(500.0), encoder_hidden_states=x["context"]).sample), runs)
    res["vae_decode_s"], res["vae_runs"] = median_time(lambda: outputs.__setitem__("vae", vae.decode(x["latents"]).sample), runs)
    res["text_s"], res["text_runs"] = median_time(
        lambda: outputs.__setitem__("text", text(x["ids"].long()).last_hidden_state), runs)
    a = torch.randn(2048, 2048)
    res["sgemm_gflops"] = 2 * 2048 ** 3 / median_time(lambda: a @ a, 5)[0] / 1e9
    res["load_s"] = load
    res["threads"] = torch.get_num_threads()
    import resource
    res["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    save_file({k: v.contiguous() for k, v in outputs.items()}, os.path.join(out, "torch-outputs.safetensors"))
    with open(os.path.join(out, "torch.json"), "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res))


GENERATE_PROMPT = "a photograph of an astronaut riding a horse"


@torch.no_grad()
def generate(out, steps, size=512):
    import numpy as np
    from diffusers import StableDiffusionPipeline
    t = time.perf_counter()
    pipe = StableDiffusionPipeline.from_pretrained(out, torch_dtype=torch.float32, safety_checker=None,
                                                   requires_safety_checker=False)
    load = time.perf_counter() - t
    g = torch.Generator("cpu").manual_seed(0)
    t = time.perf_counter()
    image = pipe(GENERATE_PROMPT, num_inference_steps=steps, guidance_scale=7.5, generator=g, height=size,
                 width=size, output_type="np").images[0]
    seconds = time.perf_counter() - t
    pixels = (np.clip(image, 0, 1) * 255).round().astype(np.uint8)
    pixels.tofile(os.path.join(out, "torch-generate.rgb"))
    pixels.tofile(os.path.join(out, f"torch-generate-{size}-{steps}.rgb"))
    import resource
    res = {"generate_s": seconds, "steps": steps, "load_s": load, "threads": torch.get_num_threads(),
           "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    with open(os.path.join(out, "torch-generate.json"), "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res))


@torch.no_grad()
def precision(out, runs):
    """UNet forward in fp32 and under bf16 autocast with channels_last (what a torch user with a bf16 CPU
    runs), medians of `runs`, outputs saved for the error against fp32."""
    from diffusers import UNet2DConditionModel
    unet = UNet2DConditionModel.from_pretrained(os.path.join(out, "unet"), torch_dtype=torch.float32).eval()
    x = load_file(os.path.join(out, "inputs.safetensors"))
    res = {"threads": torch.get_num_threads(), "torch": torch.__version__}
    outputs = {}
    run = lambda: unet(x["sample"], torch.tensor(500.0), encoder_hidden_states=x["context"]).sample
    run()
    res["fp32_unet_s"], res["fp32_runs"] = median_time(lambda: outputs.__setitem__("fp32", run()), runs)
    unet = unet.to(memory_format=torch.channels_last)
    sample = x["sample"].to(memory_format=torch.channels_last)
    def bf16():
        with torch.autocast("cpu", dtype=torch.bfloat16):
            return unet(sample, torch.tensor(500.0), encoder_hidden_states=x["context"]).sample.float()
    bf16()
    res["bf16_autocast_unet_s"], res["bf16_runs"] = median_time(lambda: outputs.__setitem__("bf16", bf16()), runs)
    ref = outputs["fp32"]
    res["bf16_rel_error_vs_fp32"] = float((outputs["bf16"] - ref).norm() / ref.norm())
    save_file({k: v.contiguous() for k, v in outputs.items()}, os.path.join(out, "torch-precision-outputs.safetensors"))
    with open(os.path.join(out, "torch-precision.json"), "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res))


@torch.no_grad()
def fp32_int8(out, runs, tag):
    """UNet forward in fp32 and with torch's dynamic int8 quantisation (`quantize_dynamic`, nn.Linear
    only: torch has no dynamic int8 convolution), medians of `runs`, into torch-fp32-int8-TAG.json. Run
    under ATEN_CPU_CAPABILITY / DNNL_MAX_CPU_ISA to time torch as it runs on a smaller CPU."""
    from diffusers import UNet2DConditionModel
    unet = UNet2DConditionModel.from_pretrained(os.path.join(out, "unet"), torch_dtype=torch.float32).eval()
    x = load_file(os.path.join(out, "inputs.safetensors"))
    res = {"threads": torch.get_num_threads(), "torch": torch.__version__, "tag": tag,
           "aten_cpu_capability": os.environ.get("ATEN_CPU_CAPABILITY", ""), "dnnl_max_cpu_isa": os.environ.get("DNNL_MAX_CPU_ISA", "")}
    run = lambda m: m(x["sample"], torch.tensor(500.0), encoder_hidden_states=x["context"]).sample
    ref = run(unet)
    res["fp32_unet_s"], res["fp32_runs"] = median_time(lambda: run(unet), runs)
    q = torch.ao.quantization.quantize_dynamic(unet, {torch.nn.Linear}, dtype=torch.qint8)
    got = run(q)
    res["int8_dynamic_unet_s"], res["int8_runs"] = median_time(lambda: run(q), runs)
    res["int8_rel_error_vs_fp32"] = float((got - ref).norm() / ref.norm())
    with open(os.path.join(out, f"torch-fp32-int8-{tag}.json"), "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res))


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("make", "torch", "generate", "precision", "fp32-int8"):
        sys.exit("usage: sd15_bench.py make|torch|precision DIR [runs] | generate DIR [steps] [size] | fp32-int8 DIR runs tag")
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "fp32-int8":
        fp32_int8(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif sys.argv[1] == "precision":
        precision(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
    elif sys.argv[1] == "generate":
        generate(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 20, int(sys.argv[4]) if len(sys.argv) > 4 else 512)
    else:
        bench_torch(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
