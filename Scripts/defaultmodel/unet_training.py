"""Phase 2: jointly train the CLIP text encoder and the UNet on VAE latents (epsilon prediction)."""

import copy
import math
import random
import time
from pathlib import Path

import numpy as np
import torch

from .common import Progress, atomic_save, images_to_tensor, log, render_seeds
from .dataset import caption_for, sample_scene
from .models import latent_size, make_text_encoder, make_train_scheduler, make_unet


class LatentCache:
    """VAE posterior (mean, logvar) of each training scene, encoded lazily and kept on disk."""

    def __init__(self, path, count, channels):
        self.path = Path(path)
        if self.path.exists():
            data = np.load(self.path)
            self.mean, self.logvar, self.filled = data["mean"], data["logvar"], data["filled"]
        else:
            size = latent_size()
            self.mean = np.zeros((count, channels, size, size), np.float32)
            self.logvar = np.zeros((count, channels, size, size), np.float32)
            self.filled = np.zeros(count, bool)

    @torch.no_grad()
    def get(self, vae, indices):
        missing = [int(i) for i in indices if not self.filled[i]]
        if missing:
            dist = vae.encode(images_to_tensor(render_seeds(missing))).latent_dist
            self.mean[missing] = dist.mean.numpy()
            self.logvar[missing] = dist.logvar.numpy()
            self.filled[missing] = True
        return torch.from_numpy(self.mean[indices]), torch.from_numpy(self.logvar[indices])

    def save(self):
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, mean=self.mean, logvar=self.logvar, filled=self.filled)
        tmp.replace(self.path)


def ema_update(ema, model, decay):
    with torch.no_grad():
        for e, p in zip(ema.parameters(), model.parameters()):
            if not p.requires_grad:
                continue
            e.mul_(decay).add_(p.detach(), alpha=1 - decay)


def tokenize(tokenizer, captions):
    return tokenizer(captions, padding="max_length", max_length=77, truncation=True,
                     return_tensors="pt").input_ids


def estimate_scaling_factor(cache, vae, count=512):
    _, _ = cache.get(vae, np.arange(count))
    return float(1.0 / cache.mean[:count].std())


def train_unet(args, vae, tokenizer, deadline):
    """Trains (or resumes) text encoder + UNet until `args.unet_steps` or the deadline."""
    out = Path(args.checkpoint_dir)
    ckpt_path = out / "unet_ckpt.pt"
    unet, text = make_unet(), make_text_encoder()
    token_embedding = text.get_input_embeddings()
    if args.freeze_token_embedding:
        # 49,408 x 64 rows of which our captions use ~100: training them costs a fifth of every step
        # (AdamW and EMA touch every row) and buys nothing, since random 64-d rows are already distinct
        # and each layer starts with a LayerNorm. The transformer layers and positions still train.
        token_embedding.weight.requires_grad_(False)
    params = [p for p in list(unet.parameters()) + list(text.parameters()) if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    cache = LatentCache(out / "latents.npz", args.num_scenes, vae.config.latent_channels)
    step, scaling = 0, None
    ema_unet, ema_text = copy.deepcopy(unet), copy.deepcopy(text)
    if args.resume and ckpt_path.exists():
        state = torch.load(ckpt_path, map_location="cpu")
        unet.load_state_dict(state["unet"]), text.load_state_dict(state["text"])
        ema_unet.load_state_dict(state["ema_unet"]), ema_text.load_state_dict(state["ema_text"])
        try:
            opt.load_state_dict(state["opt"])
        except ValueError:
            log("UNet: optimizer state does not match the trainable parameters (frozen embedding?); "
                "starting a fresh optimizer with warm-up")
            state["opt_reset_at"] = state["step"]
        torch.set_rng_state(state["rng_torch"])
        step, scaling = state["step"], state["scaling_factor"]
        log(f"UNet: resumed at step {step}")
    elif getattr(args, "init_from_export", None):
        # Fine-tuning the shipped model: same latent space (its VAE), its scaling factor, its UNet and
        # text encoder; a fresh optimiser warms up from zero.
        from .warmstart import load_into, scaling_factor
        load_into(args.init_from_export, unet, text)
        ema_unet.load_state_dict(unet.state_dict()), ema_text.load_state_dict(text.state_dict())
        scaling = scaling_factor(args.init_from_export)
        log(f"UNet: latent scaling factor {scaling:.4f} (from the export)")
    elif args.init_text_from:
        # Warm start: the text encoder of an earlier run already tells colours, shapes and positions
        # apart; only the UNet (new latent space) has to learn from scratch.
        donor = torch.load(args.init_text_from, map_location="cpu")
        text.load_state_dict(donor["ema_text"]), ema_text.load_state_dict(donor["ema_text"])
        log(f"UNet: text encoder initialised from {args.init_text_from} (step {donor['step']})")
    if args.freeze_token_embedding:
        with torch.no_grad():
            ema_text.get_input_embeddings().weight.copy_(token_embedding.weight)
    if scaling is None:
        scaling = estimate_scaling_factor(cache, vae)
        log(f"UNet: latent scaling factor {scaling:.4f}")
    for p in vae.parameters():
        p.requires_grad_(False)
    warm_from = state.get("opt_reset_at", 0) if args.resume and ckpt_path.exists() else 0
    missing = np.flatnonzero(~cache.filled)
    if len(missing):
        log(f"UNet: encoding {len(missing)} scenes not yet in the latent cache")
        for start in range(0, len(missing), 256):
            cache.get(vae, missing[start:start + 256])
        cache.save()
    noise_sched = make_train_scheduler()
    alphas = noise_sched.alphas_cumprod
    snr = alphas / (1 - alphas)
    rng = random.Random(args.seed * 31 + step)
    order_rng = np.random.default_rng(args.seed + step)

    def save():
        atomic_save({"unet": unet.state_dict(), "text": text.state_dict(),
                     "ema_unet": ema_unet.state_dict(), "ema_text": ema_text.state_dict(),
                     "opt": opt.state_dict(), "rng_torch": torch.get_rng_state(),
                     "step": step, "scaling_factor": scaling}, ckpt_path)
        cache.save()
        log(f"UNet: checkpoint saved at step {step} ({int(cache.filled.sum())} latents cached)")

    progress = Progress("unet", args.unet_steps, deadline)
    phase_start = time.time()
    last_save, recent = time.time(), []
    unet.train(), text.train()
    while step < args.unet_steps and time.time() < deadline:
        indices = order_rng.integers(0, args.num_scenes, args.batch)
        mean, logvar = cache.get(vae, indices)
        latents = (mean + torch.exp(0.5 * logvar) * torch.randn_like(mean)) * scaling
        captions = []
        for i in indices:
            scene = sample_scene(int(i))
            captions.append("" if rng.random() < args.caption_dropout
                            else caption_for(scene, rng.randrange(1 << 30)))
        ids = tokenize(tokenizer, captions)
        noise = torch.randn_like(latents)
        if args.noise_offset > 0:
            # Offset noise: Stable Diffusion's schedule keeps ~7% of the image at t=999, so a model can
            # read the image's mean colour from x_t instead of from the caption, and then starts every
            # sample (pure noise) with a random colour. A per-channel constant in the noise hides that leak.
            noise = noise + args.noise_offset * torch.randn(latents.shape[0], latents.shape[1], 1, 1)
        t = torch.randint(0, noise_sched.config.num_train_timesteps, (len(indices),))
        noisy = noise_sched.add_noise(latents, noise, t)
        hidden = text(ids)[0]
        pred = unet(noisy, t, hidden).sample
        per_sample = (pred - noise).pow(2).mean(dim=(1, 2, 3))
        weight = torch.clamp(snr[t], max=args.min_snr_gamma) / snr[t]  # Min-SNR-gamma weighting
        if args.high_noise_weight > 1:
            # Colour and layout are decided in the first, noisiest sampling steps, where an epsilon error
            # is small (x_t is almost all noise): weight them up, by 1/sqrt(alpha_bar) up to the cap.
            weight = weight * torch.clamp(alphas[t].rsqrt(), max=args.high_noise_weight)
        loss = (per_sample * weight).mean()
        warm = min(1.0, (step + 1 - warm_from) / args.warmup)
        lr = args.lr
        if args.lr_final is not None:
            # Cosine decay over this run's time budget, from --lr to --lr-final: a finishing run
            # (resumed from a constant-rate checkpoint) settles into a minimum instead of hovering.
            done = min(1.0, (time.time() - phase_start) / max(1.0, deadline - phase_start))
            lr = args.lr_final + (args.lr - args.lr_final) * 0.5 * (1 + math.cos(math.pi * done))
        for group in opt.param_groups:
            group["lr"] = lr * warm
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        decay = min(args.ema_decay, (1 + step) / (10 + step))
        ema_update(ema_unet, unet, decay), ema_update(ema_text, text, decay)
        plain = per_sample.mean().item()
        recent.append(plain)
        progress.update(step, plain)
        if time.time() - last_save > args.checkpoint_minutes * 60:
            save()
            last_save = time.time()
    save()
    tail = recent[-100:]
    log(f"UNet: stopped at step {step}; mean eps-MSE of the last {len(tail)} steps "
        f"{sum(tail) / max(len(tail), 1):.5f}")
    return ema_unet.eval(), ema_text.eval(), scaling, step
