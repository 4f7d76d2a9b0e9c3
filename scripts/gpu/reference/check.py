"""Python-side checks of the GPU run (on the GPU machine; PyTorch and onnxruntime there).

    python3 scripts/gpu/reference/check.py --params params.json --checks <dir of manifest.json> --out checks-python.json

1. Parameters: every case of params.json builds in PyTorch with exactly the TypeScript parameter
   list (name and shape), so timings compare the same models.
2. Loss curves: each small case trained in PyTorch from the TypeScript initial weights on the same
   data (dropout 0, float32, TF32 off) must follow the tfjs-wasm loss curve: the reference computes
   the same loss, gradients and Adam update.
3. Forward parity at paper shape: PyTorch in float64 on the CPU is the reference; tfjs-wasm,
   tfjs-webgpu, onnxruntime (on the exported ONNX file) and PyTorch float32 on the GPU must agree
   with it to a relative error (||a - ref|| / ||ref||) under 1e-4.
"""

import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402

PARITY_TOLERANCE = 1e-4


def read(path, dtype=np.float32, shape=None):
    a = np.fromfile(path, dtype=dtype)
    return a if shape is None else a.reshape(shape)


def load_params(case_dir, params):
    return {p["name"]: read(os.path.join(case_dir, p["file"]), shape=p["shape"]) for p in params}


def rel_error(a, ref):
    a = np.asarray(a, dtype=np.float64).ravel()
    ref = np.asarray(ref, dtype=np.float64).ravel()
    if a.shape != ref.shape or not np.all(np.isfinite(a)):
        return float("inf")
    return float(np.linalg.norm(a - ref) / max(np.linalg.norm(ref), 1e-30))


def check_parameters(params_doc):
    out = {"cases": 0, "mismatches": []}
    for case in params_doc["cases"]:
        try:
            n = models.check_parameters(models.build(case["config"]), case["params"])
            if n != case["parameterCount"]:
                raise AssertionError(f"{n} scalars, TypeScript says {case['parameterCount']}")
        except AssertionError as e:
            out["mismatches"].append({"id": case["id"], "error": str(e)[:500]})
        out["cases"] += 1
    out["ok"] = not out["mismatches"]
    return out


def curve(entry, case_dir, device, tolerance):
    cfg = entry["config"]
    b = entry["batch"]
    n, k = b["n"], b["k"]
    shape = (n,) if k == 1 else (n, k)
    x = torch.from_numpy(read(os.path.join(case_dir, b["x"]), shape=(n, cfg["window"], cfg["nFeatures"]))).to(device)
    y = torch.from_numpy(read(os.path.join(case_dir, b["y"]), shape=shape)).to(device)
    mask = torch.from_numpy(read(os.path.join(case_dir, b["mask"]), shape=shape)).to(device)
    seg = torch.from_numpy(read(os.path.join(case_dir, b["segments"]), dtype=np.int32)).to(device)
    w = models.segment_matrix(seg, b["nDates"])
    model = models.build(cfg)
    models.load_weights(model, load_params(case_dir, entry["params"]))
    model = model.to(device).train()
    adam = entry["adam"]
    opt = torch.optim.Adam(model.parameters(), lr=adam["lr"], betas=(adam["beta1"], adam["beta2"]), eps=adam["eps"])
    seq = cfg["kind"] == "seq2seq"
    losses = []
    for _ in range(entry["steps"]):
        opt.zero_grad(set_to_none=True)
        loss = models.batch_loss(model(x, y if seq else None), y, w, mask, entry["auxMseWeight"])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    ref = entry["losses"][entry["referenceBackend"]]
    diff = max(abs(a - r) for a, r in zip(losses, ref))
    return {"id": entry["id"], "torch": [round(v, 7) for v in losses], entry["referenceBackend"]: ref,
            "maxLossDiff": float(f"{diff:.3g}"), "ok": bool(diff <= tolerance)}


def parity(entry, case_dir, device, ort):
    cfg = entry["config"]
    x = read(os.path.join(case_dir, entry["x"]["file"]), shape=entry["x"]["shape"])
    weights = load_params(case_dir, entry["params"])
    model = models.build(cfg)
    models.load_weights(model, weights)
    with torch.no_grad():
        ref = model.double().eval()(torch.from_numpy(x).double()).numpy()
        gpu = models.build(cfg)
        models.load_weights(gpu, weights)
        gpu = gpu.to(device).eval()
        torch_gpu = gpu(torch.from_numpy(x).to(device)).cpu().numpy()
    out = {"id": entry["id"], "relErrorVsFloat64": {"torch-float32-gpu": rel_error(torch_gpu, ref)}}
    for backend, file in entry["outputs"].items():
        tfjs = read(os.path.join(case_dir, file))
        out["relErrorVsFloat64"][f"tfjs-{backend}"] = rel_error(tfjs.reshape(ref.shape) if tfjs.size == ref.size else tfjs, ref)
    if entry.get("onnx") and ort is not None:
        providers = [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in ort.get_available_providers()]
        sess = ort.InferenceSession(os.path.join(case_dir, entry["onnx"]), providers=providers)
        result = sess.run(None, {"x": x})
        names = [o.name for o in sess.get_outputs()]
        # The sequence model's `returns` output is what the forward returns; the others' `score`.
        onnx_out = result[names.index("returns")] if "returns" in names else result[names.index("score")]
        out["relErrorVsFloat64"]["onnxruntime"] = rel_error(onnx_out, ref)
        out["onnxProviders"] = sess.get_providers()
    out["errors"] = entry.get("errors", {})
    out["ok"] = all(v < PARITY_TOLERANCE for v in out["relErrorVsFloat64"].values())
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--params", required=True)
    ap.add_argument("--checks", required=True, help="directory with manifest.json (train-bench.ts checks)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--tolerance", type=float, default=2e-3)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    a = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    device = torch.device(a.device)
    try:
        import onnxruntime as ort
    except ImportError:
        ort = None
    doc = {"task": "python-checks", "torch": torch.__version__, "device": str(device),
           "onnxruntime": None if ort is None else ort.__version__, "parityTolerance": PARITY_TOLERANCE,
           "curveTolerance": a.tolerance}
    doc["parameters"] = check_parameters(json.load(open(a.params)))
    manifest = json.load(open(os.path.join(a.checks, "manifest.json")))
    doc["curves"], doc["parity"] = [], []
    for entry in manifest["curves"]:
        try:
            doc["curves"].append(curve(entry, os.path.join(a.checks, entry["id"]), device, a.tolerance))
        except Exception as e:  # noqa: BLE001 - report every case
            doc["curves"].append({"id": entry.get("id"), "ok": False, "error": f"{type(e).__name__}: {e}"[:500]})
    for entry in manifest["parity"]:
        try:
            doc["parity"].append(parity(entry, os.path.join(a.checks, entry["id"]), device, ort))
        except Exception as e:  # noqa: BLE001
            doc["parity"].append({"id": entry.get("id"), "ok": False, "error": f"{type(e).__name__}: {e}"[:500]})
    doc["ok"] = doc["parameters"]["ok"] and all(c["ok"] for c in doc["curves"]) and all(p["ok"] for p in doc["parity"])
    with open(a.out, "w") as f:
        json.dump(doc, f, indent=2)
    print(f"[check.py] parameters ok={doc['parameters']['ok']} curves {sum(c['ok'] for c in doc['curves'])}/"
          f"{len(doc['curves'])} parity {sum(p['ok'] for p in doc['parity'])}/{len(doc['parity'])}", file=sys.stderr)


if __name__ == "__main__":
    main()
