"""Relative-depth quality as MiDaS evaluates it (Ranftl et al., "Towards Robust Monocular Depth Estimation",
eval code `BadPixelMetric` / `compute_scale_and_shift`): the prediction, a relative inverse depth (disparity),
is aligned to the ground-truth disparity by least squares (scale and shift) over the valid pixels, clamped
below at 1 / DEPTH_CAP, turned into depth (1 / disparity), and compared with the ground-truth depth:
AbsRel = mean |d - d*| / d*, delta1 = share of pixels with max(d / d*, d* / d) < 1.25.

Valid pixels: ground-truth disparity >= 1 / DEPTH_CAP, i.e. depth up to 10x the floor's at the image's bottom
edge (the sky, at disparity 0, and the floor's last stretch before the horizon are left out, as a depth
sensor's range would). Scores per image; a set's score is the mean over its images (as MiDaS reports), and
the `shapes` scores cover only the valid pixels that shapes cover (mean over images with such pixels).
The TypeScript test (apps/demo/src/embedded-models.test.ts) computes the same, in float64.
"""
import numpy as np

DEPTH_CAP = 10.0


def align(pred, gt):
    """Least-squares scale and shift of pred onto gt (1-D float64 arrays); (1, 0) if pred is constant."""
    a00, a01, a11 = float(pred @ pred), float(pred.sum()), float(len(pred))
    b0, b1 = float(pred @ gt), float(gt.sum())
    det = a00 * a11 - a01 * a01
    if det <= 0:
        return 1.0, 0.0
    return (a11 * b0 - a01 * b1) / det, (a00 * b1 - a01 * b0) / det


def image_metrics(pred, gt, shapes_mask):
    """pred, gt: disparity maps of one image at the same size; shapes_mask: bool, pixels shapes cover."""
    pred, gt = pred.astype(np.float64).ravel(), gt.astype(np.float64).ravel()
    valid = gt >= 1 / DEPTH_CAP
    scale, shift = align(pred[valid], gt[valid])
    depth = 1 / np.maximum(scale * pred[valid] + shift, 1 / DEPTH_CAP)
    truth = 1 / gt[valid]
    rel = np.abs(depth - truth) / truth
    good = np.maximum(depth / truth, truth / depth) < 1.25
    on_shapes = shapes_mask.ravel()[valid]
    out = {"absrel": float(rel.mean()), "delta1": float(good.mean())}
    if on_shapes.any():
        out["absrel_shapes"] = float(rel[on_shapes].mean())
        out["delta1_shapes"] = float(good[on_shapes].mean())
    return out


def summarize(per_image):
    keys = ["absrel", "delta1", "absrel_shapes", "delta1_shapes"]
    out = {k: float(np.mean([m[k] for m in per_image if k in m])) for k in keys}
    out["images"] = len(per_image)
    out["images_with_shapes"] = sum("absrel_shapes" in m for m in per_image)
    return out
