#!/usr/bin/python3
"""OpenSlide oracle for the slide reader tests and bench; run with /usr/bin/python3 (Debian's, which has openslide).

Usage:
  openslide_region.py SLIDE                          print slide facts as JSON
  openslide_region.py SLIDE OUTDIR L,X,Y,W,H ...     also write region-<i>.rgb (raw RGB, W*H*3) per region
  openslide_region.py SLIDE --time COORDS.json       time read_region over [[level,x,y,w,h], ...]; prints JSON

Region coordinates are in pixels of level L (openslide's read_region wants level-0 x/y; we multiply by the
level's downsample). Pixels OpenSlide leaves transparent (outside the image) are written as white.
"""
import json
import sys
import time

import openslide
from PIL import Image


def facts(slide):
    return {
        "levelCount": slide.level_count,
        "levelDimensions": [list(d) for d in slide.level_dimensions],
        "levelDownsamples": list(slide.level_downsamples),
        "properties": dict(slide.properties),
        "associated": {k: list(v.size) for k, v in slide.associated_images.items()},
    }


def read_rgb(slide, level, x, y, w, h):
    ds = slide.level_downsamples[level]
    rgba = slide.read_region((round(x * ds), round(y * ds)), level, (w, h))
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    white.alpha_composite(rgba)
    return white.convert("RGB").tobytes()


def parse_region(text):
    level, x, y, w, h = (int(v) for v in text.split(","))
    return level, x, y, w, h


def main(argv):
    slide = openslide.OpenSlide(argv[1])
    out = facts(slide)
    if len(argv) > 3 and argv[2] == "--time":
        with open(argv[3]) as f:
            coords = json.load(f)
        start = time.perf_counter()
        for level, x, y, w, h in coords:
            ds = slide.level_downsamples[level]
            slide.read_region((round(x * ds), round(y * ds)), level, (w, h))
        out = {"count": len(coords), "seconds": time.perf_counter() - start}
    elif len(argv) > 2:
        out["regions"] = []
        for i, text in enumerate(argv[3:]):
            level, x, y, w, h = parse_region(text)
            path = f"{argv[2]}/region-{i}.rgb"
            with open(path, "wb") as f:
                f.write(read_rgb(slide, level, x, y, w, h))
            out["regions"].append({"level": level, "x": x, "y": y, "width": w, "height": h, "file": path})
    slide.close()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
