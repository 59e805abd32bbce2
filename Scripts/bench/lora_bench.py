#!/usr/bin/env python3
"""LoRA benchmark helper for Scripts/bench-lora (developers only; nothing is downloaded).

  make DIR   the random-weight SD 1.5 folder (sd15_bench.py make) if DIR lacks one, plus DIR/lora-r32.safetensors:
             a kohya-style rank-32 LoRA (alpha 32) over every attention/feed-forward/projection linear and every
             ResNet, down- and upsampler conv of the UNet (f16, small random values).
  torch DIR [RUNS]
             diffusers + torch on the CPU on the same folder: one UNet step (2 x 4 x 32 x 32 latents, 77 tokens) without
             the LoRA, `load_lora_weights` time, a step with the adapter unfused (peft's side products), `fuse_lora`
             time, a fused step, `unfuse_lora` + `unload_lora_weights` time, and peak RSS; writes torch-lora.json.
"""
import json
import os
import resource
import statistics
import sys
import time

import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
RANK = 32


def make(out):
    if not os.path.exists(os.path.join(out, "unet", "config.json")):
        import sd15_bench
        sd15_bench.make(out)
    from diffusers import UNet2DConditionModel
    unet = UNet2DConditionModel.from_pretrained(os.path.join(out, "unet"))
    g = torch.Generator("cpu").manual_seed(3)
    tensors = {}
    for path, m in unet.named_modules():
        attention = "transformer_blocks" in path or path.endswith(("proj_in", "proj_out"))
        conv = any(s in path for s in ("resnets", "downsamplers", "upsamplers"))
        if not isinstance(m, (torch.nn.Linear, torch.nn.Conv2d)) or not (attention or conv):
            continue
        name = "lora_unet_" + path.replace(".", "_")
        w = m.weight
        down_shape = (RANK, *w.shape[1:]) if isinstance(m, torch.nn.Conv2d) else (RANK, w.shape[1])
        up_shape = (w.shape[0], RANK, 1, 1) if isinstance(m, torch.nn.Conv2d) else (w.shape[0], RANK)
        tensors[name + ".lora_down.weight"] = (torch.randn(down_shape, generator=g) * 0.01).half()
        tensors[name + ".lora_up.weight"] = (torch.randn(up_shape, generator=g) * 0.01).half()
        tensors[name + ".alpha"] = torch.tensor(float(RANK)).half()
    save_file(tensors, os.path.join(out, "lora-r32.safetensors"))
    print(f"wrote {len(tensors) // 3} LoRA layers, {os.path.getsize(os.path.join(out, 'lora-r32.safetensors')) >> 20} MiB")


def median_time(runs, body):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        body()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_torch(out, runs):
    from diffusers import StableDiffusionPipeline
    torch.set_grad_enabled(False)
    pipe = StableDiffusionPipeline.from_pretrained(out, torch_dtype=torch.float32, safety_checker=None,
                                                   requires_safety_checker=False)
    g = torch.Generator("cpu").manual_seed(5)
    sample = torch.randn((2, 4, 32, 32), generator=g)
    context = torch.randn((2, 77, 768), generator=g)
    t = torch.tensor(500.0)

    def step():
        return pipe.unet(sample, t, encoder_hidden_states=context).sample

    r = {"threads": torch.get_num_threads(), "runs": runs}
    before = step()
    r["step_base_s"] = median_time(runs, step)
    start = time.perf_counter()
    pipe.load_lora_weights(out, weight_name="lora-r32.safetensors", adapter_name="r32")
    r["load_lora_weights_s"] = time.perf_counter() - start
    r["step_unfused_s"] = median_time(runs, step)
    start = time.perf_counter()
    pipe.fuse_lora(adapter_names=["r32"], lora_scale=1.0)
    r["fuse_lora_s"] = time.perf_counter() - start
    r["step_fused_s"] = median_time(runs, step)
    start = time.perf_counter()
    pipe.unfuse_lora()
    pipe.unload_lora_weights()
    r["unfuse_unload_s"] = time.perf_counter() - start
    after = step()
    r["after_max_abs_diff"] = float((after - before).abs().max())
    r["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open(os.path.join(out, "torch-lora.json"), "w") as f:
        json.dump(r, f, indent=1)
    print(json.dumps(r, indent=1))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "make":
        make(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "torch":
        bench_torch(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
    else:
        print(__doc__)
        sys.exit(2)
