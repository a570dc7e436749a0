#!/usr/bin/python3
"""How learnable are the phantom findings from N scans? An outside reference, not part of Scribe3D.

A small 3D CNN (PyTorch, python3-torch) learns the 15 finding types of a phantom set as multi-label
targets (from ground_truth.json), on the same input size as the tiny preset (32x128x128, reoriented
to RAS, CT window, min-max; --size for other input sizes), and prints training and validation ROC AUC per epoch and per type.
docs/experiments.md uses it to separate "the Scribe3D model does not learn" from "the data does not
support learning in this budget".

  /usr/bin/python3 bench/learnability_cnn.py runs/demo/data --seconds 120
  /usr/bin/python3 bench/learnability_cnn.py /tmp/s1200 --window -200 300
  /usr/bin/python3 bench/learnability_cnn.py /tmp/s1200 --window -200 300 --dense 1   # + per-cell box targets
"""
import argparse
import json
import time

import nibabel as nib
import numpy as np
import torch
import torch.nn as nn
from scipy.ndimage import zoom


def load(root, window, reorient, size):
    gt = json.load(open(root + "/ground_truth.json"))
    types = sorted({f["type"] for c in gt["cases"] for f in c["findings"]})
    xs, ys, splits = [], [], []
    for c in gt["cases"]:
        img = nib.load(root + "/" + c["image"].removeprefix("./"))
        if reorient:
            img = nib.as_closest_canonical(img)
        v = np.clip(img.get_fdata(dtype=np.float32), *window)
        v = (v - v.min()) / max(1e-6, v.max() - v.min())
        v = np.transpose(v, (2, 1, 0))  # x,y,z -> D,H,W
        v = zoom(v, (size[0] / v.shape[0], size[1] / v.shape[1], size[2] / v.shape[2]), order=1)
        xs.append(v.astype(np.float32))
        ys.append([float(any(f["type"] == t for f in c["findings"])) for t in types])
        splits.append(c["split"])
    x = torch.tensor(np.stack(xs))[:, None]
    y = torch.tensor(ys)
    train = [i for i, s in enumerate(splits) if s == "training"]
    val = [i for i, s in enumerate(splits) if s != "training"]
    return x, y, train, val, types


def dense_targets(root, types, size, stride, reorient):
    """Per-cell targets [N, T, D/s, H/s, W/s]: 1 where a painted finding instance's bounding box
    (ground_truth.json, voxel indices in storage order) overlaps the cell; NaN (ignored) in every scan
    for the organ-level finding types, which have no box. Follows load(): RAS reorientation, (x,y,z) -> (D,H,W),
    scipy zoom (corners aligned)."""
    gt = json.load(open(root + "/ground_truth.json"))
    grid = [n // stride for n in size]
    out = np.zeros((len(gt["cases"]), len(types), *grid), np.float32)
    boxless = set()
    for n, c in enumerate(gt["cases"]):
        shape = c["shape"]
        flip = [False, False, False]
        if reorient:  # as_closest_canonical on an axis-aligned affine flips the axes that run negative
            flip = [c["affine"][a][a] < 0 for a in range(3)]
        for f in c["findings"]:
            t = types.index(f["type"])
            for inst in f["instances"]:
                if "bbox_voxel" not in inst:
                    boxless.add(t)
                    continue
                lo, hi = inst["bbox_voxel"]
                box = []
                for a in (2, 1, 0):  # D <- z, H <- y, W <- x
                    l, h = lo[a], hi[a]
                    if flip[a]:
                        l, h = shape[a] - 1 - h, shape[a] - 1 - l
                    d = 2 - a
                    scale = (size[d] - 1) / (shape[a] - 1)
                    box.append((int(l * scale) // stride, min(grid[d] - 1, int(np.ceil(h * scale)) // stride)))
                out[n, t, box[0][0]:box[0][1] + 1, box[1][0]:box[1][1] + 1, box[2][0]:box[2][1] + 1] = 1
    for t in boxless:  # in every scan: all-zero maps in the negatives would push the positives' max down too
        out[:, t] = np.nan
    return torch.tensor(out)


class DenseCNN(nn.Module):
    """The reference CNN with a per-cell head: three stride-2 convs and one stride-1 (grid = size / 8),
    a 1x1x1 conv to per-type cell scores; the scan's score per type is the max over cells."""

    def __init__(self, labels):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv3d(1, 16, 3, 2, 1), nn.ReLU(), nn.Conv3d(16, 32, 3, 2, 1), nn.ReLU(),
            nn.Conv3d(32, 64, 3, 2, 1), nn.ReLU(), nn.Conv3d(64, 64, 3, 1, 1), nn.ReLU(),
            nn.Conv3d(64, labels, 1))

    def forward(self, x, dense=False):
        cells = self.body(x)
        g = cells.flatten(2).max(2).values
        return (g, cells) if dense else g


def auc_per_label(scores, y):
    out = []
    for j in range(y.shape[1]):
        pos, neg = scores[y[:, j] == 1, j], scores[y[:, j] == 0, j]
        if len(pos) and len(neg):
            gt = (pos[:, None] > neg[None, :]).float().mean()
            tie = (pos[:, None] == neg[None, :]).float().mean()
            out.append((gt + 0.5 * tie).item())
        else:
            out.append(float("nan"))
    return out


class TinyViT(nn.Module):
    """The tiny preset's encoder shape: 4x16x16 patches, 192 wide, 3 pre-norm blocks of 4 heads, MLP 768."""

    def __init__(self, size, labels, conv_stem, hidden=192, layers=3, head_pool="features", zero_init=False,
                 projector=0, projector_pool=2):
        super().__init__()
        if conv_stem:  # four stride-2 convs (the CNN's), then 1x1x1 to the width: a 16x grid, 128 tokens
            grid = (size[0] // 16, size[1] // 16, size[2] // 16)
            self.embed = nn.Sequential(
                nn.Conv3d(1, 16, 3, 2, 1), nn.ReLU(), nn.Conv3d(16, 32, 3, 2, 1), nn.ReLU(),
                nn.Conv3d(32, 64, 3, 2, 1), nn.ReLU(), nn.Conv3d(64, 64, 3, 2, 1), nn.ReLU(),
                nn.Conv3d(64, hidden, 1))
        else:
            grid = (size[0] // 4, size[1] // 16, size[2] // 16)
            self.embed = nn.Conv3d(1, hidden, (4, 16, 16), (4, 16, 16))
        self.pos = nn.Parameter(torch.randn(1, grid[0] * grid[1] * grid[2], hidden) * 0.02)
        layer = nn.TransformerEncoderLayer(hidden, 4, 768, 0.0, "gelu", batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, layers) if layers else nn.Identity()
        if zero_init and layers:  # every block starts as the identity (Scribe3D's conv-stem init)
            for blk in self.blocks.layers:
                for lin in (blk.self_attn.out_proj, blk.linear2):
                    nn.init.zeros_(lin.weight)
                    nn.init.zeros_(lin.bias)
        self.norm = nn.LayerNorm(hidden)
        self.grid = grid
        self.projector_pool = projector_pool
        # Scribe3D's finding head reads the projector's output: 2x2x2 average pool, Linear-GELU-Linear
        self.projector = nn.Sequential(nn.Linear(hidden, projector), nn.GELU(), nn.Linear(projector, projector)) \
            if projector else None
        self.head = nn.Linear(projector or hidden, labels)
        self.head_pool = head_pool

    def forward(self, x):
        t = self.embed(x).flatten(2).transpose(1, 2) + self.pos
        h = self.norm(self.blocks(t))
        if self.projector is not None:
            b, n, c = h.shape
            g = h.transpose(1, 2).reshape(b, c, *self.grid)
            k = self.projector_pool
            h = self.projector(nn.functional.avg_pool3d(g, k, k).flatten(2).transpose(1, 2))
        if self.head_pool == "logits":  # max over per-token label scores (compared in docs/experiments.md)
            return self.head(h).max(1).values
        return self.head(h.max(1).values)  # max over tokens per channel, then the head (as Scribe3D's finding head)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("data", help="phantom set directory (dataset.json + ground_truth.json)")
    p.add_argument("--seconds", type=float, default=120, help="training time budget")
    p.add_argument("--window", type=float, nargs=2, default=[-1024, 1300], metavar=("LO", "HI"))
    p.add_argument("--no-reorient", action="store_true")
    p.add_argument("--size", type=int, nargs=3, default=[32, 128, 128], metavar=("D", "H", "W"),
                   help="input size after resizing (default: the tiny preset's 32 128 128)")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--model", choices=["cnn", "vit", "convvit"], default="cnn",
                   help="cnn: 4 strided convs + global max pool; vit: the tiny preset's ViT3D (patch 4x16x16, "
                        "192 wide, 3 layers) with a finding head over its tokens (see --head-pool); convvit: the same ViT with a "
                        "convolutional stem instead of the linear patch embedding")
    p.add_argument("--layers", type=int, default=3, help="vit/convvit: transformer blocks (default 3, the tiny preset)")
    p.add_argument("--head-pool", choices=["features", "logits"], default="features",
                   help="vit/convvit: max over tokens per feature then the linear head (default), or max over "
                        "per-token label scores")
    p.add_argument("--zero-init", action="store_true",
                   help="vit/convvit: zero the last Linear of each block's attention and MLP (identity at start)")
    p.add_argument("--projector", type=int, default=0, metavar="H",
                   help="vit/convvit: read the head through Scribe3D's projector (2x2x2 average pool, Linear-GELU-Linear "
                        "to H) as the Java finding head does; 0 (default): straight from the tokens")
    p.add_argument("--projector-pool", type=int, default=2, metavar="K",
                   help="with --projector: the average pool's kernel and stride (default 2 as Scribe3D; 1 = none)")
    p.add_argument("--dense", type=float, default=0, metavar="W",
                   help="cnn only: add a per-cell loss (weight W) on targets from the instances' bounding boxes "
                        "in ground_truth.json (grid = size / 8)")
    p.add_argument("--cache", help="npz file to keep the loaded arrays in (reused when it exists)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    t0 = time.time()
    import os
    if a.cache and os.path.exists(a.cache):
        z = np.load(a.cache, allow_pickle=True)
        x, y, train, val, types = (torch.tensor(z["x"]), torch.tensor(z["y"]), list(z["train"]), list(z["val"]),
                                   list(z["types"]))
    else:
        x, y, train, val, types = load(a.data, a.window, not a.no_reorient, a.size)
        if a.cache:
            np.savez(a.cache, x=x.numpy(), y=y.numpy(), train=train, val=val, types=types)
    print(f"{len(train)} training / {len(val)} validation scans loaded in {time.time() - t0:.0f} s", flush=True)
    cell_y = None
    if a.dense:
        cell_y = dense_targets(a.data, types, a.size, 8, not a.no_reorient)
        net = DenseCNN(len(types))
    elif a.model == "cnn":
        net = nn.Sequential(
            nn.Conv3d(1, 16, 3, 2, 1), nn.ReLU(), nn.Conv3d(16, 32, 3, 2, 1), nn.ReLU(),
            nn.Conv3d(32, 64, 3, 2, 1), nn.ReLU(), nn.Conv3d(64, 64, 3, 2, 1), nn.ReLU(),
            nn.AdaptiveMaxPool3d(1), nn.Flatten(), nn.Linear(64, len(types)))
    else:
        net = TinyViT(a.size, len(types), a.model == "convvit", layers=a.layers, head_pool=a.head_pool,
                      zero_init=a.zero_init, projector=a.projector,
                      projector_pool=a.projector_pool)
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=0)
    loss_fn = nn.BCEWithLogitsLoss(reduction="sum")
    best = (0.0, 0, None)
    t0 = time.time()
    epoch = 0
    while time.time() - t0 < a.seconds:
        net.train()
        perm = torch.randperm(len(train))
        total = 0.0
        for b in range(0, len(train), 8):
            idx = [train[i] for i in perm[b:b + 8]]
            if cell_y is None:
                loss = loss_fn(net(x[idx]), y[idx]) / len(idx)
            else:
                g, cells = net(x[idx], dense=True)
                target = cell_y[idx]
                known = ~torch.isnan(target)
                loss = (loss_fn(g, y[idx]) + a.dense * nn.functional.binary_cross_entropy_with_logits(
                    cells[known], target[known], reduction="sum") / cells[0, 0].numel()) / len(idx)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        epoch += 1
        net.eval()
        with torch.no_grad():
            sv = torch.cat([net(x[val[i:i + 16]]) for i in range(0, len(val), 16)])
            tr = train[:64]
            st = torch.cat([net(x[tr[i:i + 16]]) for i in range(0, len(tr), 16)])
        va = auc_per_label(sv, y[val])
        mean_va = float(np.nanmean(va))
        if mean_va > best[0]:
            best = (mean_va, epoch, va)
        print(f"epoch {epoch} {time.time() - t0:.0f} s  train loss {total / len(train):.2f}  train AUC "
              f"{np.nanmean(auc_per_label(st, y[tr])):.2f}  val AUC {mean_va:.2f}", flush=True)
    print(f"best validation macro AUC {best[0]:.2f} at epoch {best[1]}; per type:")
    for t, v in zip(types, best[2]):
        print(f"  {t:30s} {v:.2f}")


if __name__ == "__main__":
    main()
