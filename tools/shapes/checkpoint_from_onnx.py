"""Recover a shipped demo model's weights (model.safetensors, Hugging Face names) from its onnx/model.onnx,
for what needs a checkpoint (Retina builds q8/q4 graphs from one). Training is the source of truth, but its
outputs are not committed (see README.md); the exported graph holds every weight the logits depend on:

- most as they are (possibly reshaped), Linear weights transposed for MatMul (and BiT's convolution weights
  reshaped and transposed for their standardisation);
- BEiT's relative position biases, where constant folding gathered them into [heads, N+1, N+1]: every table
  row appears in it, so the table is read back through relative_position_index;
- ConvModule's conv (no bias) + BatchNorm folded by constant folding into one weight and bias: the conv gets
  the folded weight and the BatchNorm becomes the identity carrying the folded bias (running_var 1 - eps, so
  sqrt(var + eps) is 1).

Weights the graph does not hold cannot reach the logits (the auxiliary head, training loss only; the
segmenter's fifth layer, after the last of out_indices): they are written as zeros, so that the checkpoint
has every tensor its config implies.

Which graph initializer is which weight, and how, is found by exporting the same module tree with seeded
random weights (torch.onnx.export, the settings of export.py) and matching values. The result is checked by
exporting it again: every initializer must equal the shipped graph's (up to float rounding of the BatchNorm fold).

    /usr/bin/python3 tools/shapes/checkpoint_from_onnx.py classifier|segmenter
"""
import io
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import MODELS_DIR  # noqa: E402
from export import KINDS, LogitsOnly  # noqa: E402
from modeling_beit import BeitRelativePositionBias, ConvModule  # noqa: E402
from processor import load_processor  # noqa: E402
from safetensors_io import save_safetensors  # noqa: E402


def export_initializers(model, kind, config, proc):
    """The initializers of the graph export.py writes for `model`, by name."""
    size = config.image_size if kind == "segmenter" else proc["crop_size"]["height"]
    if kind == "classifier":
        axes = {"pixel_values": {0: "batch_size", 2: "height", 3: "width"}, "logits": {0: "batch_size"}}
    else:
        axes = {"pixel_values": {0: "batch_size"}, "logits": {0: "batch_size"}}
    buffer = io.BytesIO()
    torch.onnx.export(LogitsOnly(model).eval(), (torch.zeros(2, 3, size, size),), buffer, input_names=["pixel_values"],
                      output_names=["logits"], dynamic_axes=axes, opset_version=17, do_constant_folding=True)
    model.eval()
    graph = onnx.load_from_string(buffer.getvalue()).graph
    return {i.name: numpy_helper.to_array(i) for i in graph.initializer}


def seeded_state(model, seed):
    """Every float tensor of the state dict replaced by distinct positive values (valid BatchNorm variances too)."""
    g = torch.Generator().manual_seed(seed)
    return {k: (torch.rand(v.shape, generator=g, dtype=torch.float64) + 0.5).float() if v.is_floating_point() else v
            for k, v in model.state_dict().items()}


def main(kind):
    name, cfg_cls, model_cls = KINDS[kind]
    folder = os.path.join(MODELS_DIR, name)
    config = cfg_cls.from_json_file(os.path.join(folder, "config.json"))
    proc = load_processor(os.path.join(folder, "preprocessor_config.json"))
    shipped_graph = onnx.load(os.path.join(folder, "onnx", "model.onnx")).graph
    shipped = {i.name: numpy_helper.to_array(i) for i in shipped_graph.initializer}
    model = model_cls(config).eval()
    params = {k for k, v in model.state_dict().items() if v.is_floating_point()}

    markers = seeded_state(model, 1)
    model.load_state_dict(markers)
    marked = export_initializers(model, kind, config, proc)
    model.load_state_dict(seeded_state(model, 2))
    # Initializers equal under two random weight sets are constants of the graph, not weights.
    weights_in_graph = {n for n, v in export_initializers(model, kind, config, proc).items() if not np.array_equal(v, marked[n])}
    if set(marked) != set(shipped) or any(marked[n].shape != shipped[n].shape for n in marked):
        sys.exit("The shipped graph does not have the initializers this export makes: was it exported by export.py?")

    recovered, claimed = {}, set()
    for key in sorted(params):
        value = markers[key].numpy()
        # A weight may be in the graph more than once (BiT's standardised convolutions read theirs twice).
        for init, m in marked.items():
            if m.size != value.size:
                continue
            if np.array_equal(m.ravel(), value.ravel()):
                recovered.setdefault(key, shipped[init].reshape(value.shape))
            elif value.ndim >= 2 and np.array_equal(m.ravel(), value.reshape(len(value), -1).T.ravel()):
                # [out, in, ...] as [in · ..., out]: Linear weights for MatMul, BiT's for its standardisation.
                recovered.setdefault(key, shipped[init].reshape(-1, len(value)).T.reshape(value.shape))
            else:
                continue
            claimed.add(init)

    model.load_state_dict(markers)
    for prefix, module in model.named_modules():
        if isinstance(module, BeitRelativePositionBias) and f"{prefix}.relative_position_bias_table" not in recovered:
            with torch.no_grad():
                gathered = module().numpy()
            init = next((n for n, m in marked.items() if n not in claimed and m.size == gathered.size
                         and np.array_equal(m.ravel(), gathered.ravel())), None)
            if init is None:
                continue  # not in the graph
            heads = gathered.shape[0]
            bias = shipped[init].reshape(gathered.shape)
            table = np.zeros((module.num_relative_distance, heads), dtype=np.float32)
            table[module.relative_position_index.view(-1).numpy()] = bias.transpose(1, 2, 0).reshape(-1, heads)
            recovered[f"{prefix}.relative_position_bias_table"] = table
            claimed.add(init)
        elif isinstance(module, ConvModule):
            bn = module.bn
            with torch.no_grad():
                scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
                folded = (module.conv.weight * scale[:, None, None, None]).numpy()
                bias = (bn.bias - bn.running_mean * scale).numpy()
            found = [n for n, m in marked.items() if n not in claimed and m.shape in (folded.shape, bias.shape)
                     and np.allclose(m, folded if m.shape == folded.shape else bias, rtol=1e-6, atol=0)]
            if len(found) != 2:
                continue  # not in the graph (the auxiliary head)
            weight_init, bias_init = sorted(found, key=lambda n: marked[n].ndim, reverse=True)
            recovered[f"{prefix}.conv.weight"] = shipped[weight_init]
            recovered[f"{prefix}.bn.weight"] = np.ones_like(bias)
            recovered[f"{prefix}.bn.bias"] = shipped[bias_init]
            recovered[f"{prefix}.bn.running_mean"] = np.zeros_like(bias)
            recovered[f"{prefix}.bn.running_var"] = np.full_like(bias, 1 - bn.eps)
            claimed.update(found)

    unclaimed = sorted(weights_in_graph - claimed)
    if unclaimed:
        sys.exit(f"Graph weights not traced back to the checkpoint: {unclaimed}")
    # Every weight of the graph is accounted for, so the others cannot reach the logits: zeros.
    unused = sorted(params - set(recovered))
    for key in unused:
        recovered[key] = np.zeros(markers[key].shape, dtype=np.float32)
    if unused:
        print(f"Not in the graph (they do not reach the logits), written as zeros: {', '.join(sorted({'.'.join(k.split('.')[:4]) for k in unused}))}")

    # Check: the recovered weights export to the shipped graph's initializers.
    state = model.state_dict()
    state.update({k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in recovered.items()})
    model.load_state_dict(state)
    again = export_initializers(model, kind, config, proc)
    worst = max(float(np.max(np.abs(again[n] - shipped[n]) / (np.max(np.abs(shipped[n])) or 1))) for n in weights_in_graph)
    print(f"{name}: {len(recovered)} tensors recovered; re-exported weights vs the shipped graph: largest difference "
          f"{worst:.1e} of each tensor's largest magnitude")
    if worst > 1e-6:
        sys.exit("The recovered weights do not reproduce the shipped graph.")
    out = os.path.join(folder, "model.safetensors")
    save_safetensors({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in recovered.items()}, out)
    print(f"wrote {out} ({os.path.getsize(out)} bytes)")


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in KINDS:
        sys.exit(__doc__)
    main(sys.argv[1])
