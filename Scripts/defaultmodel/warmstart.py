"""Warm start from an exported diffusers folder (the shipped model) instead of a training checkpoint.

Training checkpoints live outside the repository and do not survive a machine; the export does.
`arch_from_export` reads the architecture back from the folder's configs, `prepare_vae` writes the
export's VAE as the checkpoint folder's finished VAE (so the VAE phase is skipped and the latent space
stays the one the UNet knows), and `load_into` copies the UNet and text encoder into fresh modules.
"""

import json
from pathlib import Path

import torch

from .common import atomic_save, log
from .models import UNET_BLOCK_NAMES


def _config(directory, part):
    return json.loads((Path(directory) / part / "config.json").read_text())


def arch_from_export(directory):
    """(latent_channels, vae_channels, unet_channels, unet_blocks) of an exported model."""
    vae, unet = _config(directory, "vae"), _config(directory, "unet")
    by_down = {down: name for name, (down, _) in UNET_BLOCK_NAMES.items()}
    blocks = [by_down[b] for b in unet["down_block_types"]]
    return vae["latent_channels"], list(vae["block_out_channels"]), list(unet["block_out_channels"]), blocks


def scaling_factor(directory):
    return float(_config(directory, "vae")["scaling_factor"])


def prepare_vae(directory, checkpoint_dir):
    """Writes the export's VAE (widened to f32) as `vae_final.pt` unless the folder already has one."""
    from diffusers import AutoencoderKL

    target = Path(checkpoint_dir) / "vae_final.pt"
    if target.exists():
        return
    vae = AutoencoderKL.from_pretrained(str(Path(directory) / "vae"), torch_dtype=torch.float32)
    atomic_save({"vae": vae.state_dict(), "init_from_export": str(directory)}, target)
    log(f"VAE: taken from the export {directory}")


def load_into(directory, unet, text):
    """Loads the export's UNet and text encoder weights (f16 on disk) into f32 modules."""
    from diffusers import UNet2DConditionModel
    from transformers import CLIPTextModel

    donor_unet = UNet2DConditionModel.from_pretrained(str(Path(directory) / "unet"), torch_dtype=torch.float32)
    donor_text = CLIPTextModel.from_pretrained(str(Path(directory) / "text_encoder"), torch_dtype=torch.float32)
    unet.load_state_dict(donor_unet.state_dict())
    # Exports drop the position_ids buffer in some transformers versions: load what is there.
    missing, unexpected = text.load_state_dict(donor_text.state_dict(), strict=False)
    if unexpected or [m for m in missing if "position_ids" not in m]:
        raise SystemExit(f"text encoder of {directory} does not match: missing {missing}, unexpected {unexpected}")
    info = {}
    path = Path(directory) / "training.json"
    if path.exists():
        info = json.loads(path.read_text())
    log(f"UNet and text encoder initialised from the export {directory} (step {info.get('step', '?')})")
    return info
