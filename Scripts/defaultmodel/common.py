"""Shared helpers: seeding, atomic checkpoints, progress lines, image batches."""

import os
import random
import sys
import time

import numpy as np
import torch

from .dataset import sample_scene
from .render import render_scene


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed % (2 ** 32))
    torch.manual_seed(seed)


def atomic_save(obj, path):
    """torch.save to a temporary name, then rename, so a killed run never leaves half a checkpoint."""
    tmp = f"{path}.tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def log(message):
    stamp = time.strftime("%H:%M:%S", time.gmtime())
    print(f"[{stamp}] {message}", flush=True)


def images_to_tensor(images):
    """uint8 (N, H, W, 3) -> float (N, 3, H, W) in [-1, 1]."""
    array = np.stack(images).astype(np.float32) / 127.5 - 1.0
    return torch.from_numpy(array).permute(0, 3, 1, 2).contiguous()


def tensor_to_images(tensor):
    """float (N, 3, H, W) in [-1, 1] -> uint8 (N, H, W, 3)."""
    array = ((tensor.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()
    return list(array)


def render_seeds(seeds):
    return [render_scene(sample_scene(int(s))) for s in seeds]


class Progress:
    """Prints step, loss, it/s and ETA at most every `every` seconds."""

    def __init__(self, name, total_steps, deadline, every=30.0):
        self.name, self.total, self.deadline, self.every = name, total_steps, deadline, every
        self.last_time, self.last_step, self.losses = time.time(), None, []

    def update(self, step, loss):
        self.losses.append(loss)
        now = time.time()
        if self.last_step is None:
            self.last_step = step - 1
        if now - self.last_time < self.every:
            return
        rate = (step - self.last_step) / max(now - self.last_time, 1e-9)
        remaining_steps = max(self.total - step, 0) / max(rate, 1e-9)
        remaining_time = max(self.deadline - now, 0)
        eta = min(remaining_steps, remaining_time)
        mean = sum(self.losses) / len(self.losses)
        log(f"{self.name} step {step}/{self.total} loss {mean:.5f} {rate:.3f} it/s "
            f"ETA {eta / 60:.1f} min")
        self.last_time, self.last_step, self.losses = now, step, []
        sys.stdout.flush()
