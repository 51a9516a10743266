#!/usr/bin/python3
"""Baseline for bench/plan-throughput.mjs: read one whole pyramid level per slide with OpenSlide.

Usage: /usr/bin/python3 bench/openslide_level_read.py SLIDE:LEVEL [SLIDE:LEVEL ...]
Prints one JSON document: per slide the level, its size and the seconds of open + read_region((0,0), level, dims).
"""
import json
import sys
import time

import openslide


def main(args):
    results = []
    t_all = time.perf_counter()
    for arg in args:
        path, level = arg.rsplit(':', 1)
        level = int(level)
        t0 = time.perf_counter()
        slide = openslide.OpenSlide(path)
        dims = slide.level_dimensions[level]
        img = slide.read_region((0, 0), level, dims)
        img.load()
        slide.close()
        results.append({'path': path, 'level': level, 'width': dims[0], 'height': dims[1], 'seconds': time.perf_counter() - t0})
    print(json.dumps({'slides': results, 'seconds': time.perf_counter() - t_all}))


if __name__ == '__main__':
    main(sys.argv[1:])
