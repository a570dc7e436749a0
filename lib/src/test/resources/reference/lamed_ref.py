"""Independent float64 PyTorch reference of M3D-LaMed (BAAI-DCAI/M3D LaMed/src/model) and of plain
Hugging Face Llama / Phi-3 causal LMs, for Scribe3D's parity tests.

Written from the published formulas (no transformers, no MONAI, no einops import):
  - language model: HF modeling_llama / modeling_phi3: RMSNorm, rotate-half RoPE (default, linear,
    llama3, longrope = "su"), repeat_kv GQA, causal mask (+ Phi-3 sliding window), SwiGLU, tied or
    untied head. Phi-3's fused `qkv_proj` (rows q, k, v) and `gate_up_proj` (rows gate, up) are split here.
  - vision tower (`model.vision_tower.vision_tower.*`): MONAI 1.3 ViT as M3D's ViT3DTower builds it:
    perceptron patch embedding ("b c (h p1) (w p2) (d p3) -> b (h w d) (p1 p2 p3 c)" then Linear),
    + position embedding, CLS token in front (no position embedding), pre-norm blocks (SABlock qkv
    "b h (qkv l d) -> qkv b l h d", no qkv bias; MLP with exact GELU), final LayerNorm, CLS dropped.
  - projector (`model.mm_projector.*`): "spp" spatial pooling (tokens back to the patch grid,
    avg_pool3d kernel = stride = proj_pooling_size, back to a sequence, then Linear[/GELU/Linear...]),
    also "linear" (FullLinear) and "identity".
  - splice as lamed_arch.prepare_inputs_for_multimodal:
    inputs_embeds = cat(emb[:, :1], image_features, emb[:, K + 1:]), K = image_features.shape[1].
Everything runs in float64 except the RoPE frequencies and angles, computed in float32 as HF does.

usage: lamed_ref.py MODEL_DIR REQUEST_JSON  -> prints a JSON answer on stdout
request: {"ids": [one row of token ids], "image": "/path/x.npy" or null}
  the .npy holds float32 C x D x H x W (a leading batch dim of 1 is also accepted)
answer: {"logprobs": [log p(ids[t+1] | ids[..t], image) for t = 0 .. n-2],
         "image_features": [first 8 values of projector output row 0] or null}
Environment: LAMED_REF_THREADS (torch threads, default 1).
"""
import glob
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

IGNORED_PREFIXES = ('model.seg_module.', 'model.seg_projector.')
VISION = 'model.vision_tower.vision_tower.'
PROJ = 'model.mm_projector.'


# ---------------------------------------------------------------- weights

def read_safetensors(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = memoryview(raw)[8 + n:]
    dtypes = {'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16, 'F64': torch.float64,
              'I64': torch.int64, 'I32': torch.int32}
    out = {}
    for k, v in header.items():
        if k == '__metadata__' or k.startswith(IGNORED_PREFIXES):
            continue
        b, e = v['data_offsets']
        t = torch.frombuffer(bytearray(data[b:e]), dtype=dtypes[v['dtype']]) if e > b else \
            torch.zeros(0, dtype=dtypes[v['dtype']])
        out[k] = t.reshape(v['shape']).double()
    return out


def load_weights(d):
    index = os.path.join(d, 'model.safetensors.index.json')
    files = sorted(set(json.load(open(index))['weight_map'].values())) if os.path.exists(index) else None
    paths = [os.path.join(d, f) for f in files] if files else sorted(glob.glob(os.path.join(d, '*.safetensors')))
    if not paths:
        raise SystemExit('no *.safetensors in ' + d)
    w = {}
    for p in paths:
        w.update(read_safetensors(p))
    return w


# ---------------------------------------------------------------- RoPE (float32 as HF)

def rope_params(cfg, seq_len):
    """(inv_freq float32 [rot/2], attention_factor float, rotary dim)."""
    head_dim = cfg.get('head_dim') or cfg['hidden_size'] // cfg['num_attention_heads']
    dim = int(head_dim * cfg.get('partial_rotary_factor', 1.0))
    base = cfg.get('rope_theta', 10000.0)
    shape = torch.arange(0, dim, 2, dtype=torch.int64).float() / dim
    inv = 1.0 / (base ** shape)
    rs = cfg.get('rope_scaling')
    if not rs:
        return inv, 1.0, dim
    kind = rs.get('rope_type', rs.get('type'))
    phi3 = cfg.get('model_type') in ('phi3', 'lamed_phi3')
    if phi3 and kind in ('su', 'yarn'):  # Phi3Config._rope_scaling_adjustment
        kind = 'longrope'
    if kind == 'su':
        kind = 'longrope'
    if kind == 'default':
        return inv, 1.0, dim
    if kind == 'linear':
        return inv / rs['factor'], 1.0, dim
    if kind == 'llama3':
        factor = rs['factor']
        lo, hi = rs['low_freq_factor'], rs['high_freq_factor']
        old = rs['original_max_position_embeddings']
        wavelen = 2 * math.pi / inv
        inv_l = torch.where(wavelen > old / lo, inv / factor, inv)
        smooth = (old / wavelen - lo) / (hi - lo)
        smoothed = (1 - smooth) * inv_l / factor + smooth * inv_l
        medium = ~(wavelen < old / hi) * ~(wavelen > old / lo)
        return torch.where(medium, smoothed, inv_l), 1.0, dim
    if kind == 'longrope':
        # modeling_rope_utils._compute_longrope_parameters (Phi3Config always has
        # original_max_position_embeddings, default 4096; then factor = max / original)
        factor = rs.get('factor')
        att = rs.get('attention_factor')
        orig = cfg.get('original_max_position_embeddings', 4096 if phi3 else None)
        if orig is not None:
            factor = cfg['max_position_embeddings'] / orig
        else:
            orig = cfg['max_position_embeddings']
        if att is None:
            att = 1.0 if (factor is None or factor <= 1.0) else math.sqrt(1 + math.log(factor) / math.log(orig))
        ext = rs['long_factor'] if seq_len > orig else rs['short_factor']
        ext = torch.tensor(ext, dtype=torch.float32)
        return 1.0 / (ext * base ** shape), float(att), dim
    raise SystemExit('unsupported rope_scaling type ' + str(kind))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def apply_rope(x, cos, sin):
    r = cos.shape[-1]
    xr, xp = x[..., :r], x[..., r:]
    return torch.cat((xr * cos + rotate_half(xr) * sin, xp), dim=-1)


# ---------------------------------------------------------------- language model

def act(name):
    if name in ('silu', 'swish'):
        return F.silu
    if name == 'gelu':
        return F.gelu
    if name in ('gelu_pytorch_tanh', 'gelu_new'):
        return lambda t: F.gelu(t, approximate='tanh')
    raise SystemExit('unsupported hidden_act ' + name)


def rms(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def lm_forward(cfg, W, x):
    """x: inputs_embeds [1, T, hidden] float64 -> log-softmax [1, T, V]."""
    B, T, _ = x.shape
    H = cfg['num_attention_heads']
    KV = cfg.get('num_key_value_heads') or H
    D = cfg.get('head_dim') or cfg['hidden_size'] // H
    eps = cfg['rms_norm_eps']
    f = act(cfg.get('hidden_act', 'silu'))
    inv, att_factor, _ = rope_params(cfg, T)
    pos = torch.arange(T)[None]
    freqs = pos[..., None].float() * inv[None, None, :]  # float32, as HF
    emb = torch.cat((freqs, freqs), dim=-1)
    cos = (emb.cos() * att_factor).double()[:, None]  # [B,1,T,rot]
    sin = (emb.sin() * att_factor).double()[:, None]
    qi = torch.arange(T)[:, None]
    ki = torch.arange(T)[None, :]
    allowed = ki <= qi
    sw = cfg.get('sliding_window')
    if sw and cfg.get('model_type') in ('phi3', 'lamed_phi3', 'mistral'):
        allowed = allowed & (qi - ki < sw)  # current HF masking_utils sliding_window_overlay
    bias = torch.zeros(T, T, dtype=torch.float64).masked_fill(~allowed, torch.finfo(torch.float64).min)
    for l in range(cfg['num_hidden_layers']):
        p = 'model.layers.%d.' % l

        def lin(t, n):
            b = W.get(p + n + '.bias')
            y = t @ W[p + n + '.weight'].T
            return y + b if b is not None else y

        h = rms(x, W[p + 'input_layernorm.weight'], eps)
        if p + 'self_attn.qkv_proj.weight' in W:  # Phi-3: rows q (H*D), k (KV*D), v (KV*D)
            qkv = lin(h, 'self_attn.qkv_proj')
            q, k, v = qkv[..., :H * D], qkv[..., H * D:(H + KV) * D], qkv[..., (H + KV) * D:]
        else:
            q, k, v = lin(h, 'self_attn.q_proj'), lin(h, 'self_attn.k_proj'), lin(h, 'self_attn.v_proj')
        q = q.reshape(B, T, H, D).transpose(1, 2)
        k = k.reshape(B, T, KV, D).transpose(1, 2)
        v = v.reshape(B, T, KV, D).transpose(1, 2)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        rep = H // KV  # repeat_kv: KV head j serves query heads j*rep .. j*rep+rep-1
        k = k[:, :, None].expand(B, KV, rep, T, D).reshape(B, H, T, D)
        v = v[:, :, None].expand(B, KV, rep, T, D).reshape(B, H, T, D)
        a = torch.softmax(q @ k.transpose(2, 3) * D ** -0.5 + bias, dim=-1)
        o = (a @ v).transpose(1, 2).reshape(B, T, H * D)
        x = x + lin(o, 'self_attn.o_proj')
        h = rms(x, W[p + 'post_attention_layernorm.weight'], eps)
        if p + 'mlp.gate_up_proj.weight' in W:  # Phi-3: rows gate (I), then up (I); chunk(2, -1)
            gu = lin(h, 'mlp.gate_up_proj')
            g, u = gu.chunk(2, dim=-1)
        else:
            g, u = lin(h, 'mlp.gate_proj'), lin(h, 'mlp.up_proj')
        x = x + lin(f(g) * u, 'mlp.down_proj')
    x = rms(x, W['model.norm.weight'], eps)
    if cfg.get('tie_word_embeddings', False):
        head = W['model.embed_tokens.weight']
    elif 'lm_head.weight' in W:
        head = W['lm_head.weight']
    else:
        raise SystemExit('tie_word_embeddings is false but lm_head.weight is missing')
    return torch.log_softmax(x @ head.T, dim=-1)


# ---------------------------------------------------------------- vision tower + projector

def ln(x, w, b, eps=1e-5):
    mu = x.mean(-1, keepdim=True)
    var = (x - mu).pow(2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * w + b


def vit3d(cfg, W, img):
    """MONAI ViT (perceptron, classification=True) as in M3D's ViT3DTower; img [B, C, D, H, W]."""
    p = VISION
    B, C = img.shape[:2]
    sp = list(img.shape[2:])
    ps = list(cfg['patch_size'])
    hid = W[p + 'patch_embedding.patch_embeddings.1.weight'].shape[0]
    heads = cfg.get('vision_num_heads', 12)
    hd = hid // heads
    g = [s // q for s, q in zip(sp, ps)]
    # "b c (h p1) (w p2) (d p3) -> b (h w d) (p1 p2 p3 c)"
    x = img.reshape(B, C, g[0], ps[0], g[1], ps[1], g[2], ps[2])
    x = x.permute(0, 2, 4, 6, 3, 5, 7, 1).reshape(B, g[0] * g[1] * g[2], ps[0] * ps[1] * ps[2] * C)
    x = x @ W[p + 'patch_embedding.patch_embeddings.1.weight'].T + W[p + 'patch_embedding.patch_embeddings.1.bias']
    x = x + W[p + 'patch_embedding.position_embeddings']
    x = torch.cat((W[p + 'cls_token'].expand(B, -1, -1), x), dim=1)
    n = x.shape[1]
    l = 0
    while p + 'blocks.%d.norm1.weight' % l in W:
        b = p + 'blocks.%d.' % l
        h = ln(x, W[b + 'norm1.weight'], W[b + 'norm1.bias'])
        qkv = h @ W[b + 'attn.qkv.weight'].T
        if b + 'attn.qkv.bias' in W:
            qkv = qkv + W[b + 'attn.qkv.bias']
        # "b h (qkv l d) -> qkv b l h d": feature index = (which * heads + head) * hd + d
        qkv = qkv.reshape(B, n, 3, heads, hd).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        a = torch.softmax(q @ k.transpose(-1, -2) * hd ** -0.5, dim=-1)
        o = (a @ v).permute(0, 2, 1, 3).reshape(B, n, hid)  # "b h l d -> b l (h d)"
        x = x + o @ W[b + 'attn.out_proj.weight'].T + W[b + 'attn.out_proj.bias']
        h = ln(x, W[b + 'norm2.weight'], W[b + 'norm2.bias'])
        h = F.gelu(h @ W[b + 'mlp.linear1.weight'].T + W[b + 'mlp.linear1.bias'])
        x = x + h @ W[b + 'mlp.linear2.weight'].T + W[b + 'mlp.linear2.bias']
        l += 1
    x = ln(x, W[p + 'norm.weight'], W[p + 'norm.bias'])
    if cfg.get('vision_select_layer', -1) != -1:
        raise SystemExit('only vision_select_layer -1 is supported')
    sel = cfg.get('vision_select_feature', 'patch')
    return x[:, 1:] if sel == 'patch' else x


def projector(cfg, W, x):
    kind = cfg.get('mm_projector_type', 'spp')
    if kind == 'identity':
        return x
    if kind == 'linear':  # FullLinear
        return x @ W[PROJ + 'linear.weight'].T + W[PROJ + 'linear.bias']
    if kind != 'spp':
        raise SystemExit('unsupported mm_projector_type ' + kind)
    B, N, d = x.shape
    pool = cfg.get('proj_pooling_size', 2)
    if cfg.get('proj_pooling_type', 'spatial') == 'spatial':
        pre = [i // q for i, q in zip(cfg['image_size'], cfg['patch_size'])]
        g = x.transpose(1, 2).reshape(B, d, *pre)  # "b (p1 p2 p3) d -> b d p1 p2 p3"
        g = F.avg_pool3d(g, kernel_size=pool, stride=pool)
        x = g.flatten(2).transpose(1, 2)  # "b d p1 p2 p3 -> b (p1 p2 p3) d"
    else:  # 'sequence'
        x = F.avg_pool1d(x.transpose(1, 2), kernel_size=pool ** 3, stride=pool ** 3).transpose(1, 2)
    layer_type = cfg.get('proj_layer_type', 'mlp')
    depth = int(cfg.get('proj_layer_num', 2))
    idx = list(range(depth)) if layer_type == 'linear' else [2 * i for i in range(depth)]
    for j, i in enumerate(idx):
        if j > 0 and layer_type == 'mlp':
            x = F.gelu(x)
        x = x @ W[PROJ + 'projector.%d.weight' % i].T + W[PROJ + 'projector.%d.bias' % i]
    return x


# ---------------------------------------------------------------- main

def main():
    torch.set_num_threads(int(os.environ.get('LAMED_REF_THREADS', '1')))
    d, req = sys.argv[1], json.load(open(sys.argv[2]))
    cfg = json.load(open(os.path.join(d, 'config.json')))
    kind = cfg.get('model_type')
    if kind not in ('llama', 'phi3', 'lamed_llama', 'lamed_phi3'):
        raise SystemExit('unsupported model_type ' + str(kind))
    W = load_weights(d)
    ids = req['ids']
    if ids and isinstance(ids[0], list):
        if len(ids) != 1:
            raise SystemExit('one row of ids only')
        ids = ids[0]
    ids = torch.tensor([ids], dtype=torch.long)
    T = ids.shape[1]
    x = W['model.embed_tokens.weight'][ids]
    feats_out = None
    if req.get('image'):
        if not kind.startswith('lamed_'):
            raise SystemExit('an image needs a lamed_* model')
        img = np.load(req['image']).astype(np.float64)
        if img.ndim == 4:
            img = img[None]
        feats = projector(cfg, W, vit3d(cfg, W, torch.from_numpy(img)))
        K = feats.shape[1]
        if cfg.get('proj_out_num') is not None and cfg['proj_out_num'] != K:
            print('warning: proj_out_num %s but the projector gives %d rows' % (cfg['proj_out_num'], K),
                  file=sys.stderr)
        if T < K + 1:
            raise SystemExit('need at least %d ids for %d image rows, got %d' % (K + 1, K, T))
        x = torch.cat((x[:, :1], feats, x[:, K + 1:]), dim=1)
        feats_out = feats[0, 0, :8].tolist()
    lp = lm_forward(cfg, W, x)
    out = {'logprobs': [lp[0, t, ids[0, t + 1]].item() for t in range(T - 1)], 'image_features': feats_out}
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    with torch.no_grad():
        main()
