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

    def __init__(self, path, count, channels, persist=True):
        self.path, self.persist, self.on_device = Path(path), persist, None
        if self.path.exists() and persist:
            data = np.load(self.path)
            self.mean, self.logvar, self.filled = data["mean"], data["logvar"], data["filled"]
        else:
            size = latent_size()
            self.mean = np.zeros((count, channels, size, size), np.float32)
            self.logvar = np.zeros((count, channels, size, size), np.float32)
            self.filled = np.zeros(count, bool)

    @torch.no_grad()
    def get(self, vae, indices):
        if self.on_device is not None:
            mean, logvar = self.on_device
            index = torch.as_tensor(indices, device=mean.device)
            return mean[index], logvar[index]
        missing = [int(i) for i in indices if not self.filled[i]]
        if missing:
            self._encode(vae, missing, render_seeds(missing))
        return torch.from_numpy(self.mean[indices]), torch.from_numpy(self.logvar[indices])

    def _encode(self, vae, indices, images):
        device = next(vae.parameters()).device
        dist = vae.encode(images_to_tensor(images).to(device)).latent_dist
        self.mean[indices] = dist.mean.cpu().numpy()
        self.logvar[indices] = dist.logvar.cpu().numpy()
        self.filled[indices] = True

    @torch.no_grad()
    def fill(self, vae, workers=0, chunk=1024):
        """Encodes every scene not yet cached; renders in `workers` processes when > 1."""
        missing = np.flatnonzero(~self.filled)
        if not len(missing):
            return
        log(f"UNet: encoding {len(missing)} scenes not yet in the latent cache")
        chunks = [missing[i:i + chunk] for i in range(0, len(missing), chunk)]
        if workers > 1:
            import multiprocessing
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for idx, images in zip(chunks, pool.imap(render_seeds, [c.tolist() for c in chunks])):
                    self._encode(vae, idx, images)
        else:
            for idx in chunks:
                self._encode(vae, idx, render_seeds(idx.tolist()))
        self.save()

    def to_device(self, device):
        """Keeps the whole cache on `device` (a GPU): batches are then gathered there."""
        self.on_device = (torch.from_numpy(self.mean).to(device), torch.from_numpy(self.logvar).to(device))

    def save(self):
        if not self.persist:
            return
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, mean=self.mean, logvar=self.logvar, filled=self.filled)
        tmp.replace(self.path)


def ema_pairs(ema, model):
    """(EMA parameters, model parameters) of the trainable parameters, for `ema_update`."""
    pairs = [(e, p) for e, p in zip(ema.parameters(), model.parameters()) if p.requires_grad]
    return [e for e, _ in pairs], [p for _, p in pairs]


def ema_update(pairs, decay):
    ema, model = pairs
    with torch.no_grad():
        torch._foreach_mul_(ema, decay)
        torch._foreach_add_(ema, [p.detach() for p in model], alpha=1 - decay)


def batch_captions(indices, rng, dropout):
    """Training captions for the scenes `indices` (empty ones for classifier-free guidance)."""
    captions = []
    for i in indices:
        scene = sample_scene(int(i))
        captions.append("" if rng.random() < dropout else caption_for(scene, rng.randrange(1 << 30)))
    return captions


class CaptionBatches(torch.utils.data.IterableDataset):
    """Endless (scene indices, token ids) batches, built in DataLoader worker processes: on a GPU,
    captioning and tokenising 256 scenes in Python costs more than the training step."""

    def __init__(self, tokenizer, num_scenes, batch, dropout, seed):
        super().__init__()
        self.tokenizer, self.num_scenes, self.batch, self.dropout, self.seed = tokenizer, num_scenes, batch, dropout, seed

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        worker = info.id if info is not None else 0
        order = np.random.default_rng([self.seed, worker])
        rng = random.Random(self.seed * 1009 + worker)
        while True:
            indices = order.integers(0, self.num_scenes, self.batch)
            yield torch.from_numpy(indices), tokenize(self.tokenizer, batch_captions(indices, rng, self.dropout))


def tokenize(tokenizer, captions):
    return tokenizer(captions, padding="max_length", max_length=77, truncation=True,
                     return_tensors="pt").input_ids


def estimate_scaling_factor(cache, vae, count=512):
    _, _ = cache.get(vae, np.arange(count))
    return float(1.0 / cache.mean[:count].std())


def validation_score(rows):
    """The number checkpoints are chosen by: mean over validation families of (colour + shape +
    position) / 3, position counted where the caption states one."""
    def row_score(r):
        parts = [r["color"], r["shape"]] + ([r["position"]] if r["position"] is not None else [])
        return sum(parts) / len(parts)
    return sum(row_score(r) for r in rows) / len(rows)


@torch.no_grad()
def judge_validation(vae, text, tokenizer, unet, scaling, steps=30, guidance=6.0):
    """Accuracy per validation family (phrasings.py) of the given weights: for choosing checkpoints."""
    from .export import build_pipeline, generate
    from .judge import judge_cases
    from .phrasings import families, family_cases

    pipe = build_pipeline(vae, text, tokenizer, unet, scaling)
    rows = []
    for family in families("validation"):
        cases = family_cases(family)
        report = judge_cases(generate(pipe, cases, steps=steps, guidance=guidance, batch=len(cases)), cases)
        stated = [r for r, c in zip(report["results"], cases) if c["states_position"]]
        rows.append({"family": family, "color": report["color"], "shape": report["shape"],
                     "position": (sum(r["position"] for r in stated) / len(stated)) if stated else None})
    return rows


def train_unet(args, vae, tokenizer, deadline):
    """Trains (or resumes) text encoder + UNet until `args.unet_steps` or the deadline."""
    out = Path(args.checkpoint_dir)
    ckpt_path = out / "unet_ckpt.pt"
    device = torch.device(getattr(args, "device", "cpu"))
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    unet, text = make_unet(), make_text_encoder()
    token_embedding = text.get_input_embeddings()
    if args.freeze_token_embedding:
        # 49,408 x 64 rows of which our captions use ~100: training them costs a fifth of every step
        # (AdamW and EMA touch every row) and buys nothing, since random 64-d rows are already distinct
        # and each layer starts with a LayerNorm. The transformer layers and positions still train.
        token_embedding.weight.requires_grad_(False)
    cache = LatentCache(out / "latents.npz", args.num_scenes, vae.config.latent_channels,
                        persist=getattr(args, "save_latents", True))
    step, scaling = 0, None
    ema_unet, ema_text = copy.deepcopy(unet), copy.deepcopy(text)
    state = {}
    if args.resume and ckpt_path.exists():
        state = torch.load(ckpt_path, map_location="cpu")
        unet.load_state_dict(state["unet"]), text.load_state_dict(state["text"])
        ema_unet.load_state_dict(state["ema_unet"]), ema_text.load_state_dict(state["ema_text"])
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
    for module in (unet, text, ema_unet, ema_text, vae):
        module.to(device)
    # The token embedding, when it trains, gets no weight decay: most of its 49,408 rows never
    # appear in a caption and would only shrink.
    embedding = [token_embedding.weight] if token_embedding.weight.requires_grad else []
    others = [p for p in list(unet.parameters()) + list(text.parameters())
              if p.requires_grad and p is not token_embedding.weight]
    params = others + embedding
    groups = [{"params": others, "weight_decay": 0.01}] + ([{"params": embedding, "weight_decay": 0.0}] if embedding else [])
    opt = torch.optim.AdamW(groups, lr=args.lr)
    if state:
        try:
            opt.load_state_dict(state["opt"])
        except ValueError:
            log("UNet: optimizer state does not match the trainable parameters (frozen embedding?); "
                "starting a fresh optimizer with warm-up")
            state["opt_reset_at"] = state["step"]
    if scaling is None:
        scaling = estimate_scaling_factor(cache, vae)
        log(f"UNet: latent scaling factor {scaling:.4f}")
    for p in vae.parameters():
        p.requires_grad_(False)
    warm_from = state.get("opt_reset_at", 0) if state else 0
    cache.fill(vae, workers=getattr(args, "loader_workers", 0))
    if device.type != "cpu":
        cache.to_device(device)
    noise_sched = make_train_scheduler()
    alphas = noise_sched.alphas_cumprod.to(device)
    snr = alphas / (1 - alphas)
    rng = random.Random(args.seed * 31 + step)
    order_rng = np.random.default_rng(args.seed + step)
    batches = None
    if getattr(args, "loader_workers", 0) > 0:
        loader = torch.utils.data.DataLoader(
            CaptionBatches(tokenizer, args.num_scenes, args.batch, args.caption_dropout, args.seed * 31 + step),
            batch_size=None, num_workers=args.loader_workers, pin_memory=device.type == "cuda",
            prefetch_factor=4, persistent_workers=True)
        batches = iter(loader)
    ema_unet_pairs, ema_text_pairs = ema_pairs(ema_unet, unet), ema_pairs(ema_text, text)
    eval_every = getattr(args, "eval_minutes", None)
    best = {"score": -1.0}

    def save():
        atomic_save({"unet": unet.state_dict(), "text": text.state_dict(),
                     "ema_unet": ema_unet.state_dict(), "ema_text": ema_text.state_dict(),
                     "opt": opt.state_dict(), "rng_torch": torch.get_rng_state(),
                     "step": step, "scaling_factor": scaling}, ckpt_path)
        cache.save()
        log(f"UNet: checkpoint saved at step {step} ({int(cache.filled.sum())} latents cached)")

    def validate():
        # Checkpoint choice on the validation families alone (never test or blind ones).
        rows = judge_validation(vae, ema_text, tokenizer, ema_unet, scaling)
        score = validation_score(rows)
        shown = ", ".join(f"{r['family']} {r['color']:.0%}/{r['shape']:.0%}/"
                          f"{'-' if r['position'] is None else format(r['position'], '.0%')}" for r in rows)
        log(f"UNet: validation at step {step}: score {score:.4f} ({shown})")
        if score > best["score"]:
            best.update(score=score, step=step)
            atomic_save({"ema_unet": {k: v.cpu() for k, v in ema_unet.state_dict().items()},
                         "ema_text": {k: v.cpu() for k, v in ema_text.state_dict().items()},
                         "step": step, "scaling_factor": scaling, "validation": rows, "score": score},
                        out / "best_ema.pt")
            log(f"UNet: best validation so far (step {step}); saved best_ema.pt")

    progress = Progress("unet", args.unet_steps, deadline)
    phase_start = time.time()
    last_save, last_eval, recent, pending = time.time(), time.time(), [], []
    unet.train(), text.train()
    if eval_every:
        validate()
        last_eval = time.time()
    while step < args.unet_steps and time.time() < deadline:
        if batches is not None:
            indices, ids = next(batches)
            indices, ids = indices.numpy(), ids.to(device, non_blocking=True)
        else:
            indices = order_rng.integers(0, args.num_scenes, args.batch)
            ids = tokenize(tokenizer, batch_captions(indices, rng, args.caption_dropout)).to(device)
        mean, logvar = cache.get(vae, indices)
        mean, logvar = mean.to(device), logvar.to(device)
        latents = (mean + torch.exp(0.5 * logvar) * torch.randn_like(mean)) * scaling
        noise = torch.randn_like(latents)
        if args.noise_offset > 0:
            # Offset noise: Stable Diffusion's schedule keeps ~7% of the image at t=999, so a model can
            # read the image's mean colour from x_t instead of from the caption, and then starts every
            # sample (pure noise) with a random colour. A per-channel constant in the noise hides that leak.
            noise = noise + args.noise_offset * torch.randn(latents.shape[0], latents.shape[1], 1, 1, device=device)
        t = torch.randint(0, noise_sched.config.num_train_timesteps, (len(indices),), device=device)
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
        ema_update(ema_unet_pairs, decay), ema_update(ema_text_pairs, decay)
        pending.append(per_sample.mean().detach())
        if len(pending) >= (1 if device.type == "cpu" else 25):
            # One host sync per 25 steps on a GPU, not one per step.
            for value in torch.stack(pending).tolist():
                recent.append(value)
                progress.update(step, value)
            pending = []
        if time.time() - last_save > args.checkpoint_minutes * 60:
            save()
            last_save = time.time()
        if eval_every and time.time() - last_eval > eval_every * 60:
            validate()
            unet.train(), text.train()
            last_eval = time.time()
    save()
    if eval_every:
        validate()
        log(f"UNet: chosen on validation: step {best['step']} (score {best['score']:.4f})")
    tail = recent[-100:]
    log(f"UNet: stopped at step {step}; mean eps-MSE of the last {len(tail)} steps "
        f"{sum(tail) / max(len(tail), 1):.5f}")
    return ema_unet.eval(), ema_text.eval(), scaling, step
