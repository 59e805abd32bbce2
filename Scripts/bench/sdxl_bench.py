#!/usr/bin/env python3
"""SDXL at 1024² for Scripts/bench-sdxl (developers only; nothing is downloaded).

  inputs DIR                 DIR/sdxl-inputs.safetensors: a [2, 4, 128, 128] sample, [2, 77, 2048] context,
                             [2, 1280] text_embeds, 1024² time ids, [1, 4, 128, 128] latents and the token ids of
                             a prompt and a negative prompt.
  torch DIR PART DTYPE RUNS  diffusers + torch on DIR/sdxl-turbo-bench (the SDXL architecture with random f16
                             weights, made by turbo_bench.py make-xl): PART unet (batch 1 and 2), vae (1024² decode
                             with diffusers' tiling) or text (both encoders); DTYPE fp32 or bf16 (the weights loaded
                             in that dtype, as a user of torch on a CPU would). Prints one JSON line with medians and
                             the process's peak RSS; the fp32 UNet also writes torch-sdxl-unet.safetensors for the
                             Swift side's error check.
"""
import json
import os
import resource
import statistics
import sys
import time

import torch

PROMPT = "a lighthouse on a cliff at dusk, flat vector illustration"
NEGATIVE = "blurry, low quality"


def inputs(out):
    from safetensors.torch import save_file
    from transformers import CLIPTokenizer
    g = torch.Generator().manual_seed(0)
    tok = CLIPTokenizer.from_pretrained(os.path.join(out, "sdxl-turbo-bench", "tokenizer"))
    ids = tok([PROMPT, NEGATIVE], padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids
    tensors = {
        "sample": torch.randn((2, 4, 128, 128), generator=g),
        "context": torch.randn((2, 77, 2048), generator=g),
        "text_embeds": torch.randn((2, 1280), generator=g),
        "time_ids": torch.tensor([[1024.0, 1024.0, 0, 0, 1024.0, 1024.0]] * 2),
        "latents": torch.randn((1, 4, 128, 128), generator=g),
        "ids": ids.float(),
    }
    save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(out, "sdxl-inputs.safetensors"))
    print("wrote", os.path.join(out, "sdxl-inputs.safetensors"))


def median(runs, body):
    times = []
    out = None
    for _ in range(runs):
        start = time.perf_counter()
        out = body()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, out


@torch.no_grad()
def bench(out, part, dtype_name, runs):
    from safetensors.torch import load_file, save_file
    torch.set_num_threads(os.cpu_count())
    dtype = torch.float32 if dtype_name == "fp32" else torch.bfloat16
    model = os.path.join(out, "sdxl-turbo-bench")
    x = load_file(os.path.join(out, "sdxl-inputs.safetensors"))
    result = {"side": "torch", "part": part, "dtype": dtype_name, "threads": torch.get_num_threads(), "torch": torch.__version__}
    start = time.perf_counter()
    if part == "unet":
        from diffusers import UNet2DConditionModel
        unet = UNet2DConditionModel.from_pretrained(os.path.join(model, "unet"), torch_dtype=dtype).eval()
        result["load_s"] = time.perf_counter() - start
        for batch in (1, 2):
            cond = {"text_embeds": x["text_embeds"][:batch].to(dtype), "time_ids": x["time_ids"][:batch].to(dtype)}
            t, all_, y = median(runs, lambda: unet(x["sample"][:batch].to(dtype), torch.tensor(999.0),
                                                   encoder_hidden_states=x["context"][:batch].to(dtype),
                                                   added_cond_kwargs=cond).sample)
            result[f"unet_b{batch}_s"], result[f"unet_b{batch}_runs"] = t, all_
            if batch == 1 and dtype_name == "fp32":
                save_file({"unet_b1": y.float().contiguous()}, os.path.join(out, "torch-sdxl-unet.safetensors"))
    elif part == "vae":
        from diffusers import AutoencoderKL
        vae = AutoencoderKL.from_pretrained(os.path.join(model, "vae"), torch_dtype=dtype).eval()
        vae.enable_tiling()
        result["load_s"] = time.perf_counter() - start
        latents = (x["latents"] / vae.config.scaling_factor).to(dtype)
        t, all_, _ = median(runs, lambda: vae.decode(latents).sample)
        result["vae_tiled_decode_s"], result["vae_runs"] = t, all_
    elif part == "text":
        from transformers import CLIPTextModel, CLIPTextModelWithProjection
        te1 = CLIPTextModel.from_pretrained(os.path.join(model, "text_encoder"), torch_dtype=dtype).eval()
        te2 = CLIPTextModelWithProjection.from_pretrained(os.path.join(model, "text_encoder_2"), torch_dtype=dtype).eval()
        result["load_s"] = time.perf_counter() - start
        ids = x["ids"].long()
        t, all_, _ = median(runs, lambda: (te1(ids, output_hidden_states=True), te2(ids, output_hidden_states=True)))
        result["text_s"] = t
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1] == "inputs":
        inputs(sys.argv[2])
    elif sys.argv[1] == "torch":
        bench(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    else:
        raise SystemExit(__doc__)
