"""PyTorch eager twin of Scribe3D's tiny preset, for `scribe3d bench train`.

The same architecture and sizes as ModelPresets.tiny (ViT3D on 1x32x128x128, patch 4x16x16, 192 wide,
3 layers, 4 heads, MLP 768; spatial pooling 2 -> 64 image tokens; projector 192->256->256; Llama 256
wide, 4 layers, 4 heads on 2 KV heads, head dim 64, SwiGLU 688, RMSNorm, RoPE theta 500000, untied
head over a restricted vocabulary), written the way the reference implementations are (MONAI ViT,
Hugging Face Llama eager attention), trained with the same step: masked causal-LM loss, backward,
clip_grad_norm_(1.0), AdamW. Random inputs; reports training samples/s.

usage: train_tiny_torch.py --batch 4 --seq 160 --vocab 1024 --steps 8 --warmup 3 --threads 2
prints one JSON line.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class VitBlock(nn.Module):
    def __init__(self, d, heads, mlp):
        super().__init__()
        self.norm1 = nn.LayerNorm(d, eps=1e-5)
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.out_proj = nn.Linear(d, d)
        self.norm2 = nn.LayerNorm(d, eps=1e-5)
        self.linear1 = nn.Linear(d, mlp)
        self.linear2 = nn.Linear(mlp, d)
        self.heads = heads

    def forward(self, x):
        b, n, d = x.shape
        h = self.norm1(x)
        qkv = self.qkv(h).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = (q @ k.transpose(-2, -1)) * (d // self.heads) ** -0.5
        o = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, n, d)
        x = x + self.out_proj(o)
        return x + self.linear2(F.gelu(self.linear1(self.norm2(x))))


class Vit3d(nn.Module):
    def __init__(self, d=192, layers=3, heads=4, mlp=768, size=(32, 128, 128), patch=(4, 16, 16)):
        super().__init__()
        self.grid = [s // p for s, p in zip(size, patch)]
        self.patch = patch
        n = self.grid[0] * self.grid[1] * self.grid[2]
        self.patch_lin = nn.Linear(patch[0] * patch[1] * patch[2], d)
        self.pos = nn.Parameter(torch.randn(1, n, d) * 0.02)
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        self.blocks = nn.ModuleList([VitBlock(d, heads, mlp) for _ in range(layers)])
        self.norm = nn.LayerNorm(d, eps=1e-5)

    def forward(self, img):
        b = img.shape[0]
        gd, gh, gw = self.grid
        pd, ph, pw = self.patch
        x = img.reshape(b, 1, gd, pd, gh, ph, gw, pw).permute(0, 2, 4, 6, 3, 5, 7, 1).reshape(b, gd * gh * gw, -1)
        x = self.patch_lin(x) + self.pos
        x = torch.cat([self.cls.expand(b, -1, -1), x], 1)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)[:, 1:]


class Projector(nn.Module):
    def __init__(self, grid, d_in=192, d_out=256, pool=2):
        super().__init__()
        self.grid = grid
        self.pool = pool
        self.l0 = nn.Linear(d_in, d_out)
        self.l2 = nn.Linear(d_out, d_out)

    def forward(self, x):
        b, n, c = x.shape
        gd, gh, gw = self.grid
        x = x.transpose(1, 2).reshape(b, c, gd, gh, gw)
        x = F.avg_pool3d(x, self.pool, self.pool).flatten(2).transpose(1, 2)
        return self.l2(F.gelu(self.l0(x)))


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        v = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(v + self.eps))


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


class LlamaLayer(nn.Module):
    def __init__(self, d=256, heads=4, kv=2, hd=64, mlp=688):
        super().__init__()
        self.heads, self.kv, self.hd = heads, kv, hd
        self.input_layernorm = RMSNorm(d)
        self.q_proj = nn.Linear(d, heads * hd, bias=False)
        self.k_proj = nn.Linear(d, kv * hd, bias=False)
        self.v_proj = nn.Linear(d, kv * hd, bias=False)
        self.o_proj = nn.Linear(heads * hd, d, bias=False)
        self.post_attention_layernorm = RMSNorm(d)
        self.gate_proj = nn.Linear(d, mlp, bias=False)
        self.up_proj = nn.Linear(d, mlp, bias=False)
        self.down_proj = nn.Linear(mlp, d, bias=False)

    def forward(self, x, cos, sin, mask):
        b, t, _ = x.shape
        h = self.input_layernorm(x)
        q = self.q_proj(h).view(b, t, self.heads, self.hd).transpose(1, 2)
        k = self.k_proj(h).view(b, t, self.kv, self.hd).transpose(1, 2)
        v = self.v_proj(h).view(b, t, self.kv, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = self.heads // self.kv
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        att = (q @ k.transpose(2, 3)) / math.sqrt(self.hd) + mask
        o = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, -1)
        x = x + self.o_proj(o)
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class Tiny(nn.Module):
    def __init__(self, vocab, image_tokens=64):
        super().__init__()
        self.vit = Vit3d()
        self.proj = Projector(self.vit.grid)
        self.embed = nn.Embedding(vocab, 256)
        self.layers = nn.ModuleList([LlamaLayer() for _ in range(4)])
        self.norm = RMSNorm(256)
        self.head = nn.Linear(256, vocab, bias=False)
        self.k = image_tokens
        inv = 1.0 / (500000.0 ** (torch.arange(0, 64, 2).float() / 64))
        self.register_buffer("inv_freq", inv, persistent=False)

    def forward(self, img, ids):
        b, t = ids.shape
        tok = self.embed(ids)
        im = self.proj(self.vit(img))
        x = torch.cat([tok[:, :1], im, tok[:, 1 + self.k:]], 1)  # image embeddings after BOS
        freqs = torch.outer(torch.arange(t, dtype=torch.float32), self.inv_freq)
        emb = torch.cat((freqs, freqs), -1)
        cos, sin = emb.cos()[None, None], emb.sin()[None, None]
        mask = torch.full((t, t), float("-inf")).triu(1)[None, None]
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        return self.head(self.norm(x))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seq", type=int, default=160)
    ap.add_argument("--vocab", type=int, default=1024)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--answer", type=int, default=60, help="labelled answer tokens per sample")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Tiny(a.vocab)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.0)
    img = torch.rand(a.batch, 1, 32, 128, 128)
    ids = torch.randint(0, a.vocab, (a.batch, a.seq))
    labels = ids.clone()
    labels[:, : a.seq - a.answer] = -100
    times = []
    for s in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        logits = model(img, ids)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, a.vocab), labels[:, 1:].reshape(-1), ignore_index=-100)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times[a.warmup:])
    print(json.dumps({"impl": "pytorch-eager", "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "batch": a.batch, "seq": a.seq, "vocab": a.vocab,
                      "params": sum(p.numel() for p in model.parameters()),
                      "median_step_s": med, "samples_per_s": a.batch / med,
                      "step_times_s": [round(x, 4) for x in times]}))


if __name__ == "__main__":
    main()
