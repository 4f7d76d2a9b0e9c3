"""Independent reference for equal-volume bars (numpy), written from the study's definition.

Run from this folder: python3 make_reference.py  -> reference.json

Rule: C = cumsum(volume) over one stock-day; k_m = floor(C_m / V); a bar closes at minute m when
k_m > k_{m-1} (k_{-1} = 0); it spans the minutes after the previous close through m. Minutes
after the last close form a partial bar. Computed here with vectorised numpy (cumsum, diff,
split) rather than the TypeScript loop, so the two implementations share no code.
"""
import json

import numpy as np

rng = np.random.default_rng(20240101)
cases = []
for case in range(12):
    n = int(rng.integers(1, 60))
    # volumes in lots of 100 shares; many zero minutes and a few huge ones
    lots = rng.poisson(rng.uniform(0.5, 8), size=n)
    lots[rng.random(n) < 0.2] = 0
    big = rng.random(n) < 0.08
    lots[big] += rng.integers(20, 60, size=int(big.sum()))
    volume = (lots * 100).astype(np.float64)
    price = np.round(10 + np.cumsum(rng.normal(0, 0.02, size=n)), 2)
    openp = np.round(price + rng.normal(0, 0.01, size=n), 2)
    close = np.round(price + rng.normal(0, 0.01, size=n), 2)
    high = np.maximum(openp, close) + np.round(rng.uniform(0, 0.05, size=n), 2)
    low = np.minimum(openp, close) - np.round(rng.uniform(0, 0.05, size=n), 2)
    amount = np.round(volume * (openp + close) / 2, 2)
    total = volume.sum()
    # bar size: anything from a tenth of the day to more than the whole day
    V = float(max(total, 100.0) * rng.choice([0.07, 0.1, 0.25, 0.5, 1.5]))
    if case == 0:
        V = 300.0
    cum = np.cumsum(volume)
    k = np.floor(cum / V)
    prev = np.concatenate([[0.0], k[:-1]])
    closes = np.nonzero(k > prev)[0]
    bounds = [0] + [int(c) + 1 for c in closes]
    spans = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]
    partial = bounds[-1] < n
    if partial:
        spans.append((bounds[-1], n))
    bars = []
    for s, e in spans:
        v = float(volume[s:e].sum())
        a = float(amount[s:e].sum())
        bars.append({
            "first": s, "minutes": e - s,
            "open": float(openp[s]), "high": float(high[s:e].max()), "low": float(low[s:e].min()),
            "close": float(close[e - 1]), "volume": v, "amount": a,
            "vwap": a / v if v > 0 else None,
            "id": int(np.floor((cum[s - 1] if s > 0 else 0.0) / V)),
        })
    cases.append({
        "barVolume": V,
        "minutes": {"open": openp.tolist(), "high": high.tolist(), "low": low.tolist(),
                    "close": close.tolist(), "volume": volume.tolist(), "amount": amount.tolist()},
        "bars": bars, "lastPartial": bool(partial),
    })

with open("reference.json", "w") as f:
    json.dump({"generator": "make_reference.py (numpy %s)" % np.__version__, "cases": cases}, f)
