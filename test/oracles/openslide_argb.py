#!/usr/bin/python3
"""OpenSlide oracle for the OpenSlide backend tests; run with /usr/bin/python3 (Debian's, which has openslide).

Usage: openslide_argb.py SLIDE OUTDIR L,X,Y,W,H ...

Writes region-argb-<i>.rgb (raw RGB, W*H*3) per region and prints JSON with, per region, how many pixels were
transparent and partly transparent. Coordinates are in pixels of level L; the level-0 location is
round(x * downsample) (Python's round). The premultiplied ARGB that openslide_read_region returns (read through
openslide.lowlevel, before Python's un-premultiply) is composited over openslide.background-color (else white):
c + (bg * (255 - a) + 127) // 255 per channel.
"""
import ctypes
import json
import sys

import openslide
from openslide import lowlevel


def background(slide):
    text = slide.properties.get("openslide.background-color", "FFFFFF")
    value = int(text, 16)
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF


def read_rgb(slide, level, x, y, w, h):
    ds = slide.level_downsamples[level]
    buf = (w * h * ctypes.c_uint32)()
    lowlevel._read_region(slide._osr, buf, round(x * ds), round(y * ds), level, w, h)
    br, bg, bb = background(slide)
    out = bytearray(w * h * 3)
    transparent = partial = 0
    for i, v in enumerate(buf):
        a = v >> 24
        r, g, b = (v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF
        if a == 0:
            transparent += 1
        elif a != 255:
            partial += 1
        rest = 255 - a
        out[i * 3] = r + (br * rest + 127) // 255
        out[i * 3 + 1] = g + (bg * rest + 127) // 255
        out[i * 3 + 2] = b + (bb * rest + 127) // 255
    return bytes(out), transparent, partial


def main(argv):
    slide = openslide.OpenSlide(argv[1])
    regions = []
    for i, text in enumerate(argv[3:]):
        level, x, y, w, h = (int(v) for v in text.split(","))
        rgb, transparent, partial = read_rgb(slide, level, x, y, w, h)
        path = f"{argv[2]}/region-argb-{i}.rgb"
        with open(path, "wb") as f:
            f.write(rgb)
        regions.append({"file": path, "width": w, "height": h, "transparent": transparent, "partial": partial})
    slide.close()
    json.dump({"regions": regions}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
