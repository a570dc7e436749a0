"""Writes NIfTI files with nibabel for NiftiReaderTest, plus what nibabel reads back from them.

Usage: /usr/bin/python3 nibabel_write.py OUTDIR
Covers every supported datatype, both byte orders, NIfTI-1 and NIfTI-2, .nii and .nii.gz,
scl_slope/scl_inter, qform-only and pixdim-only geometry, a 4D image, and a multi-member gzip file.
For each file F it writes F.expected.raw (float32 little-endian, the frame the test reads) and
prints a JSON list of {file, frame, shape, affine, axcodes}.
"""
import gzip
import json
import os
import sys

import nibabel as nib
import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(5)
dtypes = ['uint8', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float32', 'float64']
records = []


def save(img, name, frame=0, multi_member=False):
    path = os.path.join(out, name)
    if multi_member:
        raw = img.to_bytes()
        cuts = [0, len(raw) // 3, 2 * len(raw) // 3, len(raw)]
        with open(path, 'wb') as f:
            for a, b in zip(cuts[:-1], cuts[1:]):
                f.write(gzip.compress(raw[a:b]))
    else:
        nib.save(img, path)
    back = nib.load(path) if not multi_member else type(img).from_bytes(gzip.open(path).read())
    data = np.asarray(back.get_fdata(dtype=np.float64))
    if data.ndim == 4:
        data = data[..., frame]
    # the reader's order: first axis fastest (Fortran order)
    data.astype('<f4').ravel(order='F').tofile(path + '.expected.raw')
    records.append({
        'file': path, 'frame': frame, 'shape': [int(s) for s in back.shape],
        'affine': back.affine.tolist(), 'axcodes': ''.join(nib.aff2axcodes(back.affine)),
    })


for n, dt in enumerate(dtypes):
    shape = (5 + n, 4, 3)
    info = np.iinfo(dt) if dt[0] in 'ui' else None
    if info is not None:
        lo, hi = max(info.min, -30000), min(info.max, 60000)
        data = rng.integers(lo, hi, size=shape, endpoint=True).astype(dt)
        data.flat[0] = info.min if info.bits <= 16 else lo
        data.flat[1] = info.max if info.bits <= 16 else hi
    else:
        data = (rng.standard_normal(shape) * 1000).astype(dt)
    klass = nib.Nifti1Image if n % 2 == 0 else nib.Nifti2Image
    aff = np.array([[-0.8, 0, 0, 100], [0, -0.8, 0, 120], [0, 0, 1.5 + n, -50], [0, 0, 0, 1]])
    img = klass(data, aff, dtype=dt)
    img.header.set_data_dtype(np.dtype(dt).newbyteorder('>' if n % 3 == 1 else '<'))
    if dt in ('int16', 'uint8'):
        img.header.set_slope_inter(0.5 + n, -1024)  # nibabel keeps the raw values and scales on read
    ext = '.nii.gz' if n % 2 == 1 else '.nii'
    save(img, f'{dt}{ext}')

# geometry from the qform only (rotated), and from pixdim only
data = rng.integers(-100, 100, size=(6, 7, 8)).astype(np.int16)
rot = np.array([[0.9, -0.3, 0.1], [0.3, 0.95, 0.0], [-0.1, 0.05, 0.99]])
u, _, vt = np.linalg.svd(rot)
aff = np.eye(4)
aff[:3, :3] = (u @ vt) @ np.diag([1.1, 1.2, -2.0])
aff[:3, 3] = [5, -6, 7]
img = nib.Nifti1Image(data, None)
img.set_qform(aff, code=1)
img.set_sform(None, code=0)
save(img, 'qform_only.nii')
img = nib.Nifti1Image(data, None)
img.header.set_zooms((1.5, 2.0, 2.5))
img.set_qform(None, code=0)
img.set_sform(None, code=0)
save(img, 'pixdim_only.nii.gz')

# 4D, big-endian NIfTI-2, frame 2
data = rng.standard_normal((6, 5, 4, 3)).astype('>f4')
img = nib.Nifti2Image(data, np.diag([2.0, 2.0, 3.0, 1.0]))
save(img, 'four_d.nii.gz', frame=2)

# multi-member gzip
data = rng.integers(-1000, 1000, size=(9, 8, 7)).astype(np.int16)
save(nib.Nifti1Image(data, np.eye(4)), 'multi_member.nii.gz', multi_member=True)

print(json.dumps(records))
