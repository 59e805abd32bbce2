"""Export to a standard diffusers folder (f16 safetensors) and sample contact sheets with diffusers."""

import json
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .common import log
from .tokenizer import write_tokenizer_files
from .models import make_inference_scheduler, make_text_encoder, make_unet, make_vae


def build_pipeline(vae, text, tokenizer, unet, scaling):
    from diffusers import StableDiffusionPipeline

    vae.register_to_config(scaling_factor=scaling)
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text, tokenizer=tokenizer, unet=unet,
                                   scheduler=make_inference_scheduler(), safety_checker=None,
                                   feature_extractor=None, requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def pipeline_from_checkpoint(checkpoint_dir, tokenizer, prefer_best=False):
    """A float32 pipeline with the EMA weights of the latest UNet checkpoint, or with those chosen on
    the validation families (best_ema.pt, written by training with --eval-minutes) if `prefer_best`."""
    out = Path(checkpoint_dir)
    vae, unet, text = make_vae(), make_unet(), make_text_encoder()
    vae.load_state_dict(torch.load(out / "vae_final.pt", map_location="cpu")["vae"])
    path = out / "best_ema.pt" if prefer_best and (out / "best_ema.pt").exists() else out / "unet_ckpt.pt"
    state = torch.load(path, map_location="cpu")
    unet.load_state_dict(state["ema_unet"])
    text.load_state_dict(state["ema_text"])
    log(f"loaded EMA weights of step {state['step']} from {path}")
    pipe = build_pipeline(vae.eval(), text.eval(), tokenizer, unet.eval(), state["scaling_factor"])
    return pipe, state["step"]


def export_pipeline(pipe, directory, extra_info, bpe_source=None):
    """Saves a diffusers folder with f16 safetensors and reports its size in bytes."""
    directory = Path(directory)
    device = pipe.device
    pipe.to("cpu", torch.float16)
    pipe.save_pretrained(directory, safe_serialization=True)
    pipe.to(device, torch.float32)
    # Also the classic CLIP tokenizer files (vocab.json + merges.txt), which Stable Diffusion
    # folders carry and the native engine reads.
    # From --bpe-source when given (the repo's own copy), else the open_clip wheel.
    if bpe_source:
        write_tokenizer_files(directory / "tokenizer", bpe_source)
    else:
        write_tokenizer_files(directory / "tokenizer")
    (directory / "training.json").write_text(json.dumps(extra_info, indent=1) + "\n")
    total = sum(f.stat().st_size for f in directory.rglob("*") if f.is_file())
    log(f"exported to {directory}: {total / 1e6:.2f} MB")
    return total


def load_exported(directory):
    from diffusers import StableDiffusionPipeline

    pipe = StableDiffusionPipeline.from_pretrained(str(directory), torch_dtype=torch.float32,
                                                   safety_checker=None,
                                                   requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    return pipe


@torch.no_grad()
def generate(pipe, cases, steps=30, guidance=6.0, batch=16):
    """One image per test case (caption + seed) as uint8 arrays, via the diffusers pipeline."""
    images = []
    for start in range(0, len(cases), batch):
        chunk = cases[start:start + batch]
        # CPU generators on any device: the same seeds give the same starting noise on a GPU.
        generators = [torch.Generator().manual_seed(c["seed"]) for c in chunk]
        result = pipe([c["caption"] for c in chunk], num_inference_steps=steps,
                      guidance_scale=guidance, generator=generators, output_type="np")
        images.extend((np.clip(result.images, 0, 1) * 255).round().astype(np.uint8))
    return images


def contact_sheet(images, path, columns=8, scale=2, labels=None):
    """Saves a grid of images (scaled up with nearest neighbour), optional red marks on misses."""
    size = images[0].shape[0] * scale
    rows = (len(images) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * (size + 4), rows * (size + 4)), (60, 60, 60))
    for i, image in enumerate(images):
        tile = Image.fromarray(image).resize((size, size), Image.NEAREST)
        x, y = (i % columns) * (size + 4) + 2, (i // columns) * (size + 4) + 2
        if labels is not None and not labels[i]:
            sheet.paste((255, 0, 0), (x - 2, y - 2, x + size + 2, y + size + 2))
        sheet.paste(tile, (x, y))
    sheet.save(path)
    return path
