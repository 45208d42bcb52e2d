"""Shared helpers for the training / export scripts."""
import math
import os
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
MODELS_DIR = os.path.join(REPO, "apps", "demo", "public", "models")
WORK_DIR = os.path.join(HERE, ".work")  # checkpoints, logs (git-ignored)


def seed_everything(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)


def lr_at(step, total, peak, warmup):
    if step < warmup:
        return peak * (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return peak * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * t)))


def dihedral(x, k, flip, dims=(-2, -1)):
    """One of the 8 symmetries of the square (shape classes are invariant under all of them)."""
    if flip:
        x = torch.flip(x, dims=(dims[1],))
    return torch.rot90(x, k, dims=dims)


class Log:
    def __init__(self, path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.f = open(path, "a", buffering=1)
        self.t0 = time.time()

    def __call__(self, *args):
        msg = " ".join(str(a) for a in args)
        line = f"[{time.time() - self.t0:7.1f}s] {msg}"
        print(line, flush=True)
        self.f.write(line + "\n")
