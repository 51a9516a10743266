#!/usr/bin/python3
"""Baseline for bench/pack-throughput.mjs: the published design's packer, OpenSlide read_region per patch + h5py.

Usage: /usr/bin/python3 bench/openslide_h5py_pack.py SLIDE GRID START END LEVEL SIZE OUT.h5 CHUNK [GZIP_LEVEL]
Reads patches START..END of the wsi-hpc grid file GRID (docs/FORMAT.md: level-0 x, y) at LEVEL as SIZE x SIZE
(downsample 1 assumed, i.e. level 0), writes /patches uint8 [N, SIZE, SIZE, 3] chunked [CHUNK, SIZE, SIZE, 3] and
/coords int64 [N, 2] in batches of 128, and prints JSON with the patch count and seconds.
"""
import json
import sys
import time

import h5py
import numpy as np
import openslide

BATCH = 128


def main(argv):
    slide_path, grid_path, start, end, level, size, out, chunk = argv[:8]
    start, end, level, size, chunk = int(start), int(end), int(level), int(size), int(chunk)
    gzip = int(argv[8]) if len(argv) > 8 else None
    t0 = time.perf_counter()
    n_all = int(np.fromfile(grid_path, '<u4', 1, offset=12)[0])
    coords = np.fromfile(grid_path, '<i4', 2 * n_all, offset=16).reshape(-1, 2)[start:end]
    n = len(coords)
    slide = openslide.OpenSlide(slide_path)
    with h5py.File(out, 'w') as f:
        opts = {'compression': 'gzip', 'compression_opts': gzip} if gzip is not None else {}
        ds = f.create_dataset('patches', (n, size, size, 3), dtype='u1', chunks=(min(chunk, n), size, size, 3), **opts)
        f.create_dataset('coords', data=coords.astype('<i8'))
        batch = np.empty((BATCH, size, size, 3), dtype=np.uint8)
        for s in range(0, n, BATCH):
            k = min(BATCH, n - s)
            for j in range(k):
                x, y = coords[s + j]
                rgba = np.asarray(slide.read_region((int(x), int(y)), level, (size, size)))
                batch[j] = rgba[..., :3]
                batch[j][rgba[..., 3] == 0] = 255
            ds[s:s + k] = batch[:k]
    slide.close()
    print(json.dumps({'patches': n, 'seconds': time.perf_counter() - t0}))


if __name__ == '__main__':
    main(sys.argv[1:])
