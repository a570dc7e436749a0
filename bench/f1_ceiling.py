#!/usr/bin/python3
"""Ceiling on the demo's finding F1 for a model that gets some finding types perfectly right and says
nothing about the rest (precision 1, recall = their share of the reference findings, F1 = 2R/(1+R)).
Reads a phantom set's ground_truth.json; an outside analysis, not part of Scribe3D.

  /usr/bin/python3 bench/f1_ceiling.py runs/demo/data
"""
import json
import sys

# the types the outside CNN reference (bench/learnability_cnn.py) learns from 960 scans (AUC 0.95-1.00)
LEARNT = {"ascites", "pericardial_effusion", "pleural_effusion", "cardiomegaly", "hepatomegaly", "splenomegaly"}


def main():
    gt = json.load(open(sys.argv[1] + "/ground_truth.json"))
    for split in ("validation", "all"):
        cases = [c for c in gt["cases"] if split == "all" or c["split"] == split]
        findings = [f["type"] for c in cases for f in c["findings"]]
        for name, types in (("6 diffuse types", LEARNT), ("+ consolidation", LEARNT | {"consolidation"})):
            r = sum(t in types for t in findings) / len(findings)
            print(f"{split:10s} {len(cases):5d} cases {len(findings):5d} findings  {name:16s} recall {r:.3f}"
                  f"  F1 ceiling {2 * r / (1 + r):.3f}")


if __name__ == "__main__":
    main()
