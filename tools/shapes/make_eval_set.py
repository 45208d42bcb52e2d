"""Write the fixed evaluation set (PNG images + labels/masks/depth + index.json) used by the SDK-level
test, and score the trained PyTorch models on it through the Python processor path.

    /usr/bin/python3 tools/shapes/make_eval_set.py            # writes tools/shapes/eval-set/
    node tools/shapes/check_onnx.mjs tools/shapes/.work/eval-check/*/check.json   # ONNX scores
    /usr/bin/python3 tools/shapes/make_eval_set.py --record tools/shapes/.work/eval-results.json

    /usr/bin/python3 tools/shapes/make_eval_set.py --task depth   # only eval-set/depth/ and index.json's "depth"
    node tools/shapes/check_retina_depth.mjs tools/shapes/.work/eval-check/depth/check.json   # Retina from weights
    /usr/bin/python3 tools/shapes/make_eval_set.py --record-depth tools/shapes/.work/depth-eval-retina.json

The depth task scores the shipped checkpoint (apps/demo/public/models/shapes-dpt-depth/model.safetensors),
so it needs no training run; the other two score the trained PyTorch models in tools/shapes/.work/.

Images are square, 64-128 px (seeded per image), split 'eval' of the generator with seed 2024:
never seen in training (the trainers use splits 'train'/'val'/'test').
Besides the PNGs it writes tools/shapes/.work/eval-check/<task>/: the Python-processed
pixel_values, the PyTorch logits and the labels/masks, for check_onnx.mjs.
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HERE, MODELS_DIR, WORK_DIR  # noqa: E402
from depth_metrics import DEPTH_CAP, image_metrics, summarize  # noqa: E402
from export import load_trained  # noqa: E402
from processor import load_processor, preprocess  # noqa: E402
import shapes  # noqa: E402

SEED = 2024
N_CLS_PER_CLASS = 15
N_SEG = 200
N_DEPTH = 100
DISPARITY_SCALE = 50000  # 16-bit PNG value = round(disparity x 50000)
OUT = os.path.join(HERE, "eval-set")
TASK_IDS = {"classification": 1, "segmentation": 2, "depth": 3}


def size_for(task, i):
    return int(np.random.default_rng([SEED, 97, TASK_IDS[task], i]).integers(64, 129))


def write_bin(path, arr):
    np.ascontiguousarray(arr).tofile(path)


def build():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(os.path.join(OUT, "classification"))
    os.makedirs(os.path.join(OUT, "segmentation"))
    cls_items, seg_items = [], []
    n_cls = N_CLS_PER_CLASS * len(shapes.CLS_CLASSES)
    for i in range(n_cls):
        s = size_for("classification", i)
        img, label = shapes.classification_sample(SEED, "eval", i, s)
        f = f"classification/{i:03d}.png"
        img.save(os.path.join(OUT, f), optimize=True)
        cls_items.append({"file": f, "label": label, "name": shapes.CLS_CLASSES[label], "width": s, "height": s})
    for i in range(N_SEG):
        s = size_for("segmentation", i)
        img, mask = shapes.segmentation_sample(SEED, "eval", i, s)
        f, m = f"segmentation/{i:03d}.png", f"segmentation/{i:03d}.mask.png"
        img.save(os.path.join(OUT, f), optimize=True)
        Image.fromarray(mask, "L").save(os.path.join(OUT, m), optimize=True)
        present = sorted(int(v) for v in np.unique(mask))
        seg_items.append({"file": f, "mask": m, "width": s, "height": s, "classes_present": present})
    index = {
        "description": "Fixed evaluation set for the shapes demo models, drawn by tools/shapes "
                       "(make_eval_set.py, seed 2024, generator split 'eval'; never used in training).",
        "seed": SEED,
        "classification": {
            "model": "shapes-bit-classifier",
            "labels": shapes.CLS_CLASSES,
            "label_definition": "each image holds exactly one shape; label = its class id (config id2label)",
            "items": cls_items,
        },
        "segmentation": {
            "model": "shapes-beit-segmenter",
            "labels": shapes.SEG_CLASSES,
            "mask_encoding": "8-bit grayscale PNG (mode L), same size as the image, pixel value = class id, 0 = background",
            "metric": "logits bilinearly upsampled (align_corners=false) to the image size, argmax; confusion matrix "
                      "summed over all images; IoU per class; mean over all classes incl. background",
            "items": seg_items,
        },
    }
    return index


def score_and_dump(index):
    """PyTorch scores on the Python-processed inputs + check sets for check_onnx.mjs."""
    torch.set_num_threads(1)
    results = {}
    for task, kind in (("classification", "classifier"), ("segmentation", "segmenter")):
        name, _, config, model = load_trained(kind)
        proc = load_processor(os.path.join(MODELS_DIR, name, "preprocessor_config.json"))
        chk = os.path.join(WORK_DIR, "eval-check", task)
        shutil.rmtree(chk, ignore_errors=True)
        os.makedirs(chk)
        cases = []
        correct, cm = 0, np.zeros((config.num_labels,) * 2, np.int64)
        for i, it in enumerate(index[task]["items"]):
            img = Image.open(os.path.join(OUT, it["file"]))
            x = preprocess(img, proc)
            with torch.no_grad():
                y = model(torch.from_numpy(x))
            write_bin(os.path.join(chk, f"{i:03d}.pixel_values.bin"), x.astype("<f4"))
            write_bin(os.path.join(chk, f"{i:03d}.logits.bin"), y.numpy().astype("<f4"))
            case = {"name": it["file"], "input": {"file": f"{i:03d}.pixel_values.bin", "shape": list(x.shape)},
                    "expected": {"file": f"{i:03d}.logits.bin", "shape": list(y.shape)}}
            if task == "classification":
                correct += int(int(y.argmax(1)) == it["label"])
                case["label"] = it["label"]
            else:
                mask = np.asarray(Image.open(os.path.join(OUT, it["mask"])), np.uint8)
                up = F.interpolate(y, size=mask.shape, mode="bilinear", align_corners=False)[0].argmax(0).numpy()
                cm += np.bincount(mask.reshape(-1).astype(np.int64) * config.num_labels + up.reshape(-1),
                                  minlength=config.num_labels ** 2).reshape(cm.shape)
                write_bin(os.path.join(chk, f"{i:03d}.mask.bin"), mask)
                case["mask"] = {"file": f"{i:03d}.mask.bin", "shape": list(mask.shape)}
            cases.append(case)
        with open(os.path.join(chk, "check.json"), "w") as f:
            json.dump({"model": os.path.relpath(os.path.join(MODELS_DIR, name, "onnx", "model.onnx"), chk),
                       "cases": cases}, f, indent=1)
        if task == "classification":
            results[task] = {"pytorch_accuracy": correct / len(cases), "correct": correct, "images": len(cases)}
        else:
            inter = np.diag(cm).astype(float)
            union = cm.sum(0) + cm.sum(1) - np.diag(cm)
            iou = inter / np.maximum(union, 1)
            results[task] = {"pytorch_miou": float(iou.mean()), "images": len(cases),
                             "pytorch_iou_per_class": {n: round(float(v), 4) for n, v in zip(shapes.SEG_CLASSES, iou)}}
        print(task, results[task])
    return results


def build_depth():
    folder = os.path.join(OUT, "depth")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    items = []
    for i in range(N_DEPTH):
        s = size_for("depth", i)
        img, disparity, covered = shapes.depth_sample(SEED, "eval", i, s)
        scene = shapes.depth_scene(shapes.rng_for(SEED, "eval", i))
        f, d, m = f"depth/{i:03d}.png", f"depth/{i:03d}.disparity.png", f"depth/{i:03d}.shapes.png"
        img.save(os.path.join(OUT, f), optimize=True)
        Image.fromarray(np.round(disparity * DISPARITY_SCALE).astype(np.uint16)).save(os.path.join(OUT, d), optimize=True)
        Image.fromarray(covered.astype(np.uint8) * 255, "L").save(os.path.join(OUT, m), optimize=True)
        items.append({"file": f, "disparity": d, "shapes": m, "width": s, "height": s,
                      "horizon": round(scene["horizon"], 6), "shape_count": len(scene["shapes"])})
    return {
        "model": "shapes-dpt-depth",
        "ground_truth": "relative inverse depth (disparity) of the depth scenes in tools/shapes/shapes.py: a floor whose "
                        "disparity is (y - horizon) / (1 - horizon) at image row y (0 top, 1 bottom; pixel centres), 0 in "
                        "the sky above the horizon, and shapes standing on it with the floor's disparity at their lowest "
                        "point plus a relief bulge; shape edges blend by coverage",
        "disparity_encoding": f"16-bit grayscale PNG, same size as the image: disparity = value / {DISPARITY_SCALE}",
        "disparity_scale": DISPARITY_SCALE,
        "depth_cap": DEPTH_CAP,
        "shapes_encoding": "8-bit grayscale PNG: 255 where shapes cover at least half of the pixel, else 0",
        "metric": f"MiDaS-style, per image at its own size: predicted_depth bicubic (align_corners false) to the image "
                  f"size; valid pixels = ground-truth disparity >= {1 / DEPTH_CAP:g}; prediction aligned to the ground "
                  f"truth by least-squares scale and shift over the valid pixels (float64), clamped below at "
                  f"{1 / DEPTH_CAP:g}; depth = 1 / disparity; AbsRel = mean |d - d*| / d*, delta1 = share with "
                  f"max(d / d*, d* / d) < 1.25; *_shapes: the same over valid pixels that shapes cover; set score = "
                  f"mean over images (over images with shape pixels for *_shapes). See tools/shapes/depth_metrics.py",
        "items": items,
    }


def read_depth_truth(item):
    disparity = np.asarray(Image.open(os.path.join(OUT, item["disparity"])), np.uint16).astype(np.float64) / DISPARITY_SCALE
    covered = np.asarray(Image.open(os.path.join(OUT, item["shapes"])), np.uint8) > 127
    return disparity, covered


def score_depth(entry):
    """The shipped checkpoint in PyTorch on the Python-processed images, the floor-only baseline, and a check set
    (pixel_values, PyTorch predicted_depth) for check_retina_depth.mjs."""
    from configs import DPTConfig
    from modeling_dpt import DPTForDepthEstimation
    from safetensors_io import load_safetensors

    torch.set_num_threads(1)
    folder = os.path.join(MODELS_DIR, entry["model"])
    model = DPTForDepthEstimation(DPTConfig.from_json_file(os.path.join(folder, "config.json")))
    model.load_state_dict(load_safetensors(os.path.join(folder, "model.safetensors")), strict=True)
    model.eval()
    proc = load_processor(os.path.join(folder, "preprocessor_config.json"))
    chk = os.path.join(WORK_DIR, "eval-check", "depth")
    shutil.rmtree(chk, ignore_errors=True)
    os.makedirs(chk)
    model_scores, floor_scores, cases = [], [], []
    bottom_rows, sky = [], []
    for i, it in enumerate(entry["items"]):
        x = preprocess(Image.open(os.path.join(OUT, it["file"])), proc)
        with torch.no_grad():
            y = model(torch.from_numpy(x))
        write_bin(os.path.join(chk, f"{i:03d}.pixel_values.bin"), x.astype("<f4"))
        write_bin(os.path.join(chk, f"{i:03d}.predicted_depth.bin"), y.numpy().astype("<f4"))
        cases.append({"name": it["file"], "input": {"file": f"{i:03d}.pixel_values.bin", "shape": list(x.shape)},
                      "expected": {"file": f"{i:03d}.predicted_depth.bin", "shape": list(y.shape)}})
        disparity, covered = read_depth_truth(it)
        up = F.interpolate(y[:, None], size=disparity.shape, mode="bicubic", align_corners=False)[0, 0].numpy()
        model_scores.append(image_metrics(up, disparity, covered))
        floor = shapes.floor_map(shapes.depth_scene(shapes.rng_for(SEED, "eval", i)), it["height"])
        floor_scores.append(image_metrics(floor, disparity, covered))
        bottom_rows.append(float(up[-2:].mean()))  # the raw output's scale: about 1 here, 0 for the sky
        sky_rows = int(it["height"] * it["horizon"]) - 3  # the sky, away from the horizon
        if sky_rows > 0:
            sky.append(float(up[:sky_rows].mean()))
    with open(os.path.join(chk, "check.json"), "w") as f:
        json.dump({"model": os.path.relpath(folder, chk), "cases": cases}, f, indent=1)
    in_view = [it["horizon"] > 0 for it in entry["items"]]
    results = {"pytorch": summarize(model_scores), "baseline_floor_only": summarize(floor_scores),
               "pytorch_horizon_in_view": summarize([m for m, v in zip(model_scores, in_view) if v]),
               "pytorch_looking_down": summarize([m for m, v in zip(model_scores, in_view) if not v]),
               "images_worse_than_floor_only_on_shapes": sum(m["absrel_shapes"] > b["absrel_shapes"]
                                                            for m, b in zip(model_scores, floor_scores)),
               "raw_output_bottom_two_rows_mean_p5_p95": [float(np.percentile(bottom_rows, q)) for q in (5, 95)],
               "raw_output_sky_mean_p5_p95": [float(np.percentile(sky, q)) for q in (5, 95)],
               "preprocessing": "tools/shapes/processor.py (DPTImageProcessor: Pillow bicubic to the input size, "
                                "rescale, normalise); post-processing torch bicubic, align_corners false",
               "baseline_note": "baseline_floor_only predicts the floor alone, with the true horizon (no shapes): "
                                "exact on the floor, wrong on every shape"}
    print("depth", json.dumps(results, indent=1))
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--record", help="merge ONNX results (JSON written by check_onnx.mjs) into index.json")
    ap.add_argument("--task", choices=["all", "depth"], default="all",
                    help="depth: (re)write only eval-set/depth/ and index.json's depth entry")
    ap.add_argument("--record-depth", help="merge Retina's results (JSON written by check_retina_depth.mjs)")
    args = ap.parse_args()
    path = os.path.join(OUT, "index.json")
    if args.record_depth:
        with open(path) as f:
            index = json.load(f)
        with open(args.record_depth) as f:
            retina = json.load(f)
        ref = index["depth"]["reference_results"]
        ref["retina_max_abs_diff_vs_pytorch"] = retina["worst"]
        ref["retina"] = retina["runtime"]
    elif args.task == "depth":
        with open(path) as f:
            index = json.load(f)
        index["depth"] = build_depth()
        index["depth"]["reference_results"] = score_depth(index["depth"])
    elif args.record:
        with open(path) as f:
            index = json.load(f)
        with open(args.record) as f:
            onnx = json.load(f)
        for task in ("classification", "segmentation"):
            r = next((v for k, v in onnx.items() if f"eval-check/{task}/" in k), None)
            if r:
                ref = index[task].setdefault("reference_results", {})
                if task == "classification":
                    ref["onnx_accuracy"] = r["accuracy"]
                else:
                    ref["onnx_miou"] = r["miou"]
                    ref["onnx_iou_per_class"] = dict(zip(shapes.SEG_CLASSES, r["ious"]))
                ref["onnx_max_abs_diff_vs_pytorch"] = r["worst"]
                ref["onnxruntime"] = "onnxruntime-node 1.30 (CPU), Pad_Fusion disabled"
    else:
        index = build()
        results = score_and_dump(index)
        for task in ("classification", "segmentation"):
            index[task]["reference_results"] = dict(results[task], preprocessing="tools/shapes/processor.py "
                                                    "(Pillow resize with the configured filter, crop, normalise)")
        index["thresholds"] = {"classification_top1_min": 0.95, "segmentation_miou_min": 0.85}
        index["depth"] = build_depth()
        index["depth"]["reference_results"] = score_depth(index["depth"])
    with open(path, "w") as f:
        f.write(json.dumps(index, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
