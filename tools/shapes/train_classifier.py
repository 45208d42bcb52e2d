"""Train the shapes BiT classifier (BitForImageClassification) on procedurally generated images.

    nice -n 19 /usr/bin/python3 tools/shapes/train_classifier.py
Writes tools/shapes/.work/classifier/{model.safetensors,config.json,preprocessor_config.json,train.log,metrics.json}.
Images go through the same path as at inference: rendered at a random size (64-128 px),
BitImageProcessor resize (shortest edge, bicubic) + centre crop, normalisation.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import WORK_DIR, Log, dihedral, lr_at, seed_everything  # noqa: E402
from configs import BitConfig  # noqa: E402
from modeling_bit import BitForImageClassification  # noqa: E402
from processor import normalize, preprocess_uint8  # noqa: E402
from safetensors_io import save_safetensors  # noqa: E402
import shapes  # noqa: E402

SEED = 1234
INPUT = 64
CONFIG = dict(
    architectures=["BitForImageClassification"],
    layer_type="preactivation",
    global_padding=None,
    embedding_dynamic_padding=False,
    embedding_size=32,
    hidden_sizes=[32, 64, 128, 256],
    depths=[1, 1, 2, 1],
    num_groups=8,
    id2label={i: n for i, n in enumerate(shapes.CLS_CLASSES)},
)
PROCESSOR = {
    "crop_size": {"height": INPUT, "width": INPUT},
    "do_center_crop": True,
    "do_convert_rgb": True,
    "do_normalize": True,
    "do_rescale": True,
    "do_resize": True,
    "image_mean": [0.48145466, 0.4578275, 0.40821073],
    "image_processor_type": "BitImageProcessor",
    "image_std": [0.26862954, 0.26130258, 0.27577711],
    "resample": 3,
    "rescale_factor": 0.00392156862745098,
    "size": {"shortest_edge": INPUT},
}


def source_size(seed, split, i):
    return int(np.random.default_rng([seed, 99, shapes.SPLITS[split], i]).integers(64, 129))


def make_set(seed, split, n, log=None):
    xs = np.zeros((n, INPUT, INPUT, 3), np.uint8)
    ys = np.zeros(n, np.int64)
    t = time.time()
    for i in range(n):
        img, y = shapes.classification_sample(seed, split, i, source_size(seed, split, i))
        xs[i] = preprocess_uint8(img, PROCESSOR)
        ys[i] = y
        if log and (i + 1) % 5000 == 0:
            log(f"generated {i + 1}/{n} {split} images ({time.time() - t:.0f}s)")
    return xs, ys


def evaluate(model, xs, ys, bs=256):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(xs), bs):
            x = torch.from_numpy(normalize(xs[i : i + bs], PROCESSOR))
            correct += int((model(x).argmax(1).numpy() == ys[i : i + bs]).sum())
    model.train()
    return correct / len(xs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train-images", type=int, default=24000)
    ap.add_argument("--test-images", type=int, default=2000)
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--out", default=os.path.join(WORK_DIR, "classifier"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    seed_everything(SEED)
    os.makedirs(args.out, exist_ok=True)
    log = Log(os.path.join(args.out, "train.log"))
    log(f"args {vars(args)}")

    config = BitConfig(**CONFIG)
    model = BitForImageClassification(config)
    log(f"parameters: {sum(p.numel() for p in model.parameters())}")

    t_gen = time.time()
    xs, ys = make_set(SEED, "train", args.train_images, log)
    vx, vy = make_set(SEED, "val", 1000)
    gen_s = time.time() - t_gen
    log(f"data generated in {gen_s:.0f}s")

    mean = torch.tensor(PROCESSOR["image_mean"]).view(1, 3, 1, 1)
    std = torch.tensor(PROCESSOR["image_std"]).view(1, 3, 1, 1)
    decay = [p for n, p in model.named_parameters() if p.dim() > 1]
    no_decay = [p for n, p in model.named_parameters() if p.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr)
    g = torch.Generator().manual_seed(SEED)
    t_train = time.time()
    model.train()
    running = 0.0
    for step in range(args.steps):
        for grp in opt.param_groups:
            grp["lr"] = lr_at(step, args.steps, args.lr, 200)
        idx = torch.randint(0, len(xs), (args.batch,), generator=g)
        x = torch.from_numpy(xs[idx.numpy()]).permute(0, 3, 1, 2).float() / 255.0
        # label-preserving augmentation: symmetries of the square, channel permutation
        k, flip = int(torch.randint(0, 4, (1,), generator=g)), bool(torch.randint(0, 2, (1,), generator=g))
        x = dihedral(x, k, flip)
        x = x[:, torch.randperm(3, generator=g)]
        x = (x - mean) / std
        y = torch.from_numpy(ys[idx.numpy()])
        loss = F.cross_entropy(model(x), y, label_smoothing=0.05)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
        if (step + 1) % 250 == 0 or step == args.steps - 1:
            msg = f"step {step + 1}/{args.steps} loss {running:.4f} lr {opt.param_groups[0]['lr']:.2e}"
            if (step + 1) % 1000 == 0 or step == args.steps - 1:
                msg += f" val_acc {evaluate(model, vx, vy):.4f}"
            log(msg)
    train_s = time.time() - t_train
    model.eval()
    log(f"training took {train_s:.0f}s")

    tx, ty = make_set(SEED, "test", args.test_images)
    acc = evaluate(model, tx, ty)
    log(f"held-out test accuracy: {acc:.4f} on {args.test_images} fresh images (split 'test', seed {SEED})")

    save_safetensors(model.state_dict(), os.path.join(args.out, "model.safetensors"))
    config.save(os.path.join(args.out, "config.json"))
    with open(os.path.join(args.out, "preprocessor_config.json"), "w") as f:
        f.write(json.dumps(PROCESSOR, indent=2, sort_keys=True) + "\n")
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump({"test_accuracy": acc, "test_images": args.test_images, "seed": SEED, "train_seconds": train_s,
                   "data_seconds": gen_s, "steps": args.steps, "batch": args.batch,
                   "train_images": args.train_images}, f, indent=2)


if __name__ == "__main__":
    main()
