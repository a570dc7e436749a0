"""Independent PyTorch reference of M3D-CLIP's ViT3D (MONAI 1.3 ViT, perceptron patch embedding,
classification=True) and M3D's spatial-pooling projector, written from the published formulas.

usage: torch_vit3d.py CONFIG_JSON WEIGHTS.safetensors OUT.safetensors
Reads the weights (bare ViT names, projector.0/2.*, and the input tensor "input"), writes
"tokens" (ViT output after the final norm, CLS first) and "embeds" (projector output, CLS dropped).
safetensors is parsed by hand (JSON header + little-endian raw data) so no extra package is needed.
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        arr = np.frombuffer(raw[base + a:base + b], dtype=DTYPES[e["dtype"]]).reshape(e["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        b = t.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def vit(x, w, c):
    p1, p2, p3 = c["patchD"], c["patchH"], c["patchW"]
    hid, heads = c["hidden"], c["heads"]
    ch = c["channels"]
    eps = c["layerNormEps"]
    if c.get("stem") == "conv":
        # conv stem: 3x3x3 convs with padding 1 and ReLU, stride 2 along an axis while its patch size
        # has factors of 2 left, then Linear(last channels -> hid) per grid position
        i, y = 0, x
        while "patch_embedding.conv_stem.%d.weight" % i in w:
            stride = tuple(2 if (p >> i) > 1 else 1 for p in (p1, p2, p3))
            y = F.relu(F.conv3d(y, w["patch_embedding.conv_stem.%d.weight" % i],
                                w["patch_embedding.conv_stem.%d.bias" % i], stride=stride, padding=1))
            i += 1
        y = F.linear(y.flatten(2).transpose(1, 2), w["patch_embedding.stem_proj.weight"],
                     w["patch_embedding.stem_proj.bias"])
    else:
        # perceptron embedding == Conv3d(kernel = stride = patch) whose kernel is the Linear weight
        # viewed as [hid, p1, p2, p3, c] (flatten order p1 p2 p3 c) and moved to [hid, c, p1, p2, p3]
        lw = w["patch_embedding.patch_embeddings.1.weight"]
        kernel = lw.reshape(hid, p1, p2, p3, ch).permute(0, 4, 1, 2, 3)
        y = F.conv3d(x, kernel, w["patch_embedding.patch_embeddings.1.bias"], stride=(p1, p2, p3))
        y = y.flatten(2).transpose(1, 2)  # [B, gd*gh*gw, hid], grid order d, h, w
    y = y + w["patch_embedding.position_embeddings"]
    cls = w["cls_token"].expand(y.shape[0], -1, -1)
    y = torch.cat([cls, y], dim=1)
    hd = hid // heads
    for i in range(c["layers"]):
        p = "blocks.%d." % i
        h = F.layer_norm(y, (hid,), w[p + "norm1.weight"], w[p + "norm1.bias"], eps)
        qkv = F.linear(h, w[p + "attn.qkv.weight"], w.get(p + "attn.qkv.bias"))
        b, n, _ = qkv.shape
        # einops "b h (qkv l d) -> qkv b l h d"
        qkv = qkv.view(b, n, 3, heads, hd).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = torch.einsum("blxd,blyd->blxy", q, k) * hd ** -0.5
        att = att.softmax(dim=-1)
        o = torch.einsum("bhxy,bhyd->bhxd", att, v)
        o = o.permute(0, 2, 1, 3).reshape(b, n, hid)  # "b h l d -> b l (h d)"
        y = y + F.linear(o, w[p + "attn.out_proj.weight"], w[p + "attn.out_proj.bias"])
        h = F.layer_norm(y, (hid,), w[p + "norm2.weight"], w[p + "norm2.bias"], eps)
        h = F.gelu(F.linear(h, w[p + "mlp.linear1.weight"], w[p + "mlp.linear1.bias"]))
        y = y + F.linear(h, w[p + "mlp.linear2.weight"], w[p + "mlp.linear2.bias"])
    return F.layer_norm(y, (hid,), w["norm.weight"], w["norm.bias"], eps)


def projector(tokens, w, c, pool):
    gd, gh, gw = c["depth"] // c["patchD"], c["height"] // c["patchH"], c["width"] // c["patchW"]
    b, n, d = tokens.shape
    # "b (p1 p2 p3) d -> b d p1 p2 p3", avg_pool3d, "b d p1 p2 p3 -> b (p1 p2 p3) d"
    g = tokens.transpose(1, 2).reshape(b, d, gd, gh, gw)
    g = F.avg_pool3d(g, kernel_size=pool, stride=pool)
    s = g.flatten(2).transpose(1, 2)
    s = F.linear(s, w["projector.0.weight"], w["projector.0.bias"])
    s = F.gelu(s)
    return F.linear(s, w["projector.2.weight"], w["projector.2.bias"])


def main():
    cfg = json.loads(open(sys.argv[1]).read())
    w = read_safetensors(sys.argv[2])
    torch.set_num_threads(1)
    with torch.no_grad():
        x = w["input"]
        tokens = vit(x, w, cfg["vision"])
        embeds = projector(tokens[:, 1:], w, cfg["vision"], cfg["pool"])
    write_safetensors(sys.argv[3], {"tokens": tokens, "embeds": embeds})


if __name__ == "__main__":
    main()
