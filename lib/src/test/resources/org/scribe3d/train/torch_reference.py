"""Independent PyTorch reference for the trainer tests (torch 1.13, CPU, 1 thread).

usage: torch_reference.py adamw IN.json OUT.json
IN holds the tiny LM's initial weights, micro-batches and hyper-parameters; OUT gets per-step
losses, grad norms, learning rates, final weights and AdamW moments, all computed with torch's own
F.cross_entropy(ignore_index=-100), clip_grad_norm_, AdamW and a LambdaLR written from Hugging
Face's get_cosine_schedule_with_warmup formula.
"""
import json
import math
import sys

import torch
import torch.nn.functional as F

torch.set_num_threads(1)


class TinyLm(torch.nn.Module):
    def __init__(self, vocab, dim, hidden):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, dim)
        self.norm = torch.nn.LayerNorm(dim, eps=1e-5)
        self.fc1 = torch.nn.Linear(dim, hidden)
        self.head = torch.nn.Linear(hidden, vocab)

    def forward(self, ids):
        return self.head(torch.tanh(self.fc1(self.norm(self.embed(ids)))))


def hf_cosine(warmup, total):
    def f(step):
        if step < warmup:
            return float(step) / float(max(1, warmup))
        progress = float(step - warmup) / float(max(1, total - warmup))
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * progress)))
    return f


def adamw(cfg, out_path):
    model = TinyLm(cfg["vocab"], cfg["dim"], cfg["hidden"])
    state = {k: torch.tensor(v["data"], dtype=torch.float32).reshape(v["shape"]) for k, v in cfg["weights"].items()}
    model.load_state_dict(state)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], betas=(cfg["beta1"], cfg["beta2"]),
                            eps=cfg["eps"], weight_decay=cfg["wd"])
    sched = torch.optim.lr_scheduler.LambdaLR(opt, hf_cosine(cfg["warmup"], cfg["total"]))
    losses, norms, lrs, means = [], [], [], []
    for step_batches in cfg["steps"]:
        micro = [(torch.tensor(b["ids"]).reshape(b["shape"]), torch.tensor(b["labels"]).reshape(b["shape"]))
                 for b in step_batches]
        n = sum(int((lab[:, 1:] != -100).sum()) for _, lab in micro)
        total = 0.0
        for ids, lab in micro:
            logits = model(ids)
            v = logits.shape[-1]
            s = F.cross_entropy(logits[:, :-1].reshape(-1, v), lab[:, 1:].reshape(-1), ignore_index=-100,
                                reduction="sum")
            means.append(float(F.cross_entropy(logits[:, :-1].reshape(-1, v), lab[:, 1:].reshape(-1),
                                               ignore_index=-100)))
            (s / n).backward()
            total += float(s)
        losses.append(total / n)
        norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["max_norm"])))
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
        opt.zero_grad()
    names = dict(model.named_parameters())
    result = {
        "losses": losses, "grad_norms": norms, "lrs": lrs, "micro_means": means,
        "weights": {k: p.detach().reshape(-1).tolist() for k, p in names.items()},
        "exp_avg": {k: opt.state[p]["exp_avg"].reshape(-1).tolist() for k, p in names.items()},
        "exp_avg_sq": {k: opt.state[p]["exp_avg_sq"].reshape(-1).tolist() for k, p in names.items()},
    }
    with open(out_path, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    mode = sys.argv[1]
    with open(sys.argv[2]) as f:
        cfg = json.load(f)
    if mode == "adamw":
        adamw(cfg, sys.argv[3])
    else:
        raise SystemExit("unknown mode " + mode)
