"""Phase 1: train the AutoencoderKL on rendered scenes (64x64 RGB -> latents; size and width from arch.json)."""

import time
from pathlib import Path

import torch

from .common import Progress, atomic_save, images_to_tensor, log, render_seeds, tensor_to_images
from .models import make_vae

VAE_SEED_BASE = 10_000_000  # scene seeds for the VAE, disjoint from the diffusion scenes


def vae_loss(vae, batch, kl_weight, weight=None):
    posterior = vae.encode(batch).latent_dist
    recon = vae.decode(posterior.sample()).sample
    err = (recon - batch).abs() + 2.0 * (recon - batch).pow(2)
    rec = err.mean() if weight is None else (err * weight).mean() / weight.mean()
    kl = posterior.kl().mean()
    return rec + kl_weight * kl, rec.item(), kl.item()


def train_vae(args, deadline):
    """Trains (or resumes) the VAE until `args.vae_steps` or `deadline`; returns it in eval mode."""
    out = Path(args.checkpoint_dir)
    final_path, ckpt_path = out / "vae_final.pt", out / "vae_ckpt.pt"
    vae = make_vae()
    if final_path.exists():
        vae.load_state_dict(torch.load(final_path, map_location="cpu")["vae"])
        log(f"VAE: loaded finished weights from {final_path}")
        return vae.eval()
    opt = torch.optim.AdamW(vae.parameters(), lr=args.vae_lr, weight_decay=0.0)
    step = 0
    if args.resume and ckpt_path.exists():
        state = torch.load(ckpt_path, map_location="cpu")
        vae.load_state_dict(state["vae"])
        opt.load_state_dict(state["opt"])
        torch.set_rng_state(state["rng"])
        step = state["step"]
        log(f"VAE: resumed at step {step}")
    generator = torch.Generator().manual_seed(args.seed + 1)
    progress = Progress("vae", args.vae_steps, deadline)
    last_save = time.time()
    vae.train()
    rec_hist = []
    while step < args.vae_steps:
        if time.time() > deadline:
            log(f"VAE: time budget reached at step {step}; the VAE phase ends here")
            break
        seeds = [VAE_SEED_BASE + step * args.vae_batch + i for i in range(args.vae_batch)]
        batch = images_to_tensor(render_seeds(seeds))
        # Shapes cover a few percent of the pixels: weight them up (as in finetune_decoder) so the
        # latents must carry their outline and colour, not just the background.
        weight = 1.0 + args.vae_shape_weight * foreground_mask(seeds, batch) if args.vae_shape_weight > 0 else None
        if step < int(args.vae_steps * args.vae_crop_fraction):
            # Cheap early steps on random 32x32 crops (the VAE is fully convolutional).
            ox, oy = (int(v) for v in torch.randint(0, 33, (2,), generator=generator))
            batch = batch[:, :, oy:oy + 32, ox:ox + 32]
            weight = None if weight is None else weight[:, :, oy:oy + 32, ox:ox + 32]
        loss, rec, kl = vae_loss(vae, batch, args.vae_kl_weight, weight)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(vae.parameters(), 1.0)
        opt.step()
        step += 1
        rec_hist.append(rec)
        progress.update(step, rec)
        if time.time() - last_save > args.checkpoint_minutes * 60:
            atomic_save({"vae": vae.state_dict(), "opt": opt.state_dict(),
                         "rng": torch.get_rng_state(), "step": step}, ckpt_path)
            last_save = time.time()
    final_rec = sum(rec_hist[-50:]) / max(len(rec_hist[-50:]), 1)
    atomic_save({"vae": vae.state_dict(), "step": step, "final_rec_loss": final_rec}, final_path)
    log(f"VAE: finished {step} steps, final reconstruction loss (mean of last 50) {final_rec:.5f}")
    return vae.eval()


@torch.no_grad()
def vae_report(vae, count=64):
    """Reconstruction error (mean abs, 0-255 scale) on fresh full-size scenes."""
    seeds = [VAE_SEED_BASE - 1 - i for i in range(count)]
    batch = images_to_tensor(render_seeds(seeds))
    recon = vae.decode(vae.encode(batch).latent_dist.mode()).sample.clamp(-1, 1)
    return ((recon - batch).abs().mean() * 127.5).item()


@torch.no_grad()
def vae_ceiling(vae):
    """The judge's accuracy on the held-out test cases' ground-truth renders after a VAE round trip:
    the best any UNet could score with this VAE's latents."""
    from .dataset import heldout_test_cases
    from .judge import judge_cases
    from .render import Scene, ShapeObject, render_scene
    cases = heldout_test_cases()
    images = [render_scene(Scene(c["background"], (ShapeObject(c["color"], c["shape"], c["size"],
                                                               c["position"]),))) for c in cases]
    batch = images_to_tensor(images)
    recon = vae.decode(vae.encode(batch).latent_dist.mode()).sample.clamp(-1, 1)
    report = judge_cases(tensor_to_images(recon), cases)
    return {k: report[k] for k in ("color", "shape", "position", "all")}


def foreground_mask(seeds, batch):
    """(N, 1, H, W) 1.0 where a pixel differs from its scene's background colour, else 0.0."""
    from .dataset import sample_scene
    from .vocabulary import COLORS
    backgrounds = torch.tensor([COLORS[sample_scene(int(s)).background] for s in seeds], dtype=torch.float32)
    backgrounds = (backgrounds / 127.5 - 1.0).view(-1, 3, 1, 1)
    return ((batch - backgrounds).abs().amax(dim=1, keepdim=True) > 0.02).float()


def finetune_decoder(args, deadline):
    """Sharpens the finished VAE's decoder at full resolution with the encoder frozen.

    The latent space does not change, so a UNet trained on the old latents stays valid and this
    can run beside (or after) the diffusion phase. Updates vae_final.pt atomically now and then.
    """
    final_path = Path(args.checkpoint_dir) / "vae_final.pt"
    state = torch.load(final_path, map_location="cpu")
    vae = make_vae()
    vae.load_state_dict(state["vae"])
    device = torch.device(getattr(args, "device", "cpu"))
    vae.to(device)
    vae.requires_grad_(False)
    vae.decoder.requires_grad_(True)
    vae.post_quant_conv.requires_grad_(True)
    params = [p for p in vae.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.vae_lr * 0.5, weight_decay=0.0)
    done = state.get("decoder_finetune_steps", 0)
    progress = Progress("decoder", done + 100000, deadline)
    step, last_save, rec_hist = done, time.time(), []

    def save():
        atomic_save({**state, "vae": {k: v.cpu() for k, v in vae.state_dict().items()},
                     "decoder_finetune_steps": step}, final_path)
        log(f"decoder: saved after {step} fine-tuning steps")

    while time.time() < deadline:
        seeds = [VAE_SEED_BASE + 5_000_000 + step * args.vae_batch + i for i in range(args.vae_batch)]
        batch = images_to_tensor(render_seeds(seeds)).to(device)
        with torch.no_grad():
            posterior = vae.encode(batch).latent_dist
            latents = posterior.sample()
        recon = vae.decode(latents).sample
        # Shapes cover a few percent of the pixels, so a plain mean lets the decoder get their colour
        # and outline wrong cheaply (large grey shapes came back pink): weight shape pixels up.
        weight = 1.0 + args.decoder_shape_weight * foreground_mask(seeds, batch.cpu()).to(device)
        diff = recon - batch
        loss = ((diff.abs() + 2.0 * diff.pow(2)) * weight).mean() / weight.mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        rec_hist.append(loss.item())
        progress.update(step, loss.item())
        if time.time() - last_save > args.checkpoint_minutes * 60:
            save()
            last_save = time.time()
    save()
    vae.cpu()
    tail = rec_hist[-50:]
    log(f"decoder: held-out ground truth through the VAE judged {vae_ceiling(vae)}")
    log(f"decoder: mean reconstruction loss of the last {len(tail)} steps "
        f"{sum(tail) / max(len(tail), 1):.5f}; error on held-back scenes {vae_report(vae.eval()):.2f} / 255")
