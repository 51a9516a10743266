#!/usr/bin/python3
"""Independent check of a packed shard: reads it with h5py and every patch's region with OpenSlide.

usage: shard_vs_openslide.py PLAN.json SHARD.h5 [SHARD.h5 ...]
Prints JSON: per shard the patch count, the worst per-channel mean absolute error of a patch
against OpenSlide's read_region at the recorded level-0 coordinates, and datasets/attributes seen.
Run with Debian's /usr/bin/python3 (python3-openslide, python3-h5py).
"""
import json
import sys

import h5py
import numpy as np
import openslide


def main():
    plan = json.load(open(sys.argv[1]))
    slides = {s["id"]: s for s in plan["slides"]}
    out = []
    handles = {}
    for path in sys.argv[2:]:
        f = h5py.File(path, "r")
        patches = f["patches"]
        coords = f["coords"][:]
        slide_index = f["slide_index"][:]
        ids = [x.decode() if isinstance(x, bytes) else x for x in f["slides/id"][:]]
        worst = 0.0
        resampled = 0
        for i in range(patches.shape[0]):
            sid = ids[slide_index[i]]
            s = slides[sid]
            g = s["grid"]
            if g["isResampled"]:
                resampled += 1
                continue
            if sid not in handles:
                handles[sid] = openslide.OpenSlide(s["path"])
            region = handles[sid].read_region((int(coords[i][0]), int(coords[i][1])), g["level"], (g["readSizePx"], g["readSizePx"]))
            rgba = np.asarray(region).astype(np.float64)
            rgb = rgba[..., :3]
            # OpenSlide leaves pixels outside the image transparent; we pad with white.
            rgb[rgba[..., 3] == 0] = 255
            mae = np.abs(rgb - patches[i].astype(np.float64)).mean(axis=(0, 1)).max()
            worst = max(worst, float(mae))
        out.append({
            "shard": path,
            "count": int(patches.shape[0]),
            "compared": int(patches.shape[0]) - resampled,
            "worstMae": worst,
            "chunks": list(patches.chunks) if patches.chunks else None,
            "compression": patches.compression,
            "attrs": {k: (v.decode() if isinstance(v, bytes) else v if isinstance(v, str) else int(v)) for k, v in f.attrs.items()},
        })
    print(json.dumps(out))


if __name__ == "__main__":
    main()
