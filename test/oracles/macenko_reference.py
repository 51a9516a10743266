#!/usr/bin/python3
"""Float64 reference for Macenko stain normalization (the widely used NumPy formulation).

usage: macenko_reference.py FIT.rgb PATCHES.rgb P TARGET.json OUT.f64
  FIT.rgb      interleaved uint8 RGB pixels to fit the source stains on
  PATCHES.rgb  k patches of P*P*3 uint8 to normalize
  TARGET.json  {"he": [[3], [3]], "maxC": [2]}
Prints {"he": ..., "maxC": ...} and writes the normalized patches as float64 to OUT.f64.
"""
import json
import sys

import numpy as np

IO, BETA, ALPHA = 240.0, 0.15, 1


def unit(v):
    v = np.asarray(v, dtype=np.float64)
    if v.sum() < 0:
        v = -v
    return v / np.linalg.norm(v)


def fit(rgb):
    od = -np.log((rgb.astype(np.float64) + 1) / IO)
    od_hat = od[~np.any(od < BETA, axis=1)]
    _, eigvecs = np.linalg.eigh(np.cov(od_hat.T))
    plane = eigvecs[:, 1:3]
    that = od_hat.dot(plane)
    phi = np.arctan2(that[:, 1], that[:, 0])
    v_min = unit(plane.dot([np.cos(np.percentile(phi, ALPHA)), np.sin(np.percentile(phi, ALPHA))]))
    v_max = unit(plane.dot([np.cos(np.percentile(phi, 100 - ALPHA)), np.sin(np.percentile(phi, 100 - ALPHA))]))
    he = np.array([v_min, v_max]) if v_min[0] > v_max[0] else np.array([v_max, v_min])
    c = np.linalg.lstsq(he.T, od.T, rcond=None)[0]
    return he, np.array([np.percentile(c[0], 99), np.percentile(c[1], 99)])


def main():
    fit_rgb = np.fromfile(sys.argv[1], dtype=np.uint8).reshape(-1, 3)
    p = int(sys.argv[3])
    patches = np.fromfile(sys.argv[2], dtype=np.uint8).reshape(-1, p * p, 3)
    target = json.load(open(sys.argv[4]))
    he_t, max_t = np.array(target["he"], dtype=np.float64), np.array(target["maxC"], dtype=np.float64)
    he, max_c = fit(fit_rgb)
    out = []
    for patch in patches:
        od = -np.log((patch.astype(np.float64) + 1) / IO)
        c = np.linalg.lstsq(he.T, od.T, rcond=None)[0]
        c *= (max_t / max_c)[:, None]
        out.append(np.clip(IO * np.exp(-he_t.T.dot(c)), 0, 255).T)
    np.asarray(out, dtype=np.float64).tofile(sys.argv[5])
    print(json.dumps({"he": he.tolist(), "maxC": max_c.tolist()}))


if __name__ == "__main__":
    main()
