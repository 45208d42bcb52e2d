"""Export a trained shapes model to the reference layout under apps/demo/public/models/<name>/:
config.json, preprocessor_config.json, onnx/model.onnx (opset 17, constant-folded, input
`pixel_values`, output `logits`, dynamic batch axis; BiT also dynamic height/width), and write
an ONNX-vs-PyTorch check set (a few generated images, their pixel_values and PyTorch logits) to
tools/shapes/.work/export-check/<name>/ for check_onnx.mjs.

    /usr/bin/python3 tools/shapes/export.py classifier|segmenter
    /usr/bin/python3 tools/shapes/export.py depth      # checkpoint only: see export_depth.py
"""
import json
import os
import shutil
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import MODELS_DIR, WORK_DIR  # noqa: E402
from configs import BeitConfig, BitConfig  # noqa: E402
from modeling_beit import BeitForSemanticSegmentation  # noqa: E402
from modeling_bit import BitForImageClassification  # noqa: E402
from processor import load_processor, preprocess  # noqa: E402
from safetensors_io import load_safetensors  # noqa: E402
import shapes  # noqa: E402

KINDS = {
    "classifier": ("shapes-bit-classifier", BitConfig, BitForImageClassification),
    "segmenter": ("shapes-beit-segmenter", BeitConfig, BeitForSemanticSegmentation),
}


class LogitsOnly(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        return self.model(pixel_values)


def load_trained(kind, src=None):
    name, cfg_cls, model_cls = KINDS[kind]
    src = src or os.path.join(WORK_DIR, kind)
    config = cfg_cls.from_json_file(os.path.join(src, "config.json"))
    model = model_cls(config)
    model.load_state_dict(load_safetensors(os.path.join(src, "model.safetensors")), strict=True)
    model.eval()
    return name, src, config, model


def write_bin(path, arr):
    np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"), copy=False).tofile(path)


def main(kind, src=None, models_dir=MODELS_DIR, check_root=os.path.join(WORK_DIR, "export-check")):
    torch.set_num_threads(1)
    name, src, config, model = load_trained(kind, src)
    dst = os.path.join(models_dir, name)
    os.makedirs(os.path.join(dst, "onnx"), exist_ok=True)
    shutil.copy(os.path.join(src, "config.json"), os.path.join(dst, "config.json"))
    shutil.copy(os.path.join(src, "preprocessor_config.json"), os.path.join(dst, "preprocessor_config.json"))
    proc = load_processor(os.path.join(dst, "preprocessor_config.json"))

    size = config.image_size if kind == "segmenter" else proc["crop_size"]["height"]
    dummy = torch.randn(2, 3, size, size)
    if kind == "classifier":
        axes = {"pixel_values": {0: "batch_size", 2: "height", 3: "width"}, "logits": {0: "batch_size"}}
    else:
        axes = {"pixel_values": {0: "batch_size"}, "logits": {0: "batch_size"}}
    onnx_path = os.path.join(dst, "onnx", "model.onnx")
    wrapper = LogitsOnly(model).eval()  # export restores the wrapper's mode afterwards: keep it eval
    torch.onnx.export(wrapper, (dummy,), onnx_path, input_names=["pixel_values"], output_names=["logits"],
                      dynamic_axes=axes, opset_version=17, do_constant_folding=True)
    model.eval()
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes)")

    # check set: generated images through the Python processor, plus random inputs at other batch/size
    chk = os.path.join(check_root, name)
    shutil.rmtree(chk, ignore_errors=True)
    os.makedirs(chk)
    cases = []
    gen = []
    for i in range(4):
        if kind == "classifier":
            img, _ = shapes.classification_sample(777, "samples", 100 + i, 64 + 17 * i)
        else:
            img, _ = shapes.segmentation_sample(777, "samples", 100 + i, 64 + 17 * i)
        gen.append(preprocess(img, proc)[0])
    inputs = {"generated_b4": np.stack(gen)}
    g = torch.Generator().manual_seed(5)
    inputs["random_b3"] = torch.randn(3, 3, size, size, generator=g).numpy()
    if kind == "classifier":
        inputs["random_b2_80x56"] = torch.randn(2, 3, 80, 56, generator=g).numpy()
        inputs["random_b1_37x61"] = torch.randn(1, 3, 37, 61, generator=g).numpy()
    for cname, x in inputs.items():
        with torch.no_grad():
            y = model(torch.from_numpy(x)).numpy()
        write_bin(os.path.join(chk, f"{cname}.pixel_values.bin"), x.astype(np.float32))
        write_bin(os.path.join(chk, f"{cname}.logits.bin"), y.astype(np.float32))
        cases.append({"name": cname,
                      "input": {"file": f"{cname}.pixel_values.bin", "shape": list(x.shape)},
                      "expected": {"file": f"{cname}.logits.bin", "shape": list(y.shape)}})
    with open(os.path.join(chk, "check.json"), "w") as f:
        json.dump({"model": os.path.relpath(onnx_path, chk), "cases": cases}, f, indent=1)
    print(f"wrote check set {chk}")


def _fmt_config(config, keys):
    return "\n".join(f"| `{k}` | `{json.dumps(getattr(config, k))}` |" for k in keys)


def write_readme(kind, src=None, models_dir=MODELS_DIR):
    name, src, config, model = load_trained(kind, src)
    dst = os.path.join(models_dir, name)
    with open(os.path.join(src, "metrics.json")) as f:
        metrics = json.load(f)
    proc = load_processor(os.path.join(dst, "preprocessor_config.json"))
    onnx_bytes = os.path.getsize(os.path.join(dst, "onnx", "model.onnx"))
    checkpoint_bytes = os.path.getsize(os.path.join(dst, "model.safetensors"))
    n_params = sum(p.numel() for p in model.parameters())
    eval_index = os.path.join(os.path.dirname(os.path.abspath(__file__)), "eval-set", "index.json")
    eval_ref = None
    task = "classification" if kind == "classifier" else "segmentation"
    if os.path.exists(eval_index):
        with open(eval_index) as f:
            ev = json.load(f)
        eval_ref = ev[task].get("reference_results"), len(ev[task]["items"])
    classes = "\n".join(f"| {i} | {n} |" for i, n in sorted(config.id2label.items()))
    minutes = metrics["train_seconds"] / 60
    if kind == "classifier":
        title = "BiT image classifier for synthetic shapes"
        what = (f"A small [BiT](https://huggingface.co/docs/transformers/model_doc/bit) "
                f"`BitForImageClassification` (ResNetV2 with GroupNorm and weight-standardised convolutions, "
                f"`layer_type` preactivation, `global_padding` null) that names the single shape in an image. "
                f"Input {proc['crop_size']['height']}x{proc['crop_size']['width']} after the processor "
                f"(shortest edge {proc['size']['shortest_edge']}, bicubic, centre crop, CLIP mean/std); the graph "
                f"also accepts other heights/widths.")
        keys = ["layer_type", "global_padding", "embedding_dynamic_padding", "embedding_size", "hidden_sizes",
                "depths", "num_groups", "hidden_act"]
        held = (f"**Held-out top-1 accuracy: {metrics['test_accuracy'] * 100:.2f} %** on {metrics['test_images']} "
                f"freshly generated images (generator split `test`, seed {metrics['seed']}; 1/7 per class; "
                f"rendered at 64-128 px and run through the processor path).")
        data = ("Training images: each holds exactly one shape (the label), 35-85 % of the image wide, over a "
                "textured background (solid, gradients, stripes, checkerboard, blotches) with optional thin clutter "
                "(lines, dots), noise and blur; rendered at 64-128 px and resized/cropped by the processor.")
        out = "`logits` `[batch_size, 7]` (one score per class; softmax for probabilities)"
        inp = "`pixel_values` float32 `[batch_size, 3, height, width]`"
        note = ("onnxruntime's `Pad_Fusion` optimiser fuses the stem's `Pad(0)` + `MaxPool` and pads with -inf "
                "instead of 0, which changes the logits (by up to ~0.1 on the export-check images here). "
                "Create the session with `extra: { 'optimization.disable_specified_optimizers': 'Pad_Fusion' }` "
                "(or graph optimisations off) for exact results.")
        eval_line = ""
        if eval_ref and eval_ref[0]:
            r = eval_ref[0]
            eval_line = (f"\nFixed evaluation set (`tools/shapes/eval-set/`, {eval_ref[1]} images, seed 2024): "
                         f"top-1 accuracy {r.get('onnx_accuracy', r.get('pytorch_accuracy')) * 100:.2f} % with the "
                         f"ONNX graph (onnxruntime-node, Python-side preprocessing).\n")
    else:
        title = "BEiT semantic segmenter for synthetic shapes"
        what = (f"A small [BEiT](https://huggingface.co/docs/transformers/model_doc/beit) "
                f"`BeitForSemanticSegmentation` (ViT encoder with relative position bias and layer scale, UperNet "
                f"decode head with PSP + FPN; the auxiliary FCN head only served training) that labels every pixel "
                f"as background or one of 6 shape types. Input {config.image_size}x{config.image_size} "
                f"(the processor resizes any image to that, bilinear, mean/std 0.5); `logits` come out at "
                f"{config.image_size // config.patch_size * 4}x{config.image_size // config.patch_size * 4}: upsample "
                f"them bilinearly to the image size before the argmax (`post_process_semantic_segmentation`).")
        keys = ["image_size", "patch_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                "intermediate_size", "use_relative_position_bias", "layer_scale_init_value", "out_indices",
                "pool_scales", "use_auxiliary_head", "auxiliary_channels"]
        ious = ", ".join(f"{k} {v:.3f}" for k, v in metrics["test_iou_per_class"].items())
        held = (f"**Held-out mean IoU: {metrics['test_miou']:.4f}** over all {config.num_labels} classes incl. "
                f"background, on {metrics['test_images']} freshly generated images (generator split `test`, seed "
                f"{metrics['seed']}; rendered at 64-128 px, scored at that size). Per class: {ious}.")
        data = ("Training images: 2-4 shapes per image (13-28 % of the image size, small overlaps, later shapes "
                "in front), over textured backgrounds with optional clutter, noise and blur; rendered at 64-128 px "
                "and resized by the processor; masks rendered at 64x64 (a pixel belongs to the topmost shape "
                "covering at least half of it; a ring's hole is whatever lies below). Hexagons are not a "
                "segmentation class (too close to circles at this resolution).")
        g = config.image_size // config.patch_size * 4
        out = f"`logits` `[batch_size, {config.num_labels}, {g}, {g}]`"
        inp = f"`pixel_values` float32 `[batch_size, 3, {config.image_size}, {config.image_size}]` (fixed size)"
        note = ("As in Transformers, `out_indices` count the embeddings as index 1, so with "
                f"{config.num_hidden_layers} layers and `out_indices` {config.out_indices} the head reads layers "
                f"1-{config.num_hidden_layers - 1} outputs; the last layer's output is unused and the export drops "
                "it. The pyramid pooling is exported with static bins (AvgPool / Slice + ReduceMean + Concat), "
                "as in the fixtures' `adaptive_avg_pool` replacement, so the batch axis stays dynamic.")
        eval_line = ""
        if eval_ref and eval_ref[0]:
            r = eval_ref[0]
            eval_line = (f"\nFixed evaluation set (`tools/shapes/eval-set/`, {eval_ref[1]} images, seed 2024): "
                         f"mIoU {r.get('onnx_miou', r.get('pytorch_miou')):.4f} with the ONNX graph "
                         f"(onnxruntime-node, Python-side preprocessing).\n")
    text = f"""# {name}: {title}

{what}

Trained from scratch by this project on **synthetic images** drawn by `tools/shapes` (no external data,
no pretrained weights). It is a demo model: it knows these shapes and nothing else.

## Classes

| id | label |
| --- | --- |
{classes}

## Results

{held}
{eval_line}
## Files

- `config.json`: Transformers-style config (`model_type` `{config.model_type}`, `transformers_version` 4.37.0.dev0).
- `preprocessor_config.json`: `{proc['image_processor_type']}` settings.
- `onnx/model.onnx` ({onnx_bytes / 1e6:.2f} MB): `torch.onnx.export`, opset 17, constant-folded; input {inp},
  output {out}; dynamic batch axis. Checked against PyTorch with onnxruntime-node 1.30
  (`tools/shapes/check_onnx.mjs`; max abs diff below 1e-4 with Pad_Fusion disabled).
- `model.safetensors` ({checkpoint_bytes / 1e6:.2f} MB): the weights under their Hugging Face names, recovered from `onnx/model.onnx` by
  `tools/shapes/checkpoint_from_onnx.py` (training's own checkpoint is not committed; see below); Retina builds its q8
  and q4 graphs from it.

{n_params:,} parameters.

| config | value |
| --- | --- |
{_fmt_config(config, keys)}

## Note

{note}

## Training

{data} Training data seed {metrics['seed']}, {metrics['train_images']} pre-rendered images reused with the 8
symmetries of the square and random channel permutations; AdamW, cosine schedule, {metrics['steps']} steps of
batch {metrics['batch']} ({minutes:.1f} min of training{metrics.get('phase_note', '')}).

## Regenerate

```sh
/usr/bin/python3 tools/shapes/verify_reference.py          # modules vs the Transformers goldens
nice -n 19 /usr/bin/python3 tools/shapes/train_{kind}.py
/usr/bin/python3 tools/shapes/export.py {kind}
/usr/bin/python3 tools/shapes/checkpoint_from_onnx.py {kind}
node tools/shapes/check_onnx.mjs tools/shapes/.work/export-check/{name}/check.json
```

See `tools/shapes/README.md`.
"""
    with open(os.path.join(dst, "README.md"), "w") as f:
        f.write(text)
    print(f"wrote {os.path.join(dst, 'README.md')}")


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=sorted(KINDS) + ["depth"], help="depth: export_depth.py (checkpoint only, no ONNX)")
    ap.add_argument("--src", default=None, help="training output folder (default tools/shapes/.work/<kind>)")
    ap.add_argument("--models-dir", default=MODELS_DIR)
    ap.add_argument("--check-root", default=os.path.join(WORK_DIR, "export-check"))
    ap.add_argument("--readme-only", action="store_true", help="only (re)write README.md")
    a = ap.parse_args()
    if a.kind == "depth":
        import export_depth

        if not a.readme_only:
            export_depth.export(a.src, a.models_dir, a.check_root)
        export_depth.write_readme(a.src, a.models_dir)
    else:
        if not a.readme_only:
            main(a.kind, a.src, a.models_dir, a.check_root)
        write_readme(a.kind, a.src, a.models_dir)
