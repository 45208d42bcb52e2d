"""Train the shapes depth model (DPTForDepthEstimation: DPT-Hybrid, or a BEiT backbone with --arch beit).

    nice -n 19 /usr/bin/python3 tools/shapes/train_depth.py
Writes tools/shapes/.work/depth/{model.safetensors,config.json,preprocessor_config.json,train.log,metrics.json}.

Images are depth scenes (shapes.depth_scene: shapes standing on a floor) rendered at a random size
(64-128 px) and resized by the DPTImageProcessor path (bicubic, straight to the input size); the target is
the ground-truth disparity (relative inverse depth, 1 = the floor at the image's bottom edge, 0 = sky)
rendered at the model's output size. Loss, per image: the scale-and-shift-invariant L1 of MiDaS (the
prediction aligned to the target by least squares, then the mean absolute residual), plus a
gradient-matching term on that residual at 4 scales, plus 0.25 x the plain L1 to the target, which
anchors the output's scale (0 for the sky, about 1 at the bottom edge), so that the 8-bit depth image
(depth x 255 / max) reads as it should. Held-out scores follow depth_metrics.py at each image's own size.
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
from common import WORK_DIR, Log, lr_at, seed_everything  # noqa: E402
from configs import DPTConfig  # noqa: E402
from depth_metrics import image_metrics, summarize  # noqa: E402
from modeling_dpt import DPTForDepthEstimation  # noqa: E402
from processor import normalize, preprocess_uint8  # noqa: E402
from safetensors_io import load_safetensors, save_safetensors  # noqa: E402
import shapes  # noqa: E402

SEED = 5678


def hybrid_config(size=96):
    """DPT-Hybrid as Intel/dpt-hybrid-midas, scaled down: BiT bottleneck stages (SAME padding), ViT on the
    stride-16 map, readout "project", reassemble_factors [1, 1, 1, 0.5]."""
    grid = size // 16
    return dict(
        architectures=["DPTForDepthEstimation"],
        is_hybrid=True,
        image_size=size,
        patch_size=16,
        hidden_size=64,
        num_hidden_layers=4,
        num_attention_heads=4,
        intermediate_size=128,
        backbone_out_indices=[0, 1, 1, 3],
        readout_type="project",
        reassemble_factors=[1, 1, 1, 0.5],
        neck_hidden_sizes=[32, 64, 64, 64],
        fusion_hidden_size=32,
        backbone_featmap_shape=[1, 128, grid, grid],
        neck_ignore_stages=[0, 1],
        backbone_config=dict(
            layer_type="bottleneck",
            global_padding="SAME",
            embedding_dynamic_padding=True,
            embedding_size=16,
            hidden_sizes=[32, 64, 128],
            depths=[1, 1, 2],
            num_groups=8,
            out_features=["stage1", "stage2", "stage3"],
        ),
    )


def beit_config(size=48):
    """DPT on a BEiT backbone as Intel/dpt-beit-base-384, scaled down (predicted_depth at 2x the input)."""
    return dict(
        architectures=["DPTForDepthEstimation"],
        readout_type="project",
        reassemble_factors=[4, 2, 1, 0.5],
        neck_hidden_sizes=[12, 24, 48, 48],
        fusion_hidden_size=32,
        backbone_config=dict(
            model_type="beit",
            image_size=size,
            patch_size=8,
            hidden_size=48,
            num_hidden_layers=4,
            num_attention_heads=4,
            intermediate_size=192,
            use_relative_position_bias=True,
            layer_scale_init_value=0.1,
            drop_path_rate=0.0,
            reshape_hidden_states=False,
            out_indices=[1, 2, 3, 4],
        ),
    )


ARCHS = {"hybrid": (hybrid_config, 96, 96), "beit": (beit_config, 48, 96)}  # config, input size, output size


def processor_config(size, multiple):
    return {
        "do_normalize": True,
        "do_pad": False,
        "do_rescale": True,
        "do_resize": True,
        "ensure_multiple_of": multiple,
        "image_mean": [0.5, 0.5, 0.5],
        "image_processor_type": "DPTImageProcessor",
        "image_std": [0.5, 0.5, 0.5],
        "keep_aspect_ratio": False,
        "resample": 3,
        "rescale_factor": 0.00392156862745098,
        "size": {"height": size, "width": size},
        "size_divisor": None,
    }


def source_size(seed, split, i):
    return int(np.random.default_rng([seed, 96, shapes.SPLITS[split], i]).integers(64, 129))


def make_set(seed, split, n, proc, out_size, log=None):
    size = proc["size"]["height"]
    xs = np.zeros((n, size, size, 3), np.uint8)
    ds = np.zeros((n, out_size, out_size), np.float32)
    t = time.time()
    for i in range(n):
        img, disparity, _ = shapes.depth_sample(seed, split, i, source_size(seed, split, i), depth_size=out_size)
        xs[i] = preprocess_uint8(img, proc)
        ds[i] = disparity
        if log and (i + 1) % 2000 == 0:
            log(f"generated {i + 1}/{n} {split} images ({time.time() - t:.0f}s)")
    return xs, ds


def init_weights(model):
    """From scratch: transformer weights N(0, 0.02), BiT convolutions He (fan out), the rest PyTorch's
    defaults; the last convolution's bias positive, so that the final ReLU starts alive everywhere."""
    for name, m in model.named_modules():
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.trunc_normal_(m.weight, std=0.02)
            if m.bias is not None:
                torch.nn.init.zeros_(m.bias)
        elif isinstance(m, torch.nn.Conv2d) and ".bit." in f".{name}.":
            torch.nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
    for name, p in model.named_parameters():
        if name.endswith(("position_embeddings", "cls_token")):
            torch.nn.init.trunc_normal_(p, std=0.02)
    torch.nn.init.constant_(model.head.head[4].bias, 0.5)


def least_squares(pred, target):
    """Per image: scale and shift minimising sum (s * pred + t - target)^2 (batched, differentiable)."""
    a00, a01 = (pred * pred).sum((1, 2)), pred.sum((1, 2))
    a11 = torch.full_like(a00, pred.shape[1] * pred.shape[2])
    b0, b1 = (pred * target).sum((1, 2)), target.sum((1, 2))
    det = (a00 * a11 - a01 * a01).clamp_min(1e-6)
    scale = (a11 * b0 - a01 * b1) / det
    shift = (a00 * b1 - a01 * b0) / det
    return scale[:, None, None], shift[:, None, None]


def gradient_loss(residual, scales=4):
    total = 0.0
    for k in range(scales):
        r = residual[:, :: 2**k, :: 2**k]
        total = total + (r[:, :, 1:] - r[:, :, :-1]).abs().mean() + (r[:, 1:, :] - r[:, :-1, :]).abs().mean()
    return total / scales


def depth_loss(pred, target):
    scale, shift = least_squares(pred, target)
    residual = scale * pred + shift - target
    ssi = residual.abs().mean()
    return ssi + 0.5 * gradient_loss(residual) + 0.25 * (pred - target).abs().mean(), ssi


def predict(model, img_u8_batch, proc):
    with torch.no_grad():
        return model(torch.from_numpy(normalize(img_u8_batch, proc)))


def evaluate_native(model, proc, seed, split, n):
    """Full-path evaluation: images at their own size, predicted_depth bicubic to that size (the pipeline's
    post-processing), ground truth rendered at that size. Also scores the floor-only baseline (the floor's
    disparity with the true horizon, no shapes)."""
    model.eval()
    per_image, baseline = [], []
    for i in range(n):
        size = source_size(seed, split, i)
        scene = shapes.depth_scene(shapes.rng_for(seed, split, i))
        img = shapes.render(scene, size)
        disparity, covered = shapes.disparity_map(scene, size)
        depth = predict(model, preprocess_uint8(img, proc)[None], proc)
        up = F.interpolate(depth[:, None], size=disparity.shape, mode="bicubic", align_corners=False)[0, 0].numpy()
        per_image.append(image_metrics(up, disparity, covered))
        baseline.append(image_metrics(shapes.floor_map(scene, size), disparity, covered))
    model.train()
    return summarize(per_image), summarize(baseline)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", choices=sorted(ARCHS), default="hybrid")
    ap.add_argument("--train-images", type=int, default=12000)
    ap.add_argument("--test-images", type=int, default=300)
    ap.add_argument("--val-images", type=int, default=80)
    ap.add_argument("--steps", type=int, default=2400)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--out", default=os.path.join(WORK_DIR, "depth"))
    ap.add_argument("--init", default=None, help="continue from this model.safetensors (a second phase, new schedule)")
    ap.add_argument("--phase-seed", type=int, default=0, help="added to the batch-order seed (for a second phase)")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    seed_everything(SEED)
    os.makedirs(args.out, exist_ok=True)
    log = Log(os.path.join(args.out, "train.log"))
    log(f"args {vars(args)}")

    make_config, in_size, out_size = ARCHS[args.arch]
    config = DPTConfig(**make_config())
    proc = processor_config(in_size, 1 if args.arch == "hybrid" else 16)
    model = DPTForDepthEstimation(config)
    init_weights(model)
    if args.init:
        model.load_state_dict(load_safetensors(args.init), strict=True)
        log(f"initialised from {args.init}")
    log(f"parameters: {sum(p.numel() for p in model.state_dict().values())}")

    t_gen = time.time()
    os.makedirs(WORK_DIR, exist_ok=True)
    cache = os.path.join(WORK_DIR, f"depth-train-{SEED}-{args.train_images}-{in_size}-{out_size}.npz")
    if os.path.exists(cache):
        with np.load(cache) as z:
            xs, ds = z["xs"], z["ds"]
    else:
        xs, ds = make_set(SEED, "train", args.train_images, proc, out_size, log)
        np.savez(cache, xs=xs, ds=ds)
    gen_s = time.time() - t_gen
    log(f"data ready in {gen_s:.0f}s")

    decay = [p for n, p in model.named_parameters() if p.dim() > 1 and "relative_position_bias_table" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() > 1 and "relative_position_bias_table" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr)
    g = torch.Generator().manual_seed(SEED + args.phase_seed)
    t_train = time.time()
    model.train()
    running = running_ssi = 0.0
    for step in range(args.steps):
        for grp in opt.param_groups:
            grp["lr"] = lr_at(step, args.steps, args.lr, 200)
        idx = torch.randint(0, len(xs), (args.batch,), generator=g).numpy()
        x = torch.from_numpy(xs[idx]).permute(0, 3, 1, 2).float() / 255.0
        d = torch.from_numpy(ds[idx])
        if bool(torch.randint(0, 2, (1,), generator=g)):  # mirror images: the floor geometry allows it
            x, d = torch.flip(x, dims=(3,)), torch.flip(d, dims=(2,))
        x = x[:, torch.randperm(3, generator=g)]
        x = (x - 0.5) / 0.5
        loss, ssi = depth_loss(model(x), d)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
        running_ssi = 0.98 * running_ssi + 0.02 * ssi.item() if step else ssi.item()
        if (step + 1) % 100 == 0 or step == args.steps - 1:
            msg = (f"step {step + 1}/{args.steps} loss {running:.4f} ssi_l1 {running_ssi:.4f} "
                   f"lr {opt.param_groups[0]['lr']:.2e} ({time.time() - t_train:.0f}s)")
            if (step + 1) % 500 == 0:
                v, _ = evaluate_native(model, proc, SEED, "val", args.val_images)
                msg += f" val AbsRel {v['absrel']:.4f} delta1 {v['delta1']:.4f} shapes AbsRel {v['absrel_shapes']:.4f}"
                save_safetensors(model.state_dict(), os.path.join(args.out, "checkpoint.safetensors"))
            log(msg)
    train_s = time.time() - t_train
    model.eval()
    log(f"training took {train_s:.0f}s")
    save_safetensors(model.state_dict(), os.path.join(args.out, "model.safetensors"))
    config.save(os.path.join(args.out, "config.json"))
    with open(os.path.join(args.out, "preprocessor_config.json"), "w") as f:
        f.write(json.dumps(proc, indent=2, sort_keys=True) + "\n")

    test, baseline = evaluate_native(model, proc, SEED, "test", args.test_images)
    log(f"held-out test ({args.test_images} fresh images, split 'test', seed {SEED}): {test}")
    log(f"floor-only baseline on the same images: {baseline}")
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump({"test": test, "test_baseline_floor_only": baseline, "test_images": args.test_images, "seed": SEED, "arch": args.arch,
                   "train_seconds": train_s, "data_seconds": gen_s, "steps": args.steps, "batch": args.batch,
                   "lr": args.lr, "train_images": args.train_images, "threads": args.threads, "init": args.init},
                  f, indent=2)


if __name__ == "__main__":
    main()
