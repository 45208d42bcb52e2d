"""Sample images for the demo gallery (apps/demo/public/samples/), from the same generator
(seed 777, split 'samples'): one single-shape image per classifier class, a few multi-shape
scenes for the segmenter and four depth scenes (shapes standing on a floor: two with the horizon
in view, two looking down), 128x128 PNG, plus samples/index.json, whose `items` the gallery lists;
picking one runs the built-in model of its task.

    /usr/bin/python3 tools/shapes/make_samples.py [--depth-only]
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import REPO  # noqa: E402
import shapes  # noqa: E402

SEED = 777
SIZE = 128
OUT = os.path.join(REPO, "apps", "demo", "public", "samples")


def gallery_items():
    items = []
    for k, name in enumerate(shapes.CLS_CLASSES):
        img, label = shapes.classification_sample(SEED, "samples", k, SIZE, label=name)
        f = f"shape-{name}.png"
        img.save(os.path.join(OUT, f), optimize=True)
        items.append({"file": f, "task": "image-classification", "model": "shapes-bit-classifier", "label": name})
    for i in range(4):
        img, mask = shapes.segmentation_sample(SEED, "samples", 50 + i, SIZE)
        f = f"scene-{i + 1}.png"
        img.save(os.path.join(OUT, f), optimize=True)
        present = [shapes.SEG_CLASSES[int(v)] for v in sorted(set(mask.reshape(-1).tolist())) if v != 0]
        items.append({"file": f, "task": "image-segmentation", "model": "shapes-beit-segmenter", "shapes": present})
    return items


def depth_items():
    """The first two scenes of 2-4 shapes with the horizon in view, and the first two without."""
    items = []
    with_sky = without_sky = 0
    for i in range(200, 400):
        scene = shapes.depth_scene(shapes.rng_for(SEED, "samples", i))
        sky = scene["horizon"] > 0
        if len(scene["shapes"]) < 2 or (with_sky if sky else without_sky) == 2:
            continue
        with_sky, without_sky = with_sky + sky, without_sky + (not sky)
        f = f"depth-{len(items) + 1}.png"
        shapes.render(scene, SIZE).save(os.path.join(OUT, f), optimize=True)
        items.append({"file": f, "task": "depth-estimation", "model": "shapes-dpt-depth",
                      "shapes": [s["kind"] for s in scene["shapes"]], "horizon_in_view": sky})
        if len(items) == 4:
            return items
    raise RuntimeError("fewer than 4 depth samples found")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--depth-only", action="store_true",
                    help="write only the depth samples, keeping index.json's other entries and images")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "index.json")
    if args.depth_only:
        with open(path) as f:
            items = [item for item in json.load(f)["items"] if item["task"] != "depth-estimation"]
    else:
        items = gallery_items()
    depth = depth_items()
    with open(path, "w") as f:
        json.dump({"description": "Synthetic sample images drawn by tools/shapes/make_samples.py (seed 777)",
                   "items": items + depth}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(depth) if args.depth_only else len(items) + len(depth)} samples to {OUT}")


if __name__ == "__main__":
    main()
