"""Reference for PreprocessParityTest: nibabel canonical data, min-max normalised, resized by torch.

Usage: /usr/bin/python3 torch_preprocess.py D H W IN OUT.raw [IN OUT.raw ...]
For each IN: nib.as_closest_canonical, frame 0 of a 4D image, (x - min) / (max - min) in float64,
then torch.nn.functional.interpolate(size=(D, H, W), mode="trilinear", align_corners=False) on the
tensor [1, 1, D, H, W] = data.transpose(2, 1, 0). OUT.raw gets the float32 result (C order D, H, W).
Prints a JSON list with the expected affine of each output: the canonical affine times the
align_corners=False grid map (scale in/out, offset (scale - 1) / 2) per axis.
"""
import gzip
import json
import struct
import sys

import nibabel as nib
import numpy as np
import torch
import torch.nn.functional as F


def image_class(path):
    opener = gzip.open if open(path, 'rb').read(2) == b'\x1f\x8b' else open
    with opener(path, 'rb') as f:
        first = f.read(4)
    size = struct.unpack('<i', first)[0]
    if size not in (348, 540):
        size = struct.unpack('>i', first)[0]
    return nib.Nifti1Image if size == 348 else nib.Nifti2Image


d, h, w = (int(x) for x in sys.argv[1:4])
args = sys.argv[4:]
affines = []
for src, dst in zip(args[0::2], args[1::2]):
    img = nib.as_closest_canonical(image_class(src).from_filename(src))
    data = np.asarray(img.get_fdata(dtype=np.float64))
    while data.ndim > 3:
        data = data[..., 0]
    lo, hi = data.min(), data.max()
    data = (data - lo) / (hi - lo) if hi > lo else np.zeros_like(data)
    t = torch.from_numpy(np.ascontiguousarray(data.transpose(2, 1, 0))).float()[None, None]
    out = F.interpolate(t, size=(d, h, w), mode='trilinear', align_corners=False)[0, 0].numpy()
    out.astype('<f4').tofile(dst)
    shape = data.shape[:3]
    m = np.eye(4)
    for a, n_out in enumerate((w, h, d)):
        s = shape[a] / n_out
        m[a, a] = s
        m[a, 3] = (s - 1) / 2
    affines.append((img.affine @ m).tolist())
print(json.dumps(affines))
