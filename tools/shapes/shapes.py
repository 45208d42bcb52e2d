"""Procedural synthetic-shapes dataset (deterministic: image i of split s is drawn from
numpy's default_rng([seed, split_id, i]), so every image can be regenerated on its own).

Scenes are described in normalised coordinates and rendered at any pixel size:
- classification: exactly ONE shape per image (the label), 35-85 % of the image wide,
  fully inside the frame, over a textured background, plus optional thin clutter
  (lines and dots that are none of the classes), noise and blur.
- segmentation: 2-3 shapes of the SEG_CLASSES types (no hexagon: too close to a circle at
  segmentation scale; the same class may appear twice), each with a circumradius of
  17-30 % of the image size, which may overlap a little (later shapes occlude
  earlier ones); per-pixel mask: 0 = background, k = SEG_CLASSES[k]. A pixel belongs to the
  topmost shape covering at least half of it; a ring's hole shows what is underneath.

Anti-aliasing: every shape is rasterised at 4x and box-filtered to a coverage alpha.
"""
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

CLS_CLASSES = ["circle", "square", "triangle", "star", "hexagon", "cross", "ring"]
SEG_CLASSES = ["background", "circle", "square", "triangle", "star", "cross", "ring"]
SPLITS = {"train": 1, "val": 2, "eval": 3, "samples": 4, "test": 5}
SS = 4  # supersampling factor for anti-aliasing


# ----------------------------------------------------------------------------- geometry
def _polygon(kind, cx, cy, r, rot, aux):
    """Vertices (in pixels) of polygonal shapes; aux holds per-shape shape parameters."""
    if kind == "square":
        n, radii = 4, [r]
    elif kind == "triangle":
        n, radii = 3, [r]
    elif kind == "hexagon":
        n, radii = 6, [r]
    elif kind == "star":
        n, radii = 5, [r, r * aux["inner"]]
    elif kind == "cross":
        w = r * aux["arm"]  # half width of an arm; arm tips at distance r
        pts = [(w, r), (w, w), (r, w), (r, -w), (w, -w), (w, -r), (-w, -r), (-w, -w), (-r, -w), (-r, w), (-w, w), (-w, r)]
        c, s = math.cos(rot), math.sin(rot)
        return [(cx + x * c - y * s, cy + x * s + y * c) for x, y in pts]
    else:
        raise ValueError(kind)
    pts = []
    k = len(radii)
    for i in range(n * k):
        a = rot + 2 * math.pi * i / (n * k) - math.pi / 2
        rr = radii[i % k]
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return pts


def shape_alpha(shape, size):
    """Coverage alpha (float32 HxW in [0,1]) of one shape rendered at `size` x `size` pixels."""
    kind = shape["kind"]
    cx, cy, r = shape["cx"] * size, shape["cy"] * size, shape["r"] * size
    alpha = np.zeros((size, size), np.float32)
    x0, y0 = max(int(math.floor(cx - r - 2)), 0), max(int(math.floor(cy - r - 2)), 0)
    x1, y1 = min(int(math.ceil(cx + r + 2)), size), min(int(math.ceil(cy + r + 2)), size)
    if x1 <= x0 or y1 <= y0:
        return alpha
    w, h = x1 - x0, y1 - y0
    canvas = Image.new("L", (w * SS, h * SS), 0)
    d = ImageDraw.Draw(canvas)
    ox, oy = (cx - x0) * SS, (cy - y0) * SS
    R = r * SS
    if kind in ("circle", "ring"):
        d.ellipse([ox - R, oy - R, ox + R, oy + R], fill=255)
        if kind == "ring":
            Ri = R * shape["aux"]["hole"]
            d.ellipse([ox - Ri, oy - Ri, ox + Ri, oy + Ri], fill=0)
    else:
        d.polygon(_polygon(kind, ox, oy, R, shape["rot"], shape["aux"]), fill=255)
    small = canvas.resize((w, h), Image.BOX)
    alpha[y0:y1, x0:x1] = np.asarray(small, np.float32) / 255.0
    return alpha


def _shape_params(rng, kind, cx, cy, r):
    aux = {}
    if kind == "star":
        aux["inner"] = float(rng.uniform(0.38, 0.5))
    elif kind == "cross":
        aux["arm"] = float(rng.uniform(0.28, 0.38))
    elif kind == "ring":
        aux["hole"] = float(rng.uniform(0.45, 0.62))
    return {"kind": kind, "cx": float(cx), "cy": float(cy), "r": float(r),
            "rot": float(rng.uniform(0, 2 * math.pi)), "aux": aux}


# ----------------------------------------------------------------------------- textures
def _rand_color(rng):
    return rng.uniform(0, 1, 3).astype(np.float32)


def _smooth_noise(rng, size, cells):
    g = rng.uniform(0, 1, (cells, cells)).astype(np.float32)
    img = Image.fromarray((g * 255).astype(np.uint8)).resize((size, size), Image.BICUBIC)
    return np.asarray(img, np.float32) / 255.0


def background(rng, size, params):
    """Textured RGB background, float32 HxWx3 in [0,1]. params drawn once per scene (size-independent)."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    c1, c2 = params["c1"], params["c2"]
    kind = params["kind"]
    if kind == "solid":
        t = np.zeros((size, size), np.float32)
    elif kind == "gradient":
        a = params["angle"]
        t = (xx - 0.5) * math.cos(a) + (yy - 0.5) * math.sin(a)
        t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    elif kind == "radial":
        t = np.sqrt((xx - params["px"]) ** 2 + (yy - params["py"]) ** 2)
        t = np.clip(t / 0.9, 0, 1)
    elif kind == "stripes":
        a = params["angle"]
        u = xx * math.cos(a) + yy * math.sin(a)
        t = 0.5 + 0.5 * np.sin(2 * math.pi * params["freq"] * u + params["phase"])
        if params["hard"]:
            t = (t > 0.5).astype(np.float32)
    elif kind == "checker":
        f = params["freq"]
        t = ((np.floor(xx * f) + np.floor(yy * f)) % 2).astype(np.float32)
    elif kind == "blotches":
        t = _smooth_noise(np.random.default_rng(params["noise_seed"]), size, params["cells"])
    else:
        raise ValueError(kind)
    img = c1[None, None, :] * (1 - t[..., None]) + c2[None, None, :] * t[..., None]
    return img.astype(np.float32)


def _background_params(rng):
    kind = rng.choice(["solid", "gradient", "radial", "stripes", "checker", "blotches"],
                      p=[0.12, 0.22, 0.14, 0.2, 0.1, 0.22])
    c1 = _rand_color(rng)
    # the second colour stays within reach of the first one, so shapes can contrast with both
    c2 = np.clip(c1 + rng.uniform(-0.45, 0.45, 3), 0, 1).astype(np.float32)
    return {"kind": str(kind), "c1": c1, "c2": c2, "angle": float(rng.uniform(0, 2 * math.pi)),
            "px": float(rng.uniform(0, 1)), "py": float(rng.uniform(0, 1)),
            "freq": float(rng.uniform(2, 9)), "phase": float(rng.uniform(0, 6.3)),
            "hard": bool(rng.uniform() < 0.4), "cells": int(rng.integers(3, 9)),
            "noise_seed": int(rng.integers(0, 2**31))}


def _pick_color(rng, bg_pixels):
    """A fill colour that stands out from the background pixels it covers."""
    best, best_score = None, -1.0
    for _ in range(40):
        c = _rand_color(rng)
        d = np.sqrt(((bg_pixels - c[None, :]) ** 2).sum(-1))
        score = float(np.percentile(d, 10)) if d.size else 1.0
        if score > best_score:
            best, best_score = c, score
        if score > 0.4:
            break
    return best


# ----------------------------------------------------------------------------- scenes
def classification_scene(rng, label=None):
    kind = CLS_CLASSES[int(rng.integers(len(CLS_CLASSES)))] if label is None else label
    r = float(rng.uniform(0.18, 0.42))
    cx = float(rng.uniform(r + 0.02, 1 - r - 0.02))
    cy = float(rng.uniform(r + 0.02, 1 - r - 0.02))
    shapes = [_shape_params(rng, kind, cx, cy, r)]
    return _finish_scene(rng, shapes, clutter=rng.uniform() < 0.5)


def segmentation_scene(rng):
    n = int(rng.integers(2, 4))
    shapes = []
    tries = 0
    while len(shapes) < n and tries < 200:
        tries += 1
        kind = SEG_CLASSES[1 + int(rng.integers(len(SEG_CLASSES) - 1))]
        r = float(rng.uniform(0.17, 0.3))
        cx, cy = float(rng.uniform(r * 0.6, 1 - r * 0.6)), float(rng.uniform(r * 0.6, 1 - r * 0.6))
        # keep shapes mostly apart: small overlaps only
        if all(math.hypot(cx - s["cx"], cy - s["cy"]) > 0.8 * (r + s["r"]) for s in shapes):
            shapes.append(_shape_params(rng, kind, cx, cy, r))
    return _finish_scene(rng, shapes, clutter=rng.uniform() < 0.3)


def _finish_scene(rng, shapes, clutter):
    scene = {"shapes": shapes, "bg": _background_params(rng)}
    # colour per shape, chosen against the background at a reference resolution
    ref = 64
    bg = background(rng, ref, scene["bg"])
    for s in shapes:
        a = shape_alpha(s, ref)
        pix = bg[a > 0.5]
        s["color"] = _pick_color(rng, pix if len(pix) else bg.reshape(-1, 3))
        s["shade"] = float(rng.uniform(-0.15, 0.15)) if rng.uniform() < 0.5 else 0.0
        s["shade_angle"] = float(rng.uniform(0, 2 * math.pi))
    scene["clutter"] = []
    if clutter:
        for _ in range(int(rng.integers(1, 5))):
            if rng.uniform() < 0.5:
                scene["clutter"].append({"type": "line", "p": rng.uniform(0, 1, 4).tolist(),
                                         "w": float(rng.uniform(0.006, 0.02)), "color": _rand_color(rng)})
            else:
                c = rng.uniform(0, 1, 2).tolist()
                scene["clutter"].append({"type": "dot", "p": c, "r": float(rng.uniform(0.01, 0.03)),
                                         "color": _rand_color(rng)})
    scene["noise"] = float(rng.uniform(0.0, 0.07))
    scene["blur"] = float(rng.uniform(0.0, 0.9)) if rng.uniform() < 0.4 else 0.0
    scene["noise_seed"] = int(rng.integers(0, 2**31))
    return scene


def _clutter_layer(scene, size):
    canvas = Image.new("RGBA", (size * SS, size * SS), (0, 0, 0, 0))
    d = ImageDraw.Draw(canvas)
    S = size * SS
    for c in scene["clutter"]:
        col = tuple(int(v * 255) for v in c["color"]) + (255,)
        if c["type"] == "line":
            x0, y0, x1, y1 = [v * S for v in c["p"]]
            d.line([x0, y0, x1, y1], fill=col, width=max(1, int(c["w"] * S)))
        else:
            x, y = c["p"][0] * S, c["p"][1] * S
            rr = c["r"] * S
            d.ellipse([x - rr, y - rr, x + rr, y + rr], fill=col)
    small = np.asarray(canvas.resize((size, size), Image.BOX), np.float32) / 255.0
    return small[..., :3], small[..., 3:4]


def render(scene, size, with_mask=False, classes=SEG_CLASSES):
    """Render a scene at size x size: uint8 RGB image (and uint8 label mask if asked)."""
    rng = np.random.default_rng(scene["noise_seed"])
    img = background(rng, size, scene["bg"])
    if scene["clutter"]:  # clutter lies on the background, under the shapes
        rgb, a = _clutter_layer(scene, size)
        # premultiplied after box filtering: un-premultiply where alpha > 0
        col = np.where(a > 0, rgb / np.maximum(a, 1e-6), 0)
        img = img * (1 - a) + col * a
    mask = np.zeros((size, size), np.uint8) if with_mask else None
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    for s in scene["shapes"]:
        a = shape_alpha(s, size)
        col = np.broadcast_to(s["color"], (size, size, 3))
        if s["shade"]:
            t = (xx - s["cx"]) * math.cos(s["shade_angle"]) + (yy - s["cy"]) * math.sin(s["shade_angle"])
            col = np.clip(col + (s["shade"] * t / max(s["r"], 1e-3))[..., None], 0, 1)
        img = img * (1 - a[..., None]) + col * a[..., None]
        if with_mask:
            mask[a >= 0.5] = classes.index(s["kind"])
    if scene["noise"] > 0:
        img = img + rng.normal(0, scene["noise"], img.shape).astype(np.float32)
    out = Image.fromarray(np.clip(img * 255 + 0.5, 0, 255).astype(np.uint8), "RGB")
    if scene["blur"] > 0:
        out = out.filter(ImageFilter.GaussianBlur(scene["blur"] * size / 64))
    return (out, mask) if with_mask else out


def rng_for(seed, split, index):
    return np.random.default_rng([seed, SPLITS[split], index])


def classification_sample(seed, split, index, size, label=None):
    rng = rng_for(seed, split, index)
    if label is None:
        label = CLS_CLASSES[index % len(CLS_CLASSES)]  # balanced classes
    scene = classification_scene(rng, label)
    return render(scene, size), CLS_CLASSES.index(label)


def segmentation_sample(seed, split, index, size, mask_size=None):
    rng = rng_for(seed, split, index)
    scene = segmentation_scene(rng)
    img, mask = render(scene, size, with_mask=True)
    if mask_size is not None and mask_size != size:
        _, mask = render(scene, mask_size, with_mask=True)
    return img, mask
