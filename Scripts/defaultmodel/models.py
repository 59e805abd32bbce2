"""Standard diffusers / transformers architectures, sized for 64x64 images on two CPU cores."""

import json
from pathlib import Path

TEXT_HIDDEN = 64

VAE_CONFIG = dict(
    in_channels=3, out_channels=3,
    down_block_types=("DownEncoderBlock2D",) * 4,
    up_block_types=("UpDecoderBlock2D",) * 4,
    block_out_channels=(16, 32, 64, 64),
    layers_per_block=1,
    latent_channels=4,
    norm_num_groups=16,
    sample_size=64,
)

TEXT_CONFIG = dict(
    vocab_size=49408,
    hidden_size=TEXT_HIDDEN,
    intermediate_size=TEXT_HIDDEN * 4,
    num_hidden_layers=3,
    num_attention_heads=4,
    max_position_embeddings=77,
    hidden_act="quick_gelu",
    projection_dim=TEXT_HIDDEN,
    bos_token_id=49406,
    eos_token_id=49407,
    pad_token_id=49407,
)

UNET_CONFIG = dict(
    sample_size=8,
    in_channels=4, out_channels=4,
    down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
    block_out_channels=(32, 64, 64),
    layers_per_block=1,
    cross_attention_dim=TEXT_HIDDEN,
    attention_head_dim=4,  # diffusers' legacy name: the number of heads per attention layer
    norm_num_groups=32,
)


UNET_BLOCK_NAMES = {"cross": ("CrossAttnDownBlock2D", "CrossAttnUpBlock2D"), "plain": ("DownBlock2D", "UpBlock2D")}


def configure(checkpoint_dir, latent_channels=None, vae_channels=None, unet_channels=None, unet_blocks=None):
    """Sets the latent width, the VAE's block widths and the UNet's levels for this checkpoint folder.

    The choice is recorded in `arch.json` there on first use and read back on every later run
    (resume, export, sampling), so one folder always holds one architecture. Folders from before
    arch.json existed are the original recipe (4 latent channels, VAE 16/32/64/64). The VAE's depth sets
    the latent size (64 / 2^(levels - 1)); `unet_blocks` names each UNet level "cross" (cross-attention)
    or "plain", from the highest resolution down (default: the original 32/64/64, cross, cross, plain).
    """
    path = Path(checkpoint_dir) / "arch.json"
    if path.exists():
        arch = json.loads(path.read_text())
    elif (Path(checkpoint_dir) / "vae_final.pt").exists() or (Path(checkpoint_dir) / "vae_ckpt.pt").exists():
        arch = dict(latent_channels=4, vae_channels=[16, 32, 64, 64])
    else:
        arch = dict(latent_channels=latent_channels or 4, vae_channels=list(vae_channels or (16, 32, 64, 64)))
    arch.setdefault("unet_channels", list(unet_channels or (32, 64, 64)))
    arch.setdefault("unet_blocks", list(unet_blocks or ("cross", "cross", "plain")))
    for name, wanted in (("latent_channels", latent_channels), ("vae_channels", vae_channels),
                         ("unet_channels", unet_channels), ("unet_blocks", unet_blocks)):
        if wanted is not None and (list(wanted) if isinstance(wanted, (list, tuple)) else wanted) != arch[name]:
            raise SystemExit(f"{checkpoint_dir} holds a model with {name}={arch[name]}; "
                             f"use another --checkpoint-dir for {name}={wanted}")
    Path(checkpoint_dir).mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(arch) + "\n")
    tmp.replace(path)
    VAE_CONFIG.update(latent_channels=arch["latent_channels"], block_out_channels=tuple(arch["vae_channels"]),
                      norm_num_groups=min(16, arch["vae_channels"][0]))
    if len(arch["unet_channels"]) != len(arch["unet_blocks"]) or any(b not in UNET_BLOCK_NAMES for b in arch["unet_blocks"]):
        raise SystemExit(f"unet_blocks {arch['unet_blocks']} must name each of the {len(arch['unet_channels'])} "
                         f"UNet levels 'cross' or 'plain'")
    levels = len(arch["vae_channels"])
    VAE_CONFIG.update(down_block_types=("DownEncoderBlock2D",) * levels, up_block_types=("UpDecoderBlock2D",) * levels)
    UNET_CONFIG.update(in_channels=arch["latent_channels"], out_channels=arch["latent_channels"],
                       sample_size=VAE_CONFIG["sample_size"] // 2 ** (levels - 1),
                       block_out_channels=tuple(arch["unet_channels"]),
                       down_block_types=tuple(UNET_BLOCK_NAMES[b][0] for b in arch["unet_blocks"]),
                       up_block_types=tuple(UNET_BLOCK_NAMES[b][1] for b in reversed(arch["unet_blocks"])))
    return arch


def latent_size():
    return UNET_CONFIG["sample_size"]


# Stable Diffusion's training noise schedule (epsilon prediction, scaled_linear betas).
NOISE_SCHEDULE = dict(
    num_train_timesteps=1000,
    beta_start=0.00085,
    beta_end=0.012,
    beta_schedule="scaled_linear",
    prediction_type="epsilon",
)


def make_vae():
    from diffusers import AutoencoderKL
    return AutoencoderKL(**VAE_CONFIG)


def make_text_encoder():
    from transformers import CLIPTextConfig, CLIPTextModel
    return CLIPTextModel(CLIPTextConfig(**TEXT_CONFIG))


def make_unet():
    from diffusers import UNet2DConditionModel
    return UNet2DConditionModel(**UNET_CONFIG)


def make_train_scheduler():
    from diffusers import DDPMScheduler
    return DDPMScheduler(**NOISE_SCHEDULE, clip_sample=False)


def make_inference_scheduler():
    """The scheduler saved with the model: DDIM with Stable Diffusion 1.x's settings."""
    from diffusers import DDIMScheduler
    return DDIMScheduler(**NOISE_SCHEDULE, clip_sample=False, set_alpha_to_one=False,
                         steps_offset=1, timestep_spacing="leading")


def count_parameters(module):
    return sum(p.numel() for p in module.parameters())
