"""Independent PyTorch reference of Hugging Face's LlamaForCausalLM forward pass (for Scribe3D tests).

Written from the formulas of transformers' modeling_llama.py / modeling_rope_utils.py (no transformers
import): RMSNorm, rotate_half RoPE (default / linear / llama3 scaling), repeat_kv GQA, causal + padding
mask, SwiGLU, tied or untied head. Computes in float64 except where HF itself works in float32 (the
rotary frequencies and angles).

usage: llama_ref.py MODEL_DIR REQUEST_JSON  -> prints a JSON answer on stdout
request: {"ids": [[...]], "mask": [[...]] (optional), "want": "logits" | "score"}
  logits: log-softmax of every position, [B][T][V]
  score:  log-prob of token t+1 given the prefix, per row [B][T-1]
"""
import glob
import json
import math
import os
import struct
import sys

import torch


def read_safetensors(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    dtypes = {'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16, 'F64': torch.float64}
    out = {}
    for k, v in header.items():
        if k == '__metadata__':
            continue
        b, e = v['data_offsets']
        out[k] = torch.frombuffer(bytearray(data[b:e]), dtype=dtypes[v['dtype']]).reshape(v['shape']).clone()
    return out


def load_weights(d):
    index = os.path.join(d, 'model.safetensors.index.json')
    files = sorted(set(json.load(open(index))['weight_map'].values())) if os.path.exists(index) else None
    paths = [os.path.join(d, f) for f in files] if files else sorted(glob.glob(os.path.join(d, '*.safetensors')))
    w = {}
    for p in paths:
        w.update(read_safetensors(p))
    return {k: v.double() for k, v in w.items()}


def inv_freq(cfg):
    dim = cfg.get('head_dim') or cfg['hidden_size'] // cfg['num_attention_heads']
    base = cfg.get('rope_theta', 10000.0)
    inv = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    rs = cfg.get('rope_scaling')
    if not rs:
        return inv
    kind = rs.get('rope_type', rs.get('type'))
    if kind == 'linear':
        return inv / rs['factor']
    assert kind == 'llama3', kind
    factor = rs['factor']
    low_freq_factor = rs['low_freq_factor']
    high_freq_factor = rs['high_freq_factor']
    old_context_len = rs['original_max_position_embeddings']
    low_freq_wavelen = old_context_len / low_freq_factor
    high_freq_wavelen = old_context_len / high_freq_factor
    wavelen = 2 * math.pi / inv
    inv_llama = torch.where(wavelen > low_freq_wavelen, inv / factor, inv)
    smooth = (old_context_len / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
    smoothed = (1 - smooth) * inv_llama / factor + smooth * inv_llama
    is_medium = ~(wavelen < high_freq_wavelen) * ~(wavelen > low_freq_wavelen)
    return torch.where(is_medium, smoothed, inv_llama)


def rms(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def forward(cfg, W, ids, mask):
    B, T = ids.shape
    H = cfg['num_attention_heads']
    KV = cfg.get('num_key_value_heads', H)
    D = cfg.get('head_dim') or cfg['hidden_size'] // H
    eps = cfg['rms_norm_eps']
    pos = mask.long().cumsum(-1) - 1
    pos = pos.masked_fill(mask == 0, 1)
    freqs = pos[..., None].float() * inv_freq(cfg)[None, None, :]  # float32, as HF
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos().double()[:, None], emb.sin().double()[:, None]  # [B,1,T,D]
    allowed = torch.tril(torch.ones(T, T, dtype=torch.bool))[None] & mask.bool()[:, None, :]
    bias = torch.zeros(B, 1, T, T, dtype=torch.float64).masked_fill(~allowed[:, None], torch.finfo(torch.float64).min)
    x = W['model.embed_tokens.weight'][ids]
    for l in range(cfg['num_hidden_layers']):
        p = 'model.layers.%d.' % l
        lin = lambda t, n: t @ W[p + n + '.weight'].T + (W[p + n + '.bias'] if (p + n + '.bias') in W else 0)
        h = rms(x, W[p + 'input_layernorm.weight'], eps)
        q = lin(h, 'self_attn.q_proj').view(B, T, H, D).transpose(1, 2)
        k = lin(h, 'self_attn.k_proj').view(B, T, KV, D).transpose(1, 2)
        v = lin(h, 'self_attn.v_proj').view(B, T, KV, D).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = H // KV  # repeat_kv: each KV head serves `rep` consecutive query heads
        k = k[:, :, None].expand(B, KV, rep, T, D).reshape(B, H, T, D)
        v = v[:, :, None].expand(B, KV, rep, T, D).reshape(B, H, T, D)
        att = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(D) + bias, dim=-1)
        o = (att @ v).transpose(1, 2).reshape(B, T, H * D)
        x = x + lin(o, 'self_attn.o_proj')
        h = rms(x, W[p + 'post_attention_layernorm.weight'], eps)
        g = lin(h, 'mlp.gate_proj')
        x = x + lin(torch.nn.functional.silu(g) * lin(h, 'mlp.up_proj'), 'mlp.down_proj')
    x = rms(x, W['model.norm.weight'], eps)
    head = W['model.embed_tokens.weight'] if cfg.get('tie_word_embeddings', False) else W['lm_head.weight']
    return torch.log_softmax(x @ head.T, dim=-1)


def main():
    d, req = sys.argv[1], json.load(open(sys.argv[2]))
    cfg = json.load(open(os.path.join(d, 'config.json')))
    W = load_weights(d)
    ids = torch.tensor(req['ids'], dtype=torch.long)
    mask = torch.tensor(req['mask'], dtype=torch.long) if 'mask' in req else torch.ones_like(ids)
    lp = forward(cfg, W, ids, mask)
    out = {'inv_freq': inv_freq(cfg).tolist()}
    if req.get('want', 'logits') == 'logits':
        out['logprobs'] = lp.tolist()
    else:
        out['logprobs'] = [[lp[b, t, ids[b, t + 1]].item() for t in range(ids.shape[1] - 1)] for b in range(ids.shape[0])]
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    torch.set_num_threads(1)
    main()
