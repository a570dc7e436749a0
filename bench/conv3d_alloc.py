#!/usr/bin/python3
"""One training step of a small 3D conv stack (the shape of a conv stem) under the current malloc
settings: run it with and without GLIBC_TUNABLES to see what environment/malloc.sh buys.

  GLIBC_TUNABLES= /usr/bin/python3 bench/conv3d_alloc.py
  . environment/malloc.sh; /usr/bin/python3 bench/conv3d_alloc.py
"""
import time

import torch
import torch.nn as nn

torch.set_num_threads(2)
torch.manual_seed(0)
net = nn.Sequential(
    nn.Conv3d(1, 16, 3, 2, 1), nn.ReLU(), nn.Conv3d(16, 32, 3, 2, 1), nn.ReLU(),
    nn.Conv3d(32, 64, 3, 2, 1), nn.ReLU(), nn.Conv3d(64, 64, 3, 2, 1), nn.ReLU(),
    nn.AdaptiveMaxPool3d(1), nn.Flatten(), nn.Linear(64, 15))
x = torch.rand(8, 1, 32, 128, 128)
times = []
for i in range(8):
    t = time.time()
    net(x).sum().backward()
    times.append(time.time() - t)
times = sorted(times[2:])
print(f"batch 8 x 1x32x128x128, forward+backward: median {times[len(times) // 2]:.3f} s")
