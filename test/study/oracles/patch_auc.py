"""Independent patch- and slide-level ROC AUC of a wsi-hpc run, for the study test.

Reads plan.json, the grid files (struct), the predictions (h5py) and the ASAP XML annotations
(ElementTree): a patch is tumour when its centre is inside a tumour-group polygon (even-odd ray
casting, left/top edges inside) and inside no exclusion-group polygon. AUC is the Mann-Whitney U
statistic with ties counted one half. Prints JSON {"patchAuc", "slideAuc", "patches", "tumourPatches"}.
Usage: patch_auc.py RUN ANNOTATIONS_DIR
"""
import json
import os
import struct
import sys
import xml.etree.ElementTree as ET

import h5py

TUMOUR = {"_0", "_1", "Tumor", "metastases"}
EXCLUDE = {"_2", "Exclusion"}


def polygons(path):
    tumours, holes = [], []
    if not os.path.exists(path):
        return tumours, holes
    for a in ET.parse(path).getroot().iter("Annotation"):
        group = a.get("PartOfGroup")
        coords = sorted(a.iter("Coordinate"), key=lambda c: int(c.get("Order")))
        ring = [(float(c.get("X")), float(c.get("Y"))) for c in coords]
        if group in (None, "None") or group in TUMOUR:
            tumours.append(ring)
        elif group in EXCLUDE:
            holes.append(ring)
    return tumours, holes


def inside(ring, x, y):
    crossings = 0
    n = len(ring)
    for k in range(n):
        ax, ay = ring[k]
        bx, by = ring[(k + 1) % n]
        if (ay <= y < by) or (by <= y < ay):
            if ax + (y - ay) * (bx - ax) / (by - ay) > x:
                crossings += 1
    return crossings % 2 == 1


def auc(scores, labels):
    pos = [s for s, l in zip(scores, labels) if l]
    neg = [s for s, l in zip(scores, labels) if not l]
    if not pos or not neg:
        return None
    u = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg)
    return u / (len(pos) * len(neg))


def main(run, annotations):
    plan = json.load(open(os.path.join(run, "plan.json")))
    probs = {}
    for shard in plan["shards"]["list"]:
        with h5py.File(os.path.join(run, "predictions", shard["id"] + ".h5"), "r") as f:
            ids = [s.decode() for s in f["slides"]["id"][()]]
            pos = int(f.attrs["positive_index"])
            p = f["probabilities"][()]
            for si, gi, row in zip(f["slide_index"][()], f["grid_index"][()], p):
                probs[(ids[si], int(gi))] = float(row[pos])
    scores, labels, slide_max, slide_label = [], [], [], []
    for s in plan["slides"]:
        if s["status"] != "planned":
            continue
        data = open(os.path.join(run, s["grid"]["file"]), "rb").read()
        n = struct.unpack_from("<I", data, 12)[0]
        xy = struct.unpack_from("<%di" % (2 * n), data, 16)
        stem = os.path.splitext(os.path.basename(s["path"]))[0]
        tumours, holes = polygons(os.path.join(annotations, stem + ".xml"))
        half = s["grid"]["footprintLevel0"] / 2
        best, any_tumour = None, False
        for i in range(n):
            x, y = xy[2 * i] + half, xy[2 * i + 1] + half
            label = any(inside(t, x, y) for t in tumours) and not any(inside(h, x, y) for h in holes)
            p = probs[(s["id"], i)]
            scores.append(p)
            labels.append(label)
            best = p if best is None else max(best, p)
            any_tumour = any_tumour or label
        slide_max.append(best)
        slide_label.append(any_tumour)
    print(json.dumps({"patchAuc": auc(scores, labels), "slideAuc": auc(slide_max, slide_label), "patches": len(scores), "tumourPatches": sum(labels)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
