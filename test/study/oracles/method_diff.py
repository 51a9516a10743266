"""Independent |p_dense - p_sliding| of two wsi-hpc runs, for the study method test.

Reads each run's plan.json and its predictions (h5py): the positive-class probability of every
(slide id, grid index) either run predicted, the `method` attribute of each predictions file, and
each slide's grid sha256. Prints JSON {"positions", "onlyOne", "maxAbsDiff", "meanAbsDiff",
"methods": [dense run's, sliding run's], "sameGrids"}.
Usage: method_diff.py DENSE_RUN SLIDING_RUN
"""
import json
import os
import sys

import h5py


def read(run):
    plan = json.load(open(os.path.join(run, "plan.json")))
    probs, methods = {}, set()
    for shard in plan["shards"]["list"]:
        with h5py.File(os.path.join(run, "predictions", shard["id"] + ".h5"), "r") as f:
            method = f.attrs["method"]
            methods.add(method.decode() if isinstance(method, bytes) else str(method))
            pos = int(f.attrs["positive_index"])
            ids = [s.decode() if isinstance(s, bytes) else str(s) for s in f["slides/id"][()]]
            p = f["probabilities"][()]
            for i, (si, gi) in enumerate(zip(f["slide_index"][()], f["grid_index"][()])):
                probs[(ids[si], int(gi))] = float(p[i, pos])
    grids = {s["id"]: s["grid"]["sha256"] for s in plan["slides"] if s.get("grid")}
    return probs, sorted(methods), grids


def main(dense_run, sliding_run):
    d, dm, dg = read(dense_run)
    s, sm, sg = read(sliding_run)
    both = [k for k in d if k in s]
    diffs = [abs(d[k] - s[k]) for k in both]
    print(json.dumps({
        "positions": len(both),
        "onlyOne": len(set(d) ^ set(s)),
        "maxAbsDiff": max(diffs) if diffs else None,
        "meanAbsDiff": sum(diffs) / len(diffs) if diffs else None,
        "methods": [dm, sm],
        "sameGrids": dg == sg,
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
