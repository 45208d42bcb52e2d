#!/usr/bin/python3
"""Writes the expected outputs of packages/core/src/image/resample/resize.test.ts.

Runs Pillow's Image.resize on images from ../shared/fixtures for every filter and writes the raw
uint8 results (HWC, or HW for one band) plus index.json into packages/core/src/image/resample/__golden__/.
The reference is Pillow 9.4.0 (Debian bookworm's python3-pil):

    apt-get install -y python3-pil python3-numpy
    /usr/bin/python3 tools/pillow-resample-golden.py

Deterministic: re-running it rewrites the same bytes.
"""
import json
import os
import sys

import numpy as np
import PIL
from PIL import Image

REFERENCE_VERSION = "9.4.0"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.environ.get("RETINA_FIXTURES", os.path.join(os.path.dirname(ROOT), "shared", "fixtures"))
OUT = os.path.join(ROOT, "packages", "core", "src", "image", "resample", "__golden__")

FILTERS = {0: "NEAREST", 1: "LANCZOS", 2: "BILINEAR", 3: "BICUBIC", 4: "BOX", 5: "HAMMING"}

# (case name, fixture image, bands kept (None: all, as Pillow resizes that mode), width, height)
CASES = [
    ("chelsea-small-down", "chelsea-small", None, 37, 23),
    ("chelsea-small-narrow-tall", "chelsea-small", None, 23, 170),
    ("chelsea-small-wide-flat", "chelsea-small", None, 130, 17),
    ("page-L-down", "page", None, 50, 31),
    ("camera-la-LA-down", "camera-la", None, 40, 29),
    ("chelsea-rgba-RGBA-down", "chelsea-rgba", None, 45, 31),
    ("chelsea-rgba-as-RGB-down", "chelsea-rgba", 3, 45, 31),
    ("rocket-2x2-up", "rocket-2x2", None, 9, 7),
    ("coffee-1x64-up", "coffee-1x64", None, 3, 200),
    ("coffee-64x1-mixed", "coffee-64x1", None, 17, 3),
]


def load_fixture(entry):
    raw = entry["raw"]
    pixels = np.fromfile(os.path.join(FIXTURES, raw["file"]), dtype=np.uint8).reshape(raw["shape"])
    return Image.fromarray(pixels, entry["mode"])


def main():
    if PIL.__version__ != REFERENCE_VERSION:
        sys.exit(f"Pillow {PIL.__version__} found; the reference is {REFERENCE_VERSION} (/usr/bin/python3 with python3-pil)")
    images = {e["id"]: e for e in json.load(open(os.path.join(FIXTURES, "images", "index.json")))["images"]}
    os.makedirs(OUT, exist_ok=True)
    cases = []
    for name, image_id, bands, width, height in CASES:
        source = load_fixture(images[image_id])
        if bands == 3:
            source = source.convert("RGB")
        for code, filter_name in FILTERS.items():
            result = np.asarray(source.resize((width, height), code))
            file = f"{name}.{filter_name.lower()}.bin"
            result.tofile(os.path.join(OUT, file))
            cases.append(
                {
                    "name": name,
                    "image": image_id,
                    "mode": images[image_id]["mode"],
                    "bands": bands or len(source.getbands()),
                    "width": width,
                    "height": height,
                    "filter": code,
                    "filter_name": filter_name,
                    "file": file,
                    "shape": list(result.shape),
                }
            )
    index = {
        "generator": "tools/pillow-resample-golden.py",
        "pillow_version": PIL.__version__,
        "call": "Image.resize((width, height), filter) on the fixture image (after convert('RGB') where bands is 3 on RGBA)",
        "cases": cases,
    }
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases, {sum(np.prod(c['shape']) for c in cases)} bytes in {OUT}")


if __name__ == "__main__":
    main()
