"""Checks the PyTorch reference models without PyTorch (numpy stand-in; see numpy_torch.py).

    python3 scripts/gpu/reference/selftest.py --params params.json --checks <dir of manifest.json> --out selftest.json

1. Every case of params.json builds with exactly the TypeScript parameter list (name and shape).
2. Forward parity: the reference models in float64 on the TypeScript weights reproduce every
   tfjs output in the manifest (relative error < 1e-4).
3. Loss: the reference IC loss (plus the sequence model's masked MSE, teacher forcing) at the
   initial weights reproduces the first loss of each tfjs loss curve (|difference| < 1e-4).

Exit status 0 when everything agrees. The GPU run repeats 2 and 3 with the real PyTorch
(check.py), including the loss curves over several Adam steps.
"""

import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import numpy_torch  # noqa: E402

numpy_torch.install()
import models  # noqa: E402
import torch  # noqa: E402  (the stand-in)

TOLERANCE = 1e-4


def read(path, dtype=np.float32, shape=None):
    a = np.fromfile(path, dtype=dtype)
    return a if shape is None else a.reshape(shape)


def built(entry, case_dir, file_key="params"):
    model = models.build(entry["config"])
    models.load_weights(model, {p["name"]: read(os.path.join(case_dir, p["file"]), shape=p["shape"]) for p in entry[file_key]})
    return model.double().eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--params", required=True)
    ap.add_argument("--checks", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    doc = {"task": "reference-selftest", "engine": "numpy stand-in for torch (forward only)", "tolerance": TOLERANCE}

    mismatches = []
    params = json.load(open(a.params))
    for case in params["cases"]:
        try:
            n = models.check_parameters(models.build(case["config"]), case["params"])
            if n != case["parameterCount"]:
                raise AssertionError(f"{n} scalars, TypeScript says {case['parameterCount']}")
        except AssertionError as e:
            mismatches.append({"id": case["id"], "error": str(e)[:400]})
    doc["parameters"] = {"cases": len(params["cases"]), "mismatches": mismatches, "ok": not mismatches}

    manifest = json.load(open(os.path.join(a.checks, "manifest.json")))
    doc["parity"] = []
    for entry in manifest["parity"]:
        case_dir = os.path.join(a.checks, entry["id"])
        x = read(os.path.join(case_dir, entry["x"]["file"]), shape=entry["x"]["shape"])
        out = built(entry, case_dir)(torch.from_numpy(x.astype(np.float64))).numpy()
        errs = {}
        for backend, file in entry["outputs"].items():
            tfjs = read(os.path.join(case_dir, file)).astype(np.float64)
            errs[backend] = float(np.linalg.norm(tfjs - out.ravel()) / np.linalg.norm(out)) if tfjs.size == out.size else float("inf")
        doc["parity"].append({"id": entry["id"], "relError": errs, "ok": bool(errs) and all(e < TOLERANCE for e in errs.values())})

    doc["firstLoss"] = []
    for entry in manifest["curves"]:
        case_dir = os.path.join(a.checks, entry["id"])
        cfg, b = entry["config"], entry["batch"]
        n, k = b["n"], b["k"]
        shape = (n,) if k == 1 else (n, k)
        x = torch.from_numpy(read(os.path.join(case_dir, b["x"]), shape=(n, cfg["window"], cfg["nFeatures"])).astype(np.float64))
        y = torch.from_numpy(read(os.path.join(case_dir, b["y"]), shape=shape).astype(np.float64))
        mask = torch.from_numpy(read(os.path.join(case_dir, b["mask"]), shape=shape).astype(np.float64))
        seg = torch.from_numpy(read(os.path.join(case_dir, b["segments"]), dtype=np.int32))
        w = models.segment_matrix(seg, b["nDates"])
        model = built(entry, case_dir)
        pred = model(x, y if cfg["kind"] == "seq2seq" else None)
        loss = models.batch_loss(pred, y, w, mask, entry["auxMseWeight"]).item()
        ref = entry["losses"][entry["referenceBackend"]][0]
        doc["firstLoss"].append({"id": entry["id"], "reference": loss, "tfjs": ref, "diff": abs(loss - ref), "ok": abs(loss - ref) < TOLERANCE})

    doc["ok"] = doc["parameters"]["ok"] and all(p["ok"] for p in doc["parity"]) and all(c["ok"] for c in doc["firstLoss"])
    with open(a.out, "w") as f:
        json.dump(doc, f, indent=2)
    print(json.dumps({"ok": doc["ok"], "parameters": doc["parameters"]["ok"],
                      "parity": [(p["id"], p["relError"]) for p in doc["parity"]],
                      "firstLoss": [(c["id"], c["diff"]) for c in doc["firstLoss"]]}))
    sys.exit(0 if doc["ok"] else 1)


if __name__ == "__main__":
    main()
