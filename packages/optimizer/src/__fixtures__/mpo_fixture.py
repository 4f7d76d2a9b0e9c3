"""Reference plan for the multi-period enhanced-index LP, computed with scipy's HiGHS.

Regenerate (from the repository root):
    python3 packages/optimizer/src/__fixtures__/mpo_fixture.py

Writes mpo-fixture.json beside this file. Written independently of the TypeScript model (weight,
buy and sell columns with link rows): here the variables are the weights w_h and t_h >= |w_h - w_{h-1}|
per step, and the cost of a step is (cb + cs) / 2 * sum t_h + (cb - cs) / 2 * sum (w_h - w_{h-1})
(buy = (|d| + d) / 2, sell = (|d| - d) / 2). Maximise sum_h path_h . (w_h - b) - cost_h subject to
the single-period limits at every step; the first step's box is cut by tradability.
"""

import json
import os

import numpy as np
from scipy.optimize import linprog

rng = np.random.default_rng(20261207)
n, k, ns, h = 12, 3, 2, 3
constituent = np.array([1] * 8 + [0] * 4)
bench = np.where(constituent == 1, rng.uniform(0.5, 1.5, n), 0.0)
bench /= bench.sum()
industry = np.array([i % k for i in range(n)])
styles = rng.normal(size=(ns, n))
prev = np.where(constituent == 1, bench * rng.uniform(0.8, 1.2, n), 0.0)
prev[9] = 0.05
prev /= prev.sum()
can_buy = np.ones(n, dtype=int)
can_sell = np.ones(n, dtype=int)
can_buy[2] = 0
can_sell[5] = 0
path = 0.02 * rng.normal(size=(h, n))
lim = dict(maxDeviation=0.05, industryBand=0.03, styleBand=0.1, minConstituentWeight=0.8, maxTurnover=0.2)
cb, cs = 0.003, 0.004

d = lim["maxDeviation"]
lo1 = np.maximum(0, bench - d)
hi1 = bench + d
hi1 = np.where((can_buy == 0) & (hi1 > prev), prev, hi1)
lo1 = np.where((can_sell == 0) & (lo1 < prev), prev, lo1)
assert np.all(lo1 <= hi1), "the fixture must not hold stocks"
lo = np.maximum(0, bench - d)
hi = bench + d

# variables: per step [w (n), t (n)]
nv = 2 * n * h
W = lambda s: slice(2 * n * s, 2 * n * s + n)  # noqa: E731
T = lambda s: slice(2 * n * s + n, 2 * n * s + 2 * n)  # noqa: E731
c = np.zeros(nv)
const = 0.0
for s in range(h):
    c[W(s)] -= path[s]
    const += path[s] @ bench
    c[T(s)] += (cb + cs) / 2
    c[W(s)] += (cb - cs) / 2
    if s > 0:
        c[W(s - 1)] -= (cb - cs) / 2
    else:
        const += (cb - cs) / 2 * -prev.sum()
A_ub, b_ub, A_eq, b_eq = [], [], [], []
for s in range(h):
    row = np.zeros(nv)
    row[W(s)] = 1
    A_eq.append(row)
    b_eq.append(1.0)
    for i in range(n):  # t >= +-(w_h - w_{h-1})
        for sign in (1, -1):
            row = np.zeros(nv)
            row[W(s).start + i] = sign
            row[T(s).start + i] = -1
            if s > 0:
                row[W(s - 1).start + i] = -sign
                b_ub.append(0.0)
            else:
                b_ub.append(sign * prev[i])
            A_ub.append(row)
    for j in range(k):
        m = (industry == j).astype(float)
        for sign in (1, -1):
            row = np.zeros(nv)
            row[W(s)] = sign * m
            A_ub.append(row)
            b_ub.append(lim["industryBand"] + sign * (m @ bench))
    for j in range(ns):
        for sign in (1, -1):
            row = np.zeros(nv)
            row[W(s)] = sign * styles[j]
            A_ub.append(row)
            b_ub.append(lim["styleBand"] + sign * (styles[j] @ bench))
    row = np.zeros(nv)
    row[W(s)] = -constituent
    A_ub.append(row)
    b_ub.append(-lim["minConstituentWeight"])
    row = np.zeros(nv)
    row[T(s)] = 1
    A_ub.append(row)
    b_ub.append(lim["maxTurnover"])
bounds = []
for s in range(h):
    bounds += [(lo1[i], hi1[i]) if s == 0 else (lo[i], hi[i]) for i in range(n)] + [(0, None)] * n
res = linprog(c, A_ub=np.array(A_ub), b_ub=b_ub, A_eq=np.array(A_eq), b_eq=b_eq, bounds=bounds,
              method="highs", options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
assert res.status == 0, res.message
plan = [res.x[W(s)].tolist() for s in range(h)]
doc = {
    "generator": "mpo_fixture.py (scipy linprog highs)",
    "problem": {
        "path": path.tolist(),
        "benchmark": bench.tolist(),
        "previous": prev.tolist(),
        "constituent": constituent.tolist(),
        "industry": industry.tolist(),
        "styles": styles.tolist(),
        "canBuy": can_buy.tolist(),
        "canSell": can_sell.tolist(),
        "limits": lim,
        "costs": {"buy": cb, "sell": cs},
    },
    "reference": {"objective": -(res.fun + const), "plan": plan},
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "mpo-fixture.json"), "w") as f:
    json.dump(doc, f)
print("objective", doc["reference"]["objective"], "turnover", [float(np.abs(np.array(plan[s]) - (prev if s == 0 else np.array(plan[s - 1]))).sum()) for s in range(h)])
