"""Prove the PyTorch modules in this folder against the Transformers v4.37 reference.

Loads the fixtures' model.safetensors into our modules with strict key matching, runs every
golden case's inputs and compares with the golden outputs (|a - e| <= atol + rtol * |e|); for DPT
also processor.py's DPTImageProcessor path (exact) and the depth post-processing (bicubic).

    /usr/bin/python3 tools/shapes/verify_reference.py [--fixtures /work/shared/fixtures]
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from configs import BeitConfig, BitConfig, DPTConfig  # noqa: E402
from modeling_beit import AdaptiveAvgPool, BeitForSemanticSegmentation  # noqa: E402
from modeling_bit import BitForImageClassification  # noqa: E402
from modeling_dpt import DPTForDepthEstimation  # noqa: E402
from processor import load_processor, preprocess  # noqa: E402
from safetensors_io import load_safetensors  # noqa: E402

MODELS = {
    "bit-preact-cls": (BitConfig, BitForImageClassification),
    "bit-bottleneck-same-cls": (BitConfig, BitForImageClassification),
    "beit-seg": (BeitConfig, BeitForSemanticSegmentation),
    "dpt-hybrid-depth": (DPTConfig, DPTForDepthEstimation),
    "dpt-beit-depth": (DPTConfig, DPTForDepthEstimation),
}
OUTPUT_NAMES = {BitForImageClassification: "logits", BeitForSemanticSegmentation: "logits",
                DPTForDepthEstimation: "predicted_depth"}


def read_bin(folder, desc):
    arr = np.fromfile(os.path.join(folder, desc["file"]), dtype=np.dtype(desc["dtype"]).newbyteorder("<"))
    return arr.reshape(desc["shape"])


def load_model(model_dir, cfg_cls, model_cls):
    config = cfg_cls.from_json_file(os.path.join(model_dir, "config.json"))
    model = model_cls(config)
    state = load_safetensors(os.path.join(model_dir, "model.safetensors"))
    model.load_state_dict(state, strict=True)  # raises on any missing / unexpected key or shape mismatch
    model.eval()
    return config, model


def check_adaptive_pool():
    torch.manual_seed(0)
    worst = 0.0
    for n in (3, 4, 6, 7, 8, 12):
        x = torch.randn(2, 5, n, n)
        for o in (1, 2, 3, 6):
            ref = torch.nn.functional.adaptive_avg_pool2d(x, o)
            worst = max(worst, (AdaptiveAvgPool(o)(x) - ref).abs().max().item())
    return worst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", default="/work/shared/fixtures")
    args = ap.parse_args()
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}")
    ok = True
    pool_err = check_adaptive_pool()
    print(f"AdaptiveAvgPool (static bins) vs F.adaptive_avg_pool2d: max abs diff {pool_err:.3g}")
    ok &= pool_err < 1e-6
    for name, (cfg_cls, model_cls) in MODELS.items():
        model_dir = os.path.join(args.fixtures, "models", name)
        gdir = os.path.join(model_dir, "golden")
        with open(os.path.join(gdir, "golden.json")) as f:
            golden = json.load(f)
        config, model = load_model(model_dir, cfg_cls, model_cls)
        n_params = sum(p.numel() for p in model.state_dict().values())
        print(f"\n{name}: {golden['architecture']} loaded strictly ({len(model.state_dict())} tensors, {n_params} values)")
        atol, rtol = golden["tolerance"]["atol"], golden["tolerance"]["rtol"]
        model_worst = 0.0
        for case in golden["cases"]:
            inputs = {k: torch.from_numpy(read_bin(gdir, d).copy()) for k, d in case["inputs"].items()}
            with torch.no_grad():
                output = model(inputs["pixel_values"])
            for out_name, desc in case["outputs"].items():
                expected = read_bin(gdir, desc)
                actual = {OUTPUT_NAMES[model_cls]: output}[out_name].numpy()
                if actual.shape != expected.shape:
                    print(f"  {case['name']:<12} {out_name}: SHAPE MISMATCH {actual.shape} vs {expected.shape}")
                    ok = False
                    continue
                diff = np.abs(actual - expected)
                within = bool(np.all(diff <= atol + rtol * np.abs(expected)))
                model_worst = max(model_worst, float(diff.max()))
                ok &= within
                print(f"  {case['name']:<12} {out_name} {list(expected.shape)}: max abs diff {diff.max():.3e} "
                      f"{'OK' if within else 'FAIL'}")
        if "post_process_semantic_segmentation" in golden:
            native = next(c for c in golden["cases"] if c["name"] == "native")
            with torch.no_grad():
                logits = model(torch.from_numpy(read_bin(gdir, native["inputs"]["pixel_values"]).copy()))
            for pp in golden["post_process_semantic_segmentation"]:
                for i, m in enumerate(pp["maps"]):
                    lg = logits[i : i + 1]
                    if pp["target_sizes"] is not None:
                        lg = torch.nn.functional.interpolate(lg, size=tuple(pp["target_sizes"][i]), mode="bilinear",
                                                             align_corners=False)
                    pred = lg[0].argmax(0).numpy().astype(np.int32)
                    exp = read_bin(gdir, m)
                    differ = int((pred != exp).sum())
                    allowed = m["pixels_with_margin_below_1e-4"]
                    ok &= differ <= allowed
                    print(f"  post_process {m['file']}: {differ} pixels differ (allowed {allowed}) "
                          f"{'OK' if differ <= allowed else 'FAIL'}")
        if model_cls is DPTForDepthEstimation:  # processor.py's DPTImageProcessor path vs the pipeline case's inputs
            case = next(c for c in golden["cases"] if c["name"] == "pipeline")
            proc = load_processor(os.path.join(model_dir, "preprocessor_config.json"))
            images = [Image.open(os.path.join(args.fixtures, "images", f"{n}.png")).convert("RGB") for n in case["images"]]
            x = np.concatenate([preprocess(img, proc) for img in images])
            diff = float(np.abs(x - read_bin(gdir, case["inputs"]["pixel_values"])).max())
            ok &= diff == 0.0
            print(f"  processor.py pixel_values of {case['images']}: max abs diff {diff:.3e} {'OK' if diff == 0 else 'FAIL'}")
        for pp in golden.get("post_process_depth_estimation", []):
            case = next(c for c in golden["cases"] if c["name"] == pp["case"])
            with torch.no_grad():
                depth = model(torch.from_numpy(read_bin(gdir, case["inputs"]["pixel_values"]).copy()))
            for i, m in enumerate(pp["maps"]):
                # DepthEstimationPipeline.postprocess: bicubic (align_corners false) to the image's size
                up = torch.nn.functional.interpolate(depth[i : i + 1, None], size=tuple(pp["target_sizes"][i]),
                                                     mode="bicubic", align_corners=False)[0, 0].numpy()
                exp = read_bin(gdir, m["depth"])
                diff = np.abs(up - exp)
                within = bool(np.all(diff <= atol + rtol * np.abs(exp)))
                ok &= within
                print(f"  post_process {m['depth']['file']}: max abs diff {diff.max():.3e} {'OK' if within else 'FAIL'}")
        print(f"  => {name}: max abs diff over all cases {model_worst:.3e} (tolerance atol {atol} + rtol {rtol})")
    print("\nALL OK" if ok else "\nSOME CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
