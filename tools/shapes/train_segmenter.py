"""Train the shapes BEiT segmenter (BeitForSemanticSegmentation, UperNet + FCN auxiliary head).

    nice -n 19 /usr/bin/python3 tools/shapes/train_segmenter.py
Writes tools/shapes/.work/segmenter/{model.safetensors,config.json,preprocessor_config.json,train.log,metrics.json}.
Images are rendered at a random size (64-128 px) and resized to 64x64 by the BeitImageProcessor
path (bilinear); the training mask is rendered at 64x64. Loss as in Transformers: logits
bilinearly upsampled to the label size, cross-entropy + 0.4 x auxiliary-head cross-entropy.
Held-out mIoU follows post_process_semantic_segmentation: logits upsampled to each image's own
size, argmax, compared with the mask rendered at that size; IoU per class from the confusion
matrix summed over the whole set, mean over all classes including background.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import WORK_DIR, Log, dihedral, lr_at, seed_everything  # noqa: E402
from configs import BeitConfig  # noqa: E402
from modeling_beit import BeitForSemanticSegmentation  # noqa: E402
from processor import normalize, preprocess_uint8  # noqa: E402
from safetensors_io import save_safetensors  # noqa: E402
import shapes  # noqa: E402

SEED = 4321
INPUT = 64
CONFIG = dict(
    architectures=["BeitForSemanticSegmentation"],
    image_size=INPUT,
    patch_size=8,
    hidden_size=48,
    num_hidden_layers=5,
    num_attention_heads=4,
    intermediate_size=192,
    use_relative_position_bias=True,
    use_mean_pooling=True,
    layer_scale_init_value=0.1,
    drop_path_rate=0.0,
    out_indices=[2, 3, 4, 5],
    pool_scales=[1, 2, 3, 6],
    use_auxiliary_head=True,
    auxiliary_channels=32,
    id2label={i: n for i, n in enumerate(shapes.SEG_CLASSES)},
)
PROCESSOR = {
    "crop_size": {"height": INPUT, "width": INPUT},
    "do_center_crop": False,
    "do_normalize": True,
    "do_reduce_labels": False,
    "do_rescale": True,
    "do_resize": True,
    "image_mean": [0.5, 0.5, 0.5],
    "image_processor_type": "BeitImageProcessor",
    "image_std": [0.5, 0.5, 0.5],
    "resample": 2,
    "rescale_factor": 0.00392156862745098,
    "size": {"height": INPUT, "width": INPUT},
}
NUM = len(shapes.SEG_CLASSES)


def source_size(seed, split, i):
    return int(np.random.default_rng([seed, 98, shapes.SPLITS[split], i]).integers(64, 129))


def make_train_set(seed, split, n, log=None):
    xs = np.zeros((n, INPUT, INPUT, 3), np.uint8)
    ms = np.zeros((n, INPUT, INPUT), np.uint8)
    t = time.time()
    for i in range(n):
        img, mask = shapes.segmentation_sample(seed, split, i, source_size(seed, split, i), mask_size=INPUT)
        xs[i] = preprocess_uint8(img, PROCESSOR)
        ms[i] = mask
        if log and (i + 1) % 3000 == 0:
            log(f"generated {i + 1}/{n} {split} images ({time.time() - t:.0f}s)")
    return xs, ms


def predict(model, img_u8_batch):
    with torch.no_grad():
        return model(torch.from_numpy(normalize(img_u8_batch, PROCESSOR)))


def confusion(pred, mask, n=NUM):
    return np.bincount(mask.reshape(-1).astype(np.int64) * n + pred.reshape(-1), minlength=n * n).reshape(n, n)


def miou_from_confusion(cm):
    inter = np.diag(cm).astype(np.float64)
    union = cm.sum(0) + cm.sum(1) - np.diag(cm)
    iou = np.where(union > 0, inter / np.maximum(union, 1), np.nan)
    return float(np.nanmean(iou)), iou


def evaluate_native(model, seed, split, n):
    """Full-path evaluation: images at their own size, masks at that size."""
    model.eval()
    cm = np.zeros((NUM, NUM), np.int64)
    for i in range(n):
        size = source_size(seed, split, i)
        img, mask = shapes.segmentation_sample(seed, split, i, size)
        logits = predict(model, preprocess_uint8(img, PROCESSOR)[None])
        up = F.interpolate(logits, size=mask.shape, mode="bilinear", align_corners=False)
        cm += confusion(up[0].argmax(0).numpy(), mask)
    model.train()
    return miou_from_confusion(cm)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train-images", type=int, default=10000)
    ap.add_argument("--test-images", type=int, default=500)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1.2e-3)
    ap.add_argument("--out", default=os.path.join(WORK_DIR, "segmenter"))
    ap.add_argument("--init", default=None, help="continue from this model.safetensors (a second phase, new schedule)")
    ap.add_argument("--phase-seed", type=int, default=0, help="added to the batch-order seed (for a second phase)")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    seed_everything(SEED)
    os.makedirs(args.out, exist_ok=True)
    log = Log(os.path.join(args.out, "train.log"))
    log(f"args {vars(args)}")

    config = BeitConfig(**CONFIG)
    model = BeitForSemanticSegmentation(config)
    if args.init:
        from safetensors_io import load_safetensors

        model.load_state_dict(load_safetensors(args.init), strict=True)
        log(f"initialised from {args.init}")
    log(f"parameters: {sum(p.numel() for p in model.parameters())}")

    t_gen = time.time()
    cache = os.path.join(WORK_DIR, f"segmenter-train-{SEED}-{args.train_images}.npz")
    if os.path.exists(cache):
        with np.load(cache) as z:
            xs, ms = z["xs"], z["ms"]
    else:
        xs, ms = make_train_set(SEED, "train", args.train_images, log)
        np.savez(cache, xs=xs, ms=ms)
    gen_s = time.time() - t_gen
    log(f"data generated in {gen_s:.0f}s")

    decay = [p for n, p in model.named_parameters() if p.dim() > 1 and "relative_position_bias_table" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() > 1 and "relative_position_bias_table" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr)
    g = torch.Generator().manual_seed(SEED + args.phase_seed)
    w_aux = config.auxiliary_loss_weight
    t_train = time.time()
    model.train()
    running = 0.0
    for step in range(args.steps):
        for grp in opt.param_groups:
            grp["lr"] = lr_at(step, args.steps, args.lr, 150)
        idx = torch.randint(0, len(xs), (args.batch,), generator=g).numpy()
        x = torch.from_numpy(xs[idx]).permute(0, 3, 1, 2).float() / 255.0
        m = torch.from_numpy(ms[idx]).long()
        k, flip = int(torch.randint(0, 4, (1,), generator=g)), bool(torch.randint(0, 2, (1,), generator=g))
        x, m = dihedral(x, k, flip), dihedral(m, k, flip)
        x = x[:, torch.randperm(3, generator=g)]
        x = (x - 0.5) / 0.5
        logits, aux = model(x, with_aux=True)
        size = m.shape[-2:]
        loss = F.cross_entropy(F.interpolate(logits, size=size, mode="bilinear", align_corners=False), m,
                               ignore_index=255)
        loss = loss + w_aux * F.cross_entropy(F.interpolate(aux, size=size, mode="bilinear", align_corners=False), m,
                                              ignore_index=255)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
        if (step + 1) % 100 == 0 or step == args.steps - 1:
            msg = f"step {step + 1}/{args.steps} loss {running:.4f} lr {opt.param_groups[0]['lr']:.2e}"
            if (step + 1) % 500 == 0:
                msg += f" val_mIoU {evaluate_native(model, SEED, 'val', 60)[0]:.4f}"
                # a checkpoint, so that an interrupted run can go on with --init
                save_safetensors(model.state_dict(), os.path.join(args.out, "checkpoint.safetensors"))
            log(msg)
    train_s = time.time() - t_train
    model.eval()
    log(f"training took {train_s:.0f}s")
    save_safetensors(model.state_dict(), os.path.join(args.out, "model.safetensors"))
    config.save(os.path.join(args.out, "config.json"))
    with open(os.path.join(args.out, "preprocessor_config.json"), "w") as f:
        f.write(json.dumps(PROCESSOR, indent=2, sort_keys=True) + "\n")

    miou, iou = evaluate_native(model, SEED, "test", args.test_images)
    per_class = {n: round(float(v), 4) for n, v in zip(shapes.SEG_CLASSES, iou)}
    log(f"held-out test mIoU: {miou:.4f} on {args.test_images} fresh images (split 'test', seed {SEED}); {per_class}")
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump({"test_miou": miou, "test_iou_per_class": per_class, "test_images": args.test_images, "seed": SEED,
                   "train_seconds": train_s, "data_seconds": gen_s, "steps": args.steps, "batch": args.batch,
                   "train_images": args.train_images, "threads": args.threads, "init": args.init}, f, indent=2)


if __name__ == "__main__":
    main()
