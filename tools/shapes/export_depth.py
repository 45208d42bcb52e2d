"""Export the trained depth model as a checkpoint-only Hub-style repo, apps/demo/public/models/shapes-dpt-depth/:
config.json, preprocessor_config.json (DPTImageProcessor), model.safetensors (Hugging Face parameter names)
and README.md, with no ONNX file: Retina builds the graph from the weights. Also writes a check set (generated
images through the Python processor, random inputs, PyTorch's predicted_depth) to
tools/shapes/.work/export-check/shapes-dpt-depth/ for check_retina_depth.mjs.

    /usr/bin/python3 tools/shapes/export.py depth [--readme-only]
"""
import json
import os
import shutil

import numpy as np
import torch

from common import HERE, MODELS_DIR, WORK_DIR
from configs import DPTConfig
from modeling_dpt import DPTForDepthEstimation
from processor import load_processor, preprocess
from safetensors_io import load_safetensors
import shapes

NAME = "shapes-dpt-depth"


def load(folder):
    config = DPTConfig.from_json_file(os.path.join(folder, "config.json"))
    model = DPTForDepthEstimation(config)
    model.load_state_dict(load_safetensors(os.path.join(folder, "model.safetensors")), strict=True)
    return config, model.eval()


def _write_bin(path, arr):
    np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"), copy=False).tofile(path)


def export(src=None, models_dir=MODELS_DIR, check_root=os.path.join(WORK_DIR, "export-check")):
    torch.set_num_threads(1)
    src = src or os.path.join(WORK_DIR, "depth")
    dst = os.path.join(models_dir, NAME)
    os.makedirs(dst, exist_ok=True)
    for f in ("config.json", "preprocessor_config.json", "model.safetensors"):
        shutil.copy(os.path.join(src, f), os.path.join(dst, f))
    config, model = load(dst)
    proc = load_processor(os.path.join(dst, "preprocessor_config.json"))
    print(f"wrote {dst} (model.safetensors {os.path.getsize(os.path.join(dst, 'model.safetensors'))} bytes)")

    chk = os.path.join(check_root, NAME)
    shutil.rmtree(chk, ignore_errors=True)
    os.makedirs(chk)
    generated = [preprocess(shapes.depth_sample(777, "samples", 100 + i, 64 + 17 * i)[0], proc)[0] for i in range(4)]
    size = proc["size"]["height"]
    inputs = {"generated_b4": np.stack(generated),
              "random_b3": torch.randn(3, 3, size, size, generator=torch.Generator().manual_seed(5)).numpy()}
    cases = []
    for name, x in inputs.items():
        with torch.no_grad():
            y = model(torch.from_numpy(x)).numpy()
        _write_bin(os.path.join(chk, f"{name}.pixel_values.bin"), x.astype(np.float32))
        _write_bin(os.path.join(chk, f"{name}.predicted_depth.bin"), y.astype(np.float32))
        cases.append({"name": name, "input": {"file": f"{name}.pixel_values.bin", "shape": list(x.shape)},
                      "expected": {"file": f"{name}.predicted_depth.bin", "shape": list(y.shape)}})
    with open(os.path.join(chk, "check.json"), "w") as f:
        json.dump({"model": os.path.relpath(dst, chk), "cases": cases}, f, indent=1)
    print(f"wrote check set {chk}")


def _scores(r):
    return (f"AbsRel {r['absrel']:.4f}, δ1 {r['delta1']:.4f}; on shape pixels AbsRel {r['absrel_shapes']:.4f}, "
            f"δ1 {r['delta1_shapes']:.4f}")


def write_readme(src=None, models_dir=MODELS_DIR):
    src = src or os.path.join(WORK_DIR, "depth")
    dst = os.path.join(models_dir, NAME)
    config, model = load(dst)
    with open(os.path.join(src, "metrics.json")) as f:
        metrics = json.load(f)
    proc = load_processor(os.path.join(dst, "preprocessor_config.json"))
    with open(os.path.join(HERE, "eval-set", "index.json")) as f:
        ev = json.load(f).get("depth")
    n_params = sum(t.numel() for t in model.state_dict().values())
    size_mb = os.path.getsize(os.path.join(dst, "model.safetensors")) / 1e6
    bit = config.backbone_config
    side = proc["size"]["height"]
    test, base = metrics["test"], metrics["test_baseline_floor_only"]
    eval_lines = ""
    if ev and "reference_results" in ev:
        r = ev["reference_results"]
        retina = (f" Retina's graph, built from `model.safetensors`, gives predicted_depth within "
                  f"{r['retina_max_abs_diff_vs_pytorch']:.1e} of PyTorch's on these images ({r['retina']})."
                  if "retina_max_abs_diff_vs_pytorch" in r else "")
        eval_lines = (f"\nFixed evaluation set (`tools/shapes/eval-set/depth/`, {len(ev['items'])} images, seed 2024; "
                      f"tested in CI through Retina, `apps/demo/src/embedded-models.test.ts`):\n\n"
                      f"| | AbsRel | δ1 | AbsRel, shape pixels | δ1, shape pixels |\n| --- | --- | --- | --- | --- |\n"
                      f"| this model (PyTorch) | {r['pytorch']['absrel']:.4f} | {r['pytorch']['delta1']:.4f} | "
                      f"{r['pytorch']['absrel_shapes']:.4f} | {r['pytorch']['delta1_shapes']:.4f} |\n"
                      f"| floor only (true horizon, no shapes) | {r['baseline_floor_only']['absrel']:.4f} | "
                      f"{r['baseline_floor_only']['delta1']:.4f} | {r['baseline_floor_only']['absrel_shapes']:.4f} | "
                      f"{r['baseline_floor_only']['delta1_shapes']:.4f} |\n\n{retina.strip()}\n")
    limits_eval = ""
    if ev and "reference_results" in ev:
        r = ev["reference_results"]
        view, down = r["pytorch_horizon_in_view"], r["pytorch_looking_down"]
        bottom, sky = r["raw_output_bottom_two_rows_mean_p5_p95"], r["raw_output_sky_mean_p5_p95"]
        limits_eval = (f"- Scenes with the horizon in view are harder: on the evaluation set AbsRel on shape pixels is "
                       f"{view['absrel_shapes']:.3f} there ({view['images']} images) against {down['absrel_shapes']:.3f} "
                       f"looking down ({down['images']} images). It did better than the floor-only baseline on the shapes "
                       f"of {len(ev['items']) - r['images_worse_than_floor_only_on_shapes']} of the {len(ev['items'])} "
                       f"images.\n- The raw output's scale: the bottom two rows average {bottom[0]:.2f} to {bottom[1]:.2f} "
                       f"and the sky {round(sky[0], 2) + 0.0:.2f} to {sky[1]:.2f} (5th to 95th percentile over the evaluation images), "
                       f"so the 8-bit depth image (x 255 / max) reads as intended, but the values are not a measurement.\n")
    minutes = metrics["train_seconds"] / 60
    text = f"""# {NAME}: DPT-Hybrid relative depth for synthetic shape scenes

A small [DPT](https://huggingface.co/docs/transformers/model_doc/dpt) `DPTForDepthEstimation` in the
DPT-Hybrid layout of `Intel/dpt-hybrid-midas` (`is_hybrid`: BiT bottleneck stages with SAME padding, a ViT
encoder on the stride-16 map, readout "project", reassemble factors {config.reassemble_factors}), trained from
scratch by this project on **synthetic images** drawn by `tools/shapes` (no external data, no pretrained
weights). {n_params:,} parameters; `model.safetensors` {size_mb:.2f} MB (float32).

**It is not a depth model for photographs.** It has only ever seen one kind of scene: flat-coloured shapes
standing on a textured floor, sometimes under a sky. On anything else its output means nothing.

## What it predicts

`predicted_depth` `[batch, {side}, {side}]`: relative inverse depth (disparity), like MiDaS/DPT checkpoints:
larger = nearer, 0 = infinitely far. It was trained toward this ground truth (`tools/shapes/shapes.py`,
"depth scenes"):

- **floor**: a camera looking parallel to a floor, horizon at image row h (0 = top, 1 = bottom; above the image
  when the camera looks down): disparity (y - h) / (1 - h) at row y, so 1 at the bottom edge, 0 at the horizon;
  the **sky** above the horizon is 0;
- **shapes** (circle, square, triangle, star, hexagon, cross, ring) stand upright on the floor at their lowest
  point, with the floor's disparity there, and bulge toward the camera (a dome over the outline: a hemisphere
  for a circle, a half torus for a ring) by half their physical size at most; their apparent size follows
  perspective and nearer shapes hide farther ones;
- floors are flat-coloured, gradients, blotches, or checkerboards/stripes lying on the floor in perspective,
  optionally fading into a haze with distance; thin lines and dots painted on the floor have its depth.

The loss anchors the output's scale (about 1 at the bottom edge, 0 for the sky), but only approximately.

## Results

Scores as MiDaS evaluates relative depth (`tools/shapes/depth_metrics.py`): predicted_depth resized bicubically
to the image size, aligned to the ground-truth disparity by least-squares scale and shift, turned into depth,
then AbsRel (mean |d - d*| / d*, lower is better) and δ1 (share of pixels within a factor 1.25, higher is
better), over pixels up to 10x the bottom edge's depth (the sky is left out); "shape pixels" are those that
shapes cover, where a model has to see the shapes. The trivial baseline predicts the floor alone, knowing the
true horizon: exact on the floor, wrong on every shape.

Held-out ({metrics['test_images']} fresh images, generator split `test`, seed {metrics['seed']}, rendered at
64-128 px and scored at that size): this model {_scores(test)}; floor only {_scores(base)}.
{eval_lines}
## Limits

- Synthetic scenes only (above). Not trained on, and useless for, real photographs or other drawings.
- Input {side}x{side}: the processor resizes any image to that (bicubic, aspect ratio not kept) and the map comes
  out at {side}x{side}, resized bicubically to the image: depth edges are soft, and thin parts (star points,
  cross arms, ring holes) come out blurred.
{limits_eval}- Not metric, and its scale only approximately anchored: compare maps after a scale-and-shift alignment.

## Files

- `config.json`: Transformers-style `DPTConfig` (`model_type` `dpt`, `is_hybrid`, nested BiT `backbone_config`),
  as `save_pretrained` writes it in Transformers 4.37.
- `preprocessor_config.json`: `DPTImageProcessor`, {side}x{side}, bicubic, mean/std 0.5, `keep_aspect_ratio` false.
- `model.safetensors`: the weights under Hugging Face's parameter names (`tools/shapes/modeling_dpt.py` mirrors
  Transformers 4.37's module tree, checked key for key and output for output against the golden DPT
  checkpoints; `transformers` itself was not run here). No ONNX file: Retina builds the graph from the weights.

| config | value |
| --- | --- |
| `image_size`, `patch_size` | {config.image_size}, {config.patch_size} |
| `hidden_size`, `num_hidden_layers`, `num_attention_heads`, `intermediate_size` | {config.hidden_size}, {config.num_hidden_layers}, {config.num_attention_heads}, {config.intermediate_size} |
| `backbone_out_indices` | `{json.dumps(config.backbone_out_indices)}` |
| `neck_hidden_sizes`, `fusion_hidden_size` | `{json.dumps(config.neck_hidden_sizes)}`, {config.fusion_hidden_size} |
| BiT `embedding_size`, `hidden_sizes`, `depths`, `num_groups` | {bit.embedding_size}, `{json.dumps(bit.hidden_sizes)}`, `{json.dumps(bit.depths)}`, {bit.num_groups} |

## Training

{metrics['train_images']} pre-rendered depth scenes (generator split `train`, seed {metrics['seed']}), mirrored at random
and with permuted colour channels; loss: MiDaS' scale-and-shift-invariant L1 plus a gradient-matching term on its
residual (4 scales) plus 0.25 x the plain L1 to the ground truth (which anchors the output's scale); AdamW, peak
learning rate {metrics['lr']:g}, cosine schedule, {metrics['steps']} steps of batch {metrics['batch']}, one CPU thread
({minutes:.0f} min of training on a shared, loaded machine).

## Regenerate

```sh
/usr/bin/python3 tools/shapes/verify_reference.py          # modules vs the Transformers goldens
nice -n 19 /usr/bin/python3 tools/shapes/train_depth.py
/usr/bin/python3 tools/shapes/export.py depth
pnpm build && node tools/shapes/check_retina_depth.mjs tools/shapes/.work/export-check/{NAME}/check.json
```

and the evaluation set's steps in `tools/shapes/README.md`.

See `tools/shapes/README.md`.
"""
    with open(os.path.join(dst, "README.md"), "w") as f:
        f.write(text)
    print(f"wrote {os.path.join(dst, 'README.md')}")
