"""Write the fixed evaluation set (PNG images + labels/masks + index.json) used by the SDK-level
test, and score the trained PyTorch models on it through the Python processor path.

    /usr/bin/python3 tools/shapes/make_eval_set.py            # writes tools/shapes/eval-set/
    node tools/shapes/check_onnx.mjs tools/shapes/.work/eval-check/*/check.json   # ONNX scores
    /usr/bin/python3 tools/shapes/make_eval_set.py --record tools/shapes/.work/eval-results.json

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
from export import load_trained  # noqa: E402
from processor import load_processor, preprocess  # noqa: E402
import shapes  # noqa: E402

SEED = 2024
N_CLS_PER_CLASS = 15
N_SEG = 200
OUT = os.path.join(HERE, "eval-set")


def size_for(task, i):
    return int(np.random.default_rng([SEED, 97, 1 if task == "classification" else 2, i]).integers(64, 129))


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--record", help="merge ONNX results (JSON written by check_onnx.mjs) into index.json")
    args = ap.parse_args()
    path = os.path.join(OUT, "index.json")
    if args.record:
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
    with open(path, "w") as f:
        f.write(json.dumps(index, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
