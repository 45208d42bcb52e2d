"""Sample images for the demo gallery (apps/demo/public/samples/), from the same generator
(seed 777, split 'samples'): one single-shape image per classifier class and a few multi-shape
scenes for the segmenter, 128x128 PNG, plus samples/index.json.

    /usr/bin/python3 tools/shapes/make_samples.py
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import REPO  # noqa: E402
import shapes  # noqa: E402

SEED = 777
SIZE = 128
OUT = os.path.join(REPO, "apps", "demo", "public", "samples")


def main():
    os.makedirs(OUT, exist_ok=True)
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
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump({"description": "Synthetic sample images drawn by tools/shapes/make_samples.py (seed 777)",
                   "items": items}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(items)} samples to {OUT}")


if __name__ == "__main__":
    main()
