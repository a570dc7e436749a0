"""Independent check of a Scribe3D phantom dataset with nibabel (outside reference for the Java tests).

Usage: check_phantom.py DATASET_DIR
Loads every image listed in ground_truth.json with nibabel, checks shape/affine/orientation, air and
bone HU, and that every ground-truth finding is visible at its stated place and size: the voxels in the
probe ball around its centre (world coordinates mapped through the file's own affine) against the
surrounding tissue ball, per finding type; sphere diameters along the three axes; organ spans.
Prints a JSON summary (failures listed); with --strict, exit status 1 when any check fails.
"""
import json
import sys
from pathlib import Path

import nibabel as nib
import numpy as np


def ball(img_shape, affine, centre_world, radius):
    """Voxel indices whose centres lie within radius mm of centre_world (world mm via the affine)."""
    inv = np.linalg.inv(affine)
    c = inv @ np.array(list(centre_world) + [1.0])
    c = c[:3]
    sp = np.sqrt((affine[:3, :3] ** 2).sum(axis=0))
    reach = np.ceil(radius / sp).astype(int) + 1
    ci = np.rint(c).astype(int)
    idx = []
    for dk in range(-reach[2], reach[2] + 1):
        for dj in range(-reach[1], reach[1] + 1):
            for di in range(-reach[0], reach[0] + 1):
                v = ci + np.array([di, dj, dk])
                if np.any(v < 0) or np.any(v >= np.array(img_shape)):
                    continue
                w = affine @ np.array(list(v) + [1.0])
                if np.linalg.norm(w[:3] - np.array(centre_world)) <= radius + 1e-6:
                    idx.append(tuple(v))
    return idx


def mean_at(data, idx):
    return float(np.mean([data[v] for v in idx]))


def axis_of_world(affine, world_axis):
    """Voxel axis that runs along a world axis (the affines are axis-aligned)."""
    return int(np.argmax(np.abs(affine[world_axis, :3])))


class Checker:
    def __init__(self):
        self.failures = []
        self.checked = 0
        self.types = {}

    def expect(self, ok, what):
        self.checked += 1
        if not ok:
            self.failures.append(what)
        return ok


def line_run(data, centre, axis, pred, nb_axes):
    """Voxels along axis through centre whose perpendicular 3-neighbourhood mean satisfies pred."""
    shape = data.shape

    def val(p):
        vals = []
        for a in nb_axes:
            for d in (-1, 0, 1):
                q = list(p)
                q[a] += d
                if 0 <= q[a] < shape[a]:
                    vals.append(data[tuple(q)])
        return np.mean(vals)

    run = 1
    for direction in (-1, 1):
        p = list(centre)
        gap = 0
        while True:
            p[axis] += direction
            if not 0 <= p[axis] < shape[axis]:
                break
            if pred(val(p)):
                run += 1 + gap
                gap = 0
            elif gap == 0:
                gap = 1  # tolerate one noisy voxel
            else:
                break
    return run


def count_like(data, centre, axis, lesion, surround, half_window):
    """Length (voxels) of the lesion-like run along an axis through the centre, within the window.

    Lesion-like: closer to the lesion value than a threshold set by the contrast to the surroundings.
    For low-contrast lesions one isolated noisy voxel inside the run is tolerated; other structures beyond a gap are not counted.
    """
    contrast = abs(surround - lesion)
    thr = min(contrast / 2, max(40.0, contrast / 4))

    def like(p):
        return 0 <= p[axis] < data.shape[axis] and abs(data[tuple(p)] - lesion) < thr

    run = 1 if like(list(centre)) else 0
    for direction in (-1, 1):
        gap = 0
        for d in range(1, half_window + 1):
            p = list(centre)
            p[axis] += direction * d
            if like(p):
                run += 1 + gap
                gap = 0
            elif gap == 0 and thr <= 60 and abs(data[tuple(p)] - lesion) < 2 * thr:
                gap = 1  # low contrast: noise may push one voxel just past the threshold
            else:
                break
    return run


RULES = {
    # type: (core test, surround test)
    "lung_nodule": (lambda c: c > -300, lambda s: s < -600),
    "consolidation": (lambda c: c > -250, lambda s: s < -600),
    "pleural_effusion": (lambda c: -30 <= c <= 60, lambda s: s < -600),
    "liver_lesion": (None, lambda s: 50 <= s <= 160),
    "renal_cyst": (lambda c: -30 <= c <= 30, lambda s: s > 70),
    "kidney_stone": (lambda c: c > 300, lambda s: 40 <= s <= 260),
    "bladder_stone": (lambda c: c > 300, lambda s: -30 <= s <= 40),
    "bladder_wall_thickening": (lambda c: 25 <= c <= 120, lambda s: -30 <= s <= 30),
    "ascites": (lambda c: -30 <= c <= 45, lambda s: s < -50),
    "pericardial_effusion": (lambda c: -30 <= c <= 50, lambda s: s > 80),
    "mediastinal_lymphadenopathy": (lambda c: 0 <= c <= 110, None),
    "pelvic_lymphadenopathy": (lambda c: 0 <= c <= 110, None),
    "cardiomegaly": (lambda c: c > 80, lambda s: s < -600),
    "hepatomegaly": (lambda c: 60 <= c <= 150, None),
    "splenomegaly": (lambda c: 60 <= c <= 160, None),
}
ENLARGED_MIN = {"cardiomegaly": 145, "hepatomegaly": 170, "splenomegaly": 125}


def check_case(root, case, ck, orientations):
    path = root / case["image"]
    img = nib.load(str(path))
    data = np.asarray(img.get_fdata(), dtype=np.float64)
    aff = img.affine
    cid = case["id"]
    ck.expect(list(data.shape) == case["shape"], f"{cid}: shape {data.shape} != {case['shape']}")
    ck.expect(np.allclose(aff, np.array(case["affine"]), atol=1e-3), f"{cid}: affine differs from ground truth")
    codes = "".join(nib.aff2axcodes(aff))
    orientations.add(codes)
    ck.expect(codes == case["orientation"], f"{cid}: nibabel orientation {codes} != {case['orientation']}")
    sp = np.sqrt((aff[:3, :3] ** 2).sum(axis=0))
    ck.expect(np.allclose(sp, case["spacing_mm"], atol=1e-3), f"{cid}: spacing {sp}")
    # air: the corners of the field of view; bone: enough voxels above 300 HU
    n = 4
    corners = [data[:n, :n, :], data[-n:, :n, :], data[:n, -n:, :], data[-n:, -n:, :]]
    air = float(np.median(np.concatenate([c.ravel() for c in corners])))
    ck.expect(air < -900, f"{cid}: air median {air:.0f} HU not below -900")
    bone = int((data > 300).sum())
    ck.expect(bone >= 0.001 * data.size, f"{cid}: only {bone} voxels above 300 HU (bone)")
    ck.expect(float(np.percentile(data, 99.95)) > 300, f"{cid}: 99.95th percentile not above 300 HU")
    out = {"id": cid, "air_hu": air, "bone_voxels": bone, "findings": []}

    for f in case["findings"]:
        t = f["type"]
        ck.types[t] = ck.types.get(t, 0) + 1
        core_rule, sur_rule = RULES[t]
        for k, inst in enumerate(f["instances"]):
            tag = f"{cid} {t}[{k}]"
            if not ck.expect("centre_world" in inst, f"{tag}: no probe"):
                continue
            # the stated world centre maps through the file's affine onto the stated voxel
            v = np.linalg.inv(aff) @ np.array(inst["centre_world"] + [1.0])
            ck.expect(list(np.rint(v[:3]).astype(int)) == inst["centre_voxel"],
                      f"{tag}: world centre maps to {np.rint(v[:3])}, not {inst['centre_voxel']}")
            core_idx = ball(data.shape, aff, inst["centre_world"], inst["probe_radius_mm"])
            core = mean_at(data, core_idx)
            rec = {"type": t, "core_hu": round(core, 1), "core_voxels": len(core_idx)}
            sur = None
            if "surround" in inst:
                s = inst["surround"]
                sidx = ball(data.shape, aff, s["centre_world"], s["radius_mm"])
                sur = mean_at(data, sidx)
                rec["surround_hu"] = round(sur, 1)
                rec["surround_tissue"] = s["tissue"]
            else:
                ck.expect(False, f"{tag}: no surrounding-tissue probe")
            if core_rule is not None:
                ck.expect(core_rule(core), f"{tag}: core mean {core:.0f} HU out of range")
            if sur is not None:
                if sur_rule is not None:
                    ck.expect(sur_rule(sur), f"{tag}: surround ({inst['surround']['tissue']}) mean {sur:.0f} HU out of range")
                if t == "liver_lesion":
                    ck.expect(core < sur - 35, f"{tag}: lesion {core:.0f} not hypodense to liver {sur:.0f}")
                if t == "bladder_wall_thickening":
                    ck.expect(core > sur + 25, f"{tag}: wall {core:.0f} vs urine {sur:.0f}")
                if t.endswith("lymphadenopathy"):
                    tissue = inst["surround"]["tissue"]
                    ck.expect(sur < -50 if tissue == "fat" else sur < -600,
                              f"{tag}: node surround ({tissue}) {sur:.0f} HU")
                    ck.expect(core - sur > 80, f"{tag}: node {core:.0f} vs surround {sur:.0f}")
            if inst["shape"] == "sphere" and sur is not None:
                d = inst["diameter_mm"]
                for axis in range(3):
                    step = sp[axis]
                    half = int(np.ceil((d / 2) / step)) + 3
                    nlike = count_like(data, inst["centre_voxel"], axis, core, sur, half)
                    est = nlike * step
                    ok = abs(est - d) <= 2 * step + 0.15 * d
                    ck.expect(ok, f"{tag}: diameter along axis {axis} {est:.1f} mm vs {d} mm")
                    rec[f"diameter_axis{axis}_mm"] = round(est, 1)
            if inst["shape"] == "organ":
                span = inst["span"]
                axis = axis_of_world(aff, "xyz".index(span["axis"]))
                others = [a for a in range(3) if a != axis and a != 2] if axis != 2 else [0, 1]
                if t == "cardiomegaly":
                    pred = lambda x: x > 60
                else:
                    pred = lambda x, m=core: abs(x - m) < 40
                run = line_run(data, inst["centre_voxel"], axis, pred, others)
                est = run * sp[axis]
                L = span["length_mm"]
                ck.expect(abs(est - L) <= 2 * sp[axis] + 0.08 * L, f"{tag}: span {est:.1f} mm vs {L} mm")
                ck.expect(L >= ENLARGED_MIN[t], f"{tag}: span {L} mm is not enlarged")
                rec["span_mm"] = round(est, 1)
            out["findings"].append(rec)
    return out


def main():
    root = Path(sys.argv[1])
    gt = json.loads((root / "ground_truth.json").read_text())
    ck = Checker()
    orientations = set()
    cases = [check_case(root, c, ck, orientations) for c in gt["cases"]]
    summary = {"cases": len(cases), "checks": ck.checked, "failures": ck.failures,
               "orientations": sorted(orientations), "types": ck.types, "per_case": cases}
    print(json.dumps(summary))
    # failures are data (the caller asserts on them); a crash exits non-zero by itself
    if "--strict" in sys.argv and ck.failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
