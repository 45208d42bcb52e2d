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


def _finish_scene(rng, shapes, clutter, depth_params=None):
    scene = {"shapes": shapes, "bg": _background_params(rng)}
    if depth_params is not None:  # depth scenes: horizon, sky and fog, drawn after the floor's texture
        scene.update(depth_params(rng))
    # colour per shape, chosen against the background at a reference resolution
    ref = 64
    bg = scene_background(rng, ref, scene)
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
    img = scene_background(rng, size, scene)
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


# ----------------------------------------------------------------------------- depth scenes
# A depth scene is a floor seen by a pinhole camera, with shapes standing upright on it like cardboard
# cut-outs that bulge a little toward the camera. The ground truth is relative inverse depth (disparity),
# as MiDaS-style models (DPT) predict it, in units where the floor's disparity at the image's bottom
# edge is 1:
# - floor: for a camera looking parallel to the floor with the horizon at image row `horizon` (0 = top,
#   1 = bottom; negative = above the image, i.e. looking down), the floor's disparity at row y is
#   (y - horizon) / (1 - horizon): linear in the row, 0 at the horizon; the sky above it is 0 (infinitely far).
# - shapes: each stands on the floor at its lowest point (row `base`), so its outline has the floor's
#   disparity there, d_b; its apparent size follows perspective (circumradius = physical size x d_b).
#   Relief: the shape bulges toward the camera by DEPTH_RELIEF x its physical size at the point farthest
#   from its outline (a dome over the outline's distance transform: a hemisphere for a circle, a half
#   torus for a ring): disparity d_b / (1 - DEPTH_RELIEF x size x dome), dome in [0, 1].
# - occlusion is consistent with depth: shapes are drawn far to near (higher base first).
# Floors use the flat textures, except checkerboards and stripes, which lie on the floor in perspective;
# fog (optional) fades the floor to a haze colour with distance; the sky is a vertical gradient to the haze.
# Clutter (lines, dots) is painted on the background and has its depth.
DEPTH_RELIEF = 0.5


def _vertical_extent(shape):
    """(above, below): how far a shape reaches above and below its centre, in units of its circumradius."""
    if shape["kind"] in ("circle", "ring"):
        return 1.0, 1.0
    ys = [y for _, y in _polygon(shape["kind"], 0.0, 0.0, 1.0, shape["rot"], shape["aux"])]
    return -min(ys), max(ys)


def _depth_params(rng):
    if rng.uniform() < 0.5:
        horizon = float(rng.uniform(0.1, 0.4))  # the horizon is in view, sky above it
    else:
        horizon = float(rng.uniform(-0.9, -0.1))  # looking down: floor only
    haze = _rand_color(rng)
    sky = np.clip(haze + rng.uniform(-0.5, 0.5, 3), 0, 1).astype(np.float32)
    fog = float(rng.uniform(0.05, 0.6)) if rng.uniform() < 0.6 else 0.0
    return {"horizon": horizon, "haze": haze, "sky": sky, "fog": fog}


def floor_disparity(base, horizon):
    return (base - horizon) / (1 - horizon)


def depth_scene(rng):
    """1-4 shapes of any of the 7 kinds standing on a floor (see above), drawn far to near."""
    params = _depth_params(rng)
    h = params["horizon"]
    top = max(h, 0.0) + 0.12  # shapes stand at least this far below the horizon (or the image top)
    n = int(rng.integers(1, 5))
    shapes = []
    tries = 0
    while len(shapes) < n and tries < 300:
        tries += 1
        kind = CLS_CLASSES[int(rng.integers(len(CLS_CLASSES)))]
        s = _shape_params(rng, kind, 0.0, 0.0, 1.0)
        size = float(rng.uniform(0.18, 0.34))  # physical size: the circumradius where the floor's disparity is 1
        base = float(rng.uniform(top, 1.0))
        cx_frac = float(rng.uniform(0, 1))
        r = size * floor_disparity(base, h)
        above, below = _vertical_extent(s)
        cy = base - r * below
        if r < 0.09 or cy - r * above < -0.15:
            continue
        cx = r * 0.5 + cx_frac * (1 - r)  # may be cut by the side edges by up to half its radius
        if all(math.hypot(cx - o["cx"], cy - o["cy"]) > 0.6 * (r + o["r"]) for o in shapes):
            s.update(cx=float(cx), cy=float(cy), r=float(r), base=base, size=size)
            shapes.append(s)
    shapes.sort(key=lambda s: s["base"])  # far to near: nearer shapes are drawn over farther ones
    return _finish_scene(rng, shapes, clutter=rng.uniform() < 0.3, depth_params=lambda _: params)


def _pixel_centres(size):
    c = (np.arange(size, dtype=np.float64) + 0.5) / size
    yy, xx = np.meshgrid(c, c, indexing="ij")
    return yy, xx


def _perspective_texture(size, scene):
    """Checkerboard or stripes lying on the floor, seen in perspective (4x4 supersampled), in [0, 1]."""
    p, h = scene["bg"], scene["horizon"]
    n = size * SS
    c = (np.arange(n, dtype=np.float64) + 0.5) / n
    yy, xx = np.meshgrid(c, c, indexing="ij")
    z = 1.0 / np.maximum((yy - h) / (1 - h), 1e-3)  # distance along the floor, 1 at the bottom edge
    x = (xx - 0.5) * z
    f = p["freq"] / 2
    if p["kind"] == "checker":
        t = ((np.floor(x * f) + np.floor(z * f)) % 2).astype(np.float32)
    else:
        u = x * math.cos(p["angle"]) + z * math.sin(p["angle"])
        t = 0.5 + 0.5 * np.sin(2 * math.pi * f * u + p["phase"])
        if p["hard"]:
            t = (t > 0.5).astype(np.float32)
    return t.reshape(size, SS, size, SS).mean(axis=(1, 3)).astype(np.float32)


def scene_background(rng, size, scene):
    """The background of any scene, float32 HxWx3: the flat texture, or a depth scene's floor, fog and sky."""
    if "horizon" not in scene:
        return background(rng, size, scene["bg"])
    p, h = scene["bg"], scene["horizon"]
    if p["kind"] in ("checker", "stripes"):
        t = _perspective_texture(size, scene)[..., None]
        floor = p["c1"][None, None, :] * (1 - t) + p["c2"][None, None, :] * t
    else:
        floor = background(rng, size, p)
    yy, _ = _pixel_centres(size)
    d = np.maximum((yy - h) / (1 - h), 1e-6)
    fog = (1 - np.exp(-scene["fog"] * (1 / d - 1)))[..., None] if scene["fog"] > 0 else 0.0
    floor = floor * (1 - fog) + scene["haze"][None, None, :] * fog
    t_sky = np.clip(yy / max(h, 1e-6), 0, 1)[..., None]
    sky = scene["sky"][None, None, :] * (1 - t_sky) + scene["haze"][None, None, :] * t_sky
    return np.where((yy < h)[..., None], sky, floor).astype(np.float32)


def _segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = np.clip(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy), 0, 1)
    return np.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _edge_distance(shape, yy, xx):
    """Distance of each point (normalised coordinates) to the shape's outline, and the largest such distance inside."""
    cx, cy, r = shape["cx"], shape["cy"], shape["r"]
    rho = np.hypot(xx - cx, yy - cy)
    if shape["kind"] == "circle":
        return r - rho, r
    if shape["kind"] == "ring":
        inner = r * shape["aux"]["hole"]
        return np.minimum(r - rho, rho - inner), (r - inner) / 2
    pts = _polygon(shape["kind"], cx, cy, r, shape["rot"], shape["aux"])
    edges = list(zip(pts, pts[1:] + pts[:1]))
    dist = np.min([_segment_distance(xx, yy, ax, ay, bx, by) for (ax, ay), (bx, by) in edges], axis=0)
    centre = min(float(_segment_distance(np.float64(cx), np.float64(cy), ax, ay, bx, by)) for (ax, ay), (bx, by) in edges)
    return dist, centre  # the centre is the deepest inside point of these centred, symmetric shapes


def shape_disparity(shape, horizon, yy, xx):
    d_base = floor_disparity(shape["base"], horizon)
    dist, deepest = _edge_distance(shape, yy, xx)
    p = np.clip(dist / deepest, 0, 1)
    dome = np.sqrt(1 - (1 - p) ** 2)
    return d_base / (1 - DEPTH_RELIEF * shape["size"] * dome)


def floor_map(scene, size):
    """The disparity of the floor alone (no shapes), 0 in the sky: float64 [size, size]."""
    yy, _ = _pixel_centres(size)
    return np.maximum((yy - scene["horizon"]) / (1 - scene["horizon"]), 0.0)


def disparity_map(scene, size):
    """Ground-truth disparity at the pixel centres, float32 [size, size] (0 in the sky), and the shape
    mask (True where shapes cover at least half of the pixel). Shape edges blend by coverage."""
    h = scene["horizon"]
    yy, xx = _pixel_centres(size)
    d = floor_map(scene, size)
    covered = np.zeros((size, size), bool)
    for s in scene["shapes"]:
        a = shape_alpha(s, size).astype(np.float64)
        d = d * (1 - a) + shape_disparity(s, h, yy, xx) * a
        covered |= a >= 0.5
    return d.astype(np.float32), covered


def depth_sample(seed, split, index, size, depth_size=None):
    """(image, disparity, shape mask): the image at `size`, the ground truth at `depth_size` (default `size`)."""
    scene = depth_scene(rng_for(seed, split, index))
    disparity, covered = disparity_map(scene, depth_size or size)
    return render(scene, size), disparity, covered
