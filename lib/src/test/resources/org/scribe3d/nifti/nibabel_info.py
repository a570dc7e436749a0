"""Reference for NiftiInfoParityTest: what nibabel says about each NIfTI file (one JSON list on stdout).

Usage: /usr/bin/python3 nibabel_info.py FILE...
Stats are over finite values (nan-aware), like `scribe3d nifti-info`, which reports non-finite
voxels as a separate count.
"""
import gzip
import json
import struct
import sys

import nibabel as nib
import numpy as np


def image_class(path):
    opener = gzip.open if open(path, 'rb').read(2) == b'\x1f\x8b' else open
    with opener(path, 'rb') as f:
        first = f.read(4)
    size = struct.unpack('<i', first)[0]
    if size not in (348, 540):
        size = struct.unpack('>i', first)[0]
    return nib.Nifti1Image if size == 348 else nib.Nifti2Image


def describe(path):
    klass = image_class(path)
    # explicit class: nib.load would dispatch a CIFTI-2 file (e.g. *.dconn.nii) to Cifti2Image
    img = klass.from_filename(path)
    hdr = img.header
    opener = gzip.open if open(path, 'rb').read(2) == b'\x1f\x8b' else open
    with opener(path, 'rb') as f:
        raw = klass.header_class.from_fileobj(f)  # img.header has its scaling reset; this does not
    slope, inter = raw.get_slope_inter()
    data = np.asarray(img.get_fdata(dtype=np.float64))
    finite = data[np.isfinite(data)]
    return {
        'file': path,
        'shape': [int(s) for s in img.shape],
        'datatype': hdr.get_data_dtype().newbyteorder('=').name,
        'zooms': [float(z) for z in hdr.get_zooms()],
        'affine': [[float(x) for x in row] for row in img.affine],
        'axcodes': ''.join(c if c is not None else '?' for c in nib.aff2axcodes(img.affine)),
        'slope': slope,
        'inter': inter,
        'min': float(finite.min()) if finite.size else None,
        'max': float(finite.max()) if finite.size else None,
        'mean': float(finite.mean()) if finite.size else None,
        'sum': float(finite.sum()),
        'nonfinite': int(data.size - finite.size),
    }


print(json.dumps([describe(p) for p in sys.argv[1:]]))
