"""Reference solutions for the enhanced-index LP, computed with scipy's HiGHS.

Regenerate (from the repository root):
    python3 packages/optimizer/src/__fixtures__/lp_fixtures.py

Writes lp-fixtures.json beside this file. The model is written here in weight space, independently
of the TypeScript trade-variable model: variables w (weights), t (|w - w0| for the turnover bound)
and one elastic variable per relaxed limit group. The relaxation procedure is the documented one:
find the shortest prefix of the order (maxTurnover, styleBand, industryBand, minConstituentWeight,
maxDeviation) whose elastic version is feasible; minimise the last group's widening, fix it (plus
1e-9 headroom, widenings <= 1e-9 ignored), then the one before, ...; then maximise scores . w.
"""

import json
import os

import numpy as np
import scipy
from scipy.optimize import linprog

ORDER = ["maxTurnover", "styleBand", "industryBand", "minConstituentWeight", "maxDeviation"]
OPTS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10, "presolve": True}


def box(p, d):
    b, w0 = p["benchmark"], p["previous"]
    lo = np.maximum(0.0, b - d)
    hi = b + d
    hi = np.where((p["canBuy"] == 0) & (hi > w0), w0, hi)
    lo = np.where((p["canSell"] == 0) & (lo < w0), w0, lo)
    held = lo > hi
    lo = np.where(held, w0, lo)
    hi = np.where(held, w0, hi)
    return lo, hi, held


def solve(p, lim, elastic, minimise):
    """One LP in weight space. Returns (status, w, e dict)."""
    n = len(p["scores"])
    b, w0 = p["benchmark"], p["previous"]
    styles = np.array(p["styles"]).reshape(-1, n)
    k = int(p["industry"].max()) + 1
    has_turn = lim["maxTurnover"] is not None
    has_floor = lim["minConstituentWeight"] is not None
    lo, hi, held = box(p, lim["maxDeviation"])
    e_dev = "maxDeviation" in elastic
    # variables: w (n) | t (n if turnover) | elastic (len(elastic))
    nt = n if has_turn else 0
    ne = len(elastic)
    nv = n + nt + ne
    col_e = {g: n + nt + j for j, g in enumerate(elastic)}
    bounds = []
    for i in range(n):
        if e_dev and not held[i]:
            l = p["previous"][i] if p["canSell"][i] == 0 else 0.0
            h = p["previous"][i] if p["canBuy"][i] == 0 else None
            bounds.append((l, h))
        else:
            bounds.append((lo[i], hi[i]))
    bounds += [(0, None)] * nt + [(0, None)] * ne
    A, ub = [], []

    def row(coefs_w, rhs, group=None, sign=-1.0, t=None):
        r = np.zeros(nv)
        r[:n] = coefs_w
        if t is not None:
            r[n:n + nt] = t
        if group in col_e:
            r[col_e[group]] = sign
        A.append(r)
        ub.append(rhs)

    for j in range(k):
        m = (p["industry"] == j).astype(float)
        bk = float(m @ b)
        row(m, lim["industryBand"] + bk, "industryBand")
        row(-m, lim["industryBand"] - bk, "industryBand")
    for s in range(styles.shape[0]):
        x = styles[s]
        bx = float(x @ b)
        row(x, lim["styleBand"] + bx, "styleBand")
        row(-x, lim["styleBand"] - bx, "styleBand")
    if has_floor:
        row(-p["constituent"].astype(float), -lim["minConstituentWeight"], "minConstituentWeight")
    if has_turn:
        for i in range(n):
            e = np.zeros(n)
            e[i] = 1.0
            ti = np.zeros(nt)
            ti[i] = -1.0
            row(e, w0[i], t=ti)
            row(-e, -w0[i], t=ti)
        row(np.zeros(n), lim["maxTurnover"], "maxTurnover", t=np.ones(nt))
    if e_dev:
        for i in range(n):
            if held[i]:
                continue
            e = np.zeros(n)
            e[i] = 1.0
            row(e, b[i] + lim["maxDeviation"], "maxDeviation")
            row(-e, -(b[i] - lim["maxDeviation"]), "maxDeviation")
    A_eq = np.zeros((1, nv))
    A_eq[0, :n] = 1.0
    c = np.zeros(nv)
    if minimise is None:
        c[:n] = -p["scores"]
    else:
        c[col_e[minimise]] = 1.0
    res = linprog(c, A_ub=np.array(A), b_ub=np.array(ub), A_eq=A_eq, b_eq=[1.0], bounds=bounds,
                  method="highs", options=OPTS)
    if res.status == 2:
        return "infeasible", None, None
    assert res.status == 0, res.message
    e = {g: float(res.x[col_e[g]]) for g in elastic}
    return "optimal", res.x[:n], e


def optimise(p, relax=True):
    lim = dict(p["limits"])
    lim.setdefault("minConstituentWeight", None)
    lim.setdefault("maxTurnover", None)
    if p["previous"].sum() == 0:
        lim["maxTurnover"] = None
    status, w, _ = solve(p, lim, [], None)
    relaxed = []
    if status == "infeasible" and relax:
        order = [g for g in ORDER if not (g == "maxTurnover" and lim["maxTurnover"] is None)
                 and not (g == "minConstituentWeight" and lim["minConstituentWeight"] is None)]
        for m in range(1, len(order) + 1):
            prefix = order[:m]
            st, _, e = solve(p, lim, prefix, prefix[-1])
            if st != "optimal":
                continue
            for j in range(m - 1, -1, -1):
                g = prefix[j]
                if j < m - 1:
                    st, _, e = solve(p, lim, prefix[:j + 1], g)
                    assert st == "optimal"
                widen = e[g] + 1e-9 if e[g] > 1e-9 else 0.0
                if widen > 0:
                    relaxed.insert(0, g)
                    if g == "minConstituentWeight":
                        lim[g] = max(0.0, lim[g] - widen)
                    else:
                        lim[g] = lim[g] + widen
            break
        status, w, _ = solve(p, lim, [], None)
    _, _, held = box(p, lim["maxDeviation"])
    if held.any():
        relaxed.insert(0, "untradableBand")
    out = {"status": status if status != "optimal" or not relaxed else "relaxed",
           "relaxed": relaxed, "limits": lim, "held": [int(i) for i in np.nonzero(held)[0]]}
    if status == "optimal":
        out["weights"] = [float(v) for v in w]
        out["objective"] = float(p["scores"] @ w)
        out["turnover"] = float(np.abs(w - p["previous"]).sum())
    return out


def make(n, nc, k, ns, seed, previous="drift", untradable=0.0, limits=None, integer_scores=False):
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 2, n).astype(float) if integer_scores else rng.normal(size=n)
    constituent = np.zeros(n, dtype=np.int64)
    constituent[:nc] = 1
    b = np.zeros(n)
    b[:nc] = np.exp(0.5 * rng.normal(size=nc))
    b /= b.sum()
    industry = rng.integers(0, k, n)
    industry[:k] = np.arange(k)  # every industry present
    styles = rng.normal(size=(ns, n))
    if previous == "cash":
        w0 = np.zeros(n)
    else:
        off = np.zeros(n)
        if nc < n:
            picks = rng.choice(np.arange(nc, n), size=min(n - nc, max(1, n // 10)), replace=False)
            off[picks] = 0.1 / len(picks)
        w0 = ((0.9 if nc < n else 1.0) * b + off) * np.exp(0.1 * rng.normal(size=n))
        w0 /= w0.sum()
    can_buy = (rng.random(n) >= untradable).astype(np.int64)
    can_sell = (rng.random(n) >= untradable).astype(np.int64)
    lim = {"maxDeviation": 0.008, "industryBand": 0.02, "styleBand": 0.3, "minConstituentWeight": 0.8,
           "maxTurnover": 0.3}
    lim.update(limits or {})
    lim = {key: v for key, v in lim.items() if v is not None}
    return {"scores": scores, "benchmark": b, "previous": w0, "constituent": constituent, "industry": industry,
            "styles": styles, "canBuy": can_buy, "canSell": can_sell, "limits": lim}


def cases():
    out = {}
    out["small"] = make(12, 9, 3, 2, 1, limits={"maxDeviation": 0.05, "styleBand": 0.1, "maxTurnover": 0.4})
    out["small-cash"] = make(12, 9, 3, 2, 2, previous="cash", untradable=0.15,
                             limits={"maxDeviation": 0.05, "styleBand": 0.1})
    out["medium"] = make(400, 300, 30, 10, 3)
    out["medium-nofloor"] = make(400, 300, 30, 10, 4, limits={"minConstituentWeight": None})
    out["degenerate"] = make(40, 30, 4, 2, 5, integer_scores=True,
                             limits={"maxDeviation": 0.03, "maxTurnover": None})
    out["tradability"] = make(60, 45, 5, 3, 6, untradable=0.2, limits={"maxDeviation": 0.02, "maxTurnover": 0.5})
    # Held stock: cannot be sold and sits above its band.
    t = make(30, 25, 3, 2, 7, limits={"maxDeviation": 0.02, "maxTurnover": None})
    t["canSell"][0] = 0
    t["previous"][0] += 0.05
    t["previous"] /= t["previous"].sum()
    out["tradability-held"] = t
    # Infeasible at 30% turnover: start far from the benchmark (heavy off-index holdings).
    f = make(50, 35, 4, 3, 8, limits={"maxDeviation": 0.02})
    f["previous"] = np.zeros(50)
    f["previous"][35:] = 1.0 / 15
    out["infeasible-turnover"] = f
    # Infeasible style band: an unsellable stock with a huge exposure, held above its band.
    s = make(20, 20, 2, 1, 9, limits={"maxDeviation": 0.03, "maxTurnover": None, "styleBand": 0.05})
    s["styles"][0][0] = 12.0
    s["canSell"][0] = 0
    s["previous"] = s["benchmark"].copy()
    s["previous"][0] += 0.05
    s["previous"] /= s["previous"].sum()
    out["infeasible-style"] = s
    # Infeasible floor: half the portfolio in unsellable non-constituents.
    fl = make(30, 20, 2, 1, 10, limits={"maxDeviation": 0.06, "maxTurnover": None, "styleBand": 5.0,
                                          "industryBand": 1.0})
    fl["previous"] = np.zeros(30)
    fl["previous"][20:] = 0.05
    fl["previous"][:20] = 0.5 * fl["benchmark"][:20]
    fl["canSell"][20:] = 0
    out["infeasible-floor"] = fl
    return out


def to_json(p):
    return {"scores": p["scores"].tolist(), "benchmark": p["benchmark"].tolist(), "previous": p["previous"].tolist(),
            "constituent": p["constituent"].tolist(), "industry": p["industry"].tolist(),
            "styles": np.array(p["styles"]).tolist(), "canBuy": p["canBuy"].tolist(),
            "canSell": p["canSell"].tolist(), "limits": p["limits"]}


def main():
    fixtures = []
    for name, p in cases().items():
        ref = optimise(p)
        norelax = optimise(p, relax=False)
        fixtures.append({"name": name, "problem": to_json(p), "reference": ref,
                         "referenceNoRelax": {"status": norelax["status"]}})
        print(name, ref["status"], ref["relaxed"], ref.get("objective"))
    doc = {"generator": "lp_fixtures.py", "scipy": scipy.__version__, "numpy": np.__version__,
           "method": "linprog(method='highs')", "fixtures": fixtures}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lp-fixtures.json")
    with open(path, "w") as fh:
        json.dump(doc, fh)
        fh.write("\n")


if __name__ == "__main__":
    main()
