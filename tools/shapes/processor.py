"""Python-side equivalents of Transformers' BitImageProcessor / BeitImageProcessor / DPTImageProcessor
(v4.37) for RGB PIL images, following the arithmetic the fixtures document: Pillow resize on uint8 with
the configured filter, centre crop (top = (H - h) // 2, left = (W - w) // 2, zero-padding when the
image is smaller), x = float32(u8 * (1/255)), then (x - mean) / std in float32. DPT: the target size
as get_resize_output_image_size computes it (keep_aspect_ratio, ensure_multiple_of); do_pad is not
supported here."""
import json
import math

import numpy as np
from PIL import Image


def load_processor(path):
    with open(path) as f:
        return json.load(f)


def _constrain_to_multiple_of(value, multiple):
    x = round(value / multiple) * multiple  # Python's round, as the reference
    return math.ceil(value / multiple) * multiple if x < 0 else x


def _dpt_size(w, h, cfg):
    size = cfg["size"]
    scale_h, scale_w = size["height"] / h, size["width"] / w
    if cfg.get("keep_aspect_ratio", False):
        if abs(1 - scale_w) < abs(1 - scale_h):
            scale_h = scale_w
        else:
            scale_w = scale_h
    multiple = cfg.get("ensure_multiple_of", 1) or 1
    return _constrain_to_multiple_of(scale_w * w, multiple), _constrain_to_multiple_of(scale_h * h, multiple)


def _resize(img, cfg):
    size = cfg["size"]
    w, h = img.size
    if cfg.get("image_processor_type") == "DPTImageProcessor":
        if cfg.get("do_pad", False):
            raise NotImplementedError("DPTImageProcessor do_pad")
        nw, nh = _dpt_size(w, h, cfg)
    elif "shortest_edge" in size:
        s = size["shortest_edge"]
        short, long = (w, h) if w <= h else (h, w)
        new_short, new_long = s, int(s * long / short)
        nw, nh = (new_short, new_long) if w <= h else (new_long, new_short)
    else:
        nw, nh = size["width"], size["height"]
    return img.resize((nw, nh), resample=cfg.get("resample", 3))


def _center_crop(arr, h, w):
    H, W = arr.shape[:2]
    if H < h or W < w:
        nh, nw = max(H, h), max(W, w)
        pad = np.zeros((nh, nw) + arr.shape[2:], arr.dtype)
        top, left = (nh - H) // 2, (nw - W) // 2
        pad[top : top + H, left : left + W] = arr
        arr, H, W = pad, nh, nw
    top, left = (H - h) // 2, (W - w) // 2
    return arr[top : top + h, left : left + w]


def preprocess_uint8(img, cfg):
    """Resize + crop only: the uint8 HWC array the model input is computed from."""
    if cfg.get("do_convert_rgb", False) or img.mode != "RGB":
        img = img.convert("RGB")
    if cfg.get("do_resize", True):
        img = _resize(img, cfg)
    arr = np.asarray(img, np.uint8)
    if cfg.get("do_center_crop", False):
        arr = _center_crop(arr, cfg["crop_size"]["height"], cfg["crop_size"]["width"])
    return arr


def normalize(arr_u8, cfg):
    """uint8 (..., H, W, 3) -> float32 (..., 3, H, W)."""
    x = arr_u8.astype(np.float64)
    if cfg.get("do_rescale", True):
        x = x * cfg.get("rescale_factor", 1 / 255)
    x = x.astype(np.float32)
    if cfg.get("do_normalize", True):
        x = (x - np.array(cfg["image_mean"], np.float32)) / np.array(cfg["image_std"], np.float32)
    return np.moveaxis(x, -1, -3).astype(np.float32)


def preprocess(img, cfg):
    return normalize(preprocess_uint8(img, cfg), cfg)[None]
