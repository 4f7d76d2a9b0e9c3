"""PyTorch reference timings for the GPU benchmark (run on the GPU machine; never a package dependency).

    python3 scripts/gpu/reference/bench.py --params params.json --out reference.json [--cases paper] [--deadline-s 150]

For every case of params.json (the list the TypeScript benchmark measures): builds the same model,
asserts its parameters (name, shape) equal the TypeScript list, then times one training step
(forward, IC loss, backward, Adam, loss read back with .item()) on one date's cross-section
resident on the GPU, median after two warm-up steps, and a mini-epoch of fresh host batches
(uploaded per step) plus one validation forward, exactly as the TypeScript benchmark does.
float32 throughout (TF32 off), the same dropout. A step over more stocks than fit in GPU memory
runs in two passes (predictions, the exact loss gradient with respect to them, one backward per
chunk), like the TypeScript side. Writes JSON after every case.
"""

import argparse
import functools
import json
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402

SMOKE_STOCKS_MAX = 64


def synthetic_batch(case, k, seed):
    """Standard normal features, labels with a planted signal, every 7th masked (as the TypeScript side, other numbers)."""
    return _batch(case["stocks"], case["window"], case["features"], k, seed)


@functools.lru_cache(maxsize=16)
def _batch(n, length, f, k, seed):
    """Cases of the same shape share their (read-only) batches: paper-scale ones take seconds to draw."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, length, f), dtype=np.float32)
    signal = 0.5 * x[:, -1, 0] - 0.3 * x[:, -1, min(1, f - 1)]
    y = (signal[:, None] / (1 if k == 1 else np.sqrt(k)) + rng.standard_normal((n, k))).astype(np.float32)
    mask = np.ones((n, k), dtype=np.float32)
    rows, cols = np.indices((n, k))
    mask[(rows + cols) % 7 == 3] = 0
    y[mask == 0] = 0
    if k == 1:
        y, mask = y[:, 0], mask[:, 0]
    return x, y, mask


def step_gradients(model, x, y, mask, w, aux, chunk, seed, teacher_from_labels):
    """Loss of one step; fills .grad. One pass, or two passes over chunks of `chunk` stocks."""
    n = x.shape[0]
    teacher = (lambda s, e: y[s:e]) if teacher_from_labels else (lambda s, e: None)
    torch.manual_seed(seed)
    if n <= chunk:
        loss = models.batch_loss(model(x, teacher(0, n)), y, w, mask, aux)
        loss.backward()
        return loss
    with torch.no_grad():
        preds = torch.cat([model(x[s:s + chunk], teacher(s, s + chunk)) for s in range(0, n, chunk)])
    preds.requires_grad_(True)
    loss = models.batch_loss(preds, y, w, mask, aux)
    (g,) = torch.autograd.grad(loss, preds)
    for s in range(0, n, chunk):
        (model(x[s:s + chunk], teacher(s, s + chunk)) * g[s:s + chunk]).sum().backward()
    return loss.detach()


def measure(case, params_expected, device, deadline, reps, epoch_steps, case_budget_s):
    r = {k: case[k] for k in ("id", "kind", "stocks", "window", "features", "dModel", "dropout")}
    cfg = case["config"]
    torch.manual_seed(1)
    model = models.build(cfg)
    r["parameters"] = models.check_parameters(model, params_expected)
    model = model.to(device).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    seq = cfg["kind"] == "seq2seq"
    k = cfg["horizon"] if seq else 1
    aux = 0.1 if seq else 0.0
    batches = [synthetic_batch(case, k, 100 + i) for i in range(epoch_steps + 1)]
    n = case["stocks"]
    w = torch.ones(1, n, device=device)

    def upload(b):
        return [torch.from_numpy(a).to(device) for a in b]

    x0, y0, m0 = upload(batches[0])
    chunk = n
    seed = [0]

    def step(x, y, m):
        opt.zero_grad(set_to_none=True)
        loss = step_gradients(model, x, y, m, w, aux, chunk, seed[0], seq)
        opt.step()
        seed[0] += 1
        return loss.item()

    losses = []
    t0 = time.perf_counter()
    while True:
        try:
            losses.append(step(x0, y0, m0))
            break
        except torch.cuda.OutOfMemoryError:
            opt.zero_grad(set_to_none=True)
            torch.cuda.empty_cache()
            if chunk <= 8:
                raise
            chunk = max(8, chunk // 2)
    r["stocksPerPass"] = chunk
    r["firstStepMs"] = round(1000 * (time.perf_counter() - t0), 3)
    losses.append(step(x0, y0, m0))
    ts = []
    while len(ts) < reps and sum(ts) < case_budget_s * 1000 and time.time() < deadline:
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        losses.append(step(x0, y0, m0))
        ts.append(1000 * (time.perf_counter() - t0))
    if ts:
        r["stepMs"] = round(statistics.median(ts), 3)
        r["stepMsAll"] = [round(t, 3) for t in ts]
    if time.time() < deadline:
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        for b in batches[1:]:
            losses.append(step(*upload(b)))
        train_ms = 1000 * (time.perf_counter() - t0)
        t0 = time.perf_counter()
        with torch.no_grad():
            model.eval()
            xv = torch.from_numpy(batches[0][0]).to(device)
            out = torch.cat([model(xv[s:s + chunk]) for s in range(0, n, chunk)])
            out.cpu()
            model.train()
        valid_ms = 1000 * (time.perf_counter() - t0)
        r["epoch"] = {
            "steps": epoch_steps,
            "trainMs": round(train_ms, 3),
            "perStepMs": round(train_ms / epoch_steps, 3),
            "validMs": round(valid_ms, 3),
            "totalMs": round(train_ms + valid_ms, 3),
        }
    r["losses"] = [round(v, 6) for v in losses]
    r["peakMemoryMB"] = round(torch.cuda.max_memory_allocated() / 1e6, 1)
    del model, opt, x0, y0, m0
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    return r


def select(cases, which):
    if which == "all":
        return cases
    if which == "paper":
        return [c for c in cases if c["id"].endswith(("-n1000", "-n2048", "-n4096", "-n1024"))]
    if which == "smoke":
        return [c for c in cases if c["stocks"] <= SMOKE_STOCKS_MAX and not c["id"].endswith(("-curve", "-parity"))]
    ids = which.split(",")
    return [c for c in cases if c["id"] in ids]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--params", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cases", default="paper")
    ap.add_argument("--deadline-s", type=float, default=3600)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--epoch-steps", type=int, default=3)
    ap.add_argument("--case-budget-s", type=float, default=10)
    a = ap.parse_args()
    deadline = time.time() + a.deadline_s
    if not torch.cuda.is_available():
        raise SystemExit("no CUDA device: the reference measures the GPU")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    device = torch.device("cuda")
    params = json.load(open(a.params))
    cases = select(params["cases"], a.cases)
    doc = {
        "task": "reference",
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "device": torch.cuda.get_device_name(0),
        "python": platform.python_version(),
        "settings": {"dtype": "float32", "allow_tf32": False, "adam": "torch.optim.Adam default (foreach)"},
        "notes": [
            "stepMs: forward, IC loss, backward, Adam, loss.item(); batch resident on the GPU; median after 2 warm-ups",
            "epoch: fresh host batches uploaded per step, plus one validation forward over the same stocks",
        ],
        "parameterCheck": "every case's parameters (name, shape) equal params.json, asserted before timing",
        "cases": [],
    }
    for case in cases:
        if time.time() > deadline - 3:
            doc["cases"].append({"id": case["id"], "kind": case["kind"], "skipped": "time budget"})
            continue
        try:
            r = measure(case, case["params"], device, deadline, a.reps, a.epoch_steps, a.case_budget_s)
        except AssertionError as e:
            r = {"id": case["id"], "kind": case["kind"], "error": f"parameter mismatch: {e}"}
        except Exception as e:  # noqa: BLE001 - record and go on to the next case
            r = {"id": case["id"], "kind": case["kind"], "error": f"{type(e).__name__}: {e}"[:500]}
            torch.cuda.empty_cache()
        doc["cases"].append(r)
        print(f"[reference] {r['id']}: {r.get('stepMs', '-')} ms/step {r.get('error', '')}", file=sys.stderr, flush=True)
        with open(a.out + ".tmp", "w") as f:
            json.dump(doc, f, indent=2)
        os.replace(a.out + ".tmp", a.out)
    with open(a.out + ".tmp", "w") as f:
        json.dump(doc, f, indent=2)
    os.replace(a.out + ".tmp", a.out)


if __name__ == "__main__":
    main()
