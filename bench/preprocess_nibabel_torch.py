"""Python reference timing for `scribe3d bench preprocess`: nibabel + numpy + torch on the same file.

Usage: /usr/bin/python3 bench/preprocess_nibabel_torch.py FILE D H W REPEATS
Each repeat times: nib.load + as_closest_canonical + get_fdata(float32) + min-max normalise +
torch.nn.functional.interpolate(mode="trilinear", align_corners=False) to D x H x W.
Prints one JSON object: seconds per repeat, torch version and threads.
"""
import json
import sys
import time

import nibabel as nib
import numpy as np
import torch
import torch.nn.functional as F

path = sys.argv[1]
d, h, w = (int(x) for x in sys.argv[2:5])
repeats = int(sys.argv[5])
times = []
checksum = None
for _ in range(repeats):
    t0 = time.perf_counter()
    img = nib.as_closest_canonical(nib.load(path))
    data = img.get_fdata(dtype=np.float32)
    lo, hi = data.min(), data.max()
    data -= lo
    data /= max(hi - lo, 1e-8)
    t = torch.from_numpy(np.ascontiguousarray(data.transpose(2, 1, 0)))[None, None]
    out = F.interpolate(t, size=(d, h, w), mode='trilinear', align_corners=False)
    times.append(time.perf_counter() - t0)
    checksum = float(out.double().sum())
print(json.dumps({'seconds': times, 'torch': torch.__version__, 'nibabel': nib.__version__,
                  'torch_threads': torch.get_num_threads(), 'checksum': checksum}))
