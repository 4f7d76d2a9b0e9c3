"""Independent reference for StockDataset (numpy): regenerate with
    python3 packages/models/src/__fixtures__/dataset_fixture.py
Writes dataset_fixture.json beside this file.

Data: 5 assets x 8 days x 2 factors with some NaN; close prices and an adjustment factor with a
split on day 5 for asset A2. Rules checked: per-day/per-factor z-score across assets with a value
(population std), clip 5, NaN -> 0 after standardisation, a stock dropped when more than 50% of
its window x factors values are NaN, labels from adjusted close (total: entry lag 1, horizon 2,
close T+1 -> close T+3; daily sequence: sequence lag 1, the returns of days T+1 and T+2, and with
sequence lag 2 those of days T+2 and T+3), labels z-scored across the cross-section's stocks that
have one.
"""
import json
import math
import os

import numpy as np

A, D, F = 5, 8, 2
dates = [20240102, 20240103, 20240104, 20240105, 20240108, 20240109, 20240110, 20240111]
assets = [f"A{i}" for i in range(A)]
cube = np.zeros((D, A, F))
for t in range(D):
    for a in range(A):
        cube[t, a, 0] = math.sin(1.3 * t + 0.7 * a) + 0.1 * a
        cube[t, a, 1] = (t * 7 + a * 3) % 5 - 2.0 + 0.01 * t * a
nan_cells = [(1, 0, 0), (2, 0, 1), (2, 0, 0), (3, 0, 0), (3, 0, 1), (2, 3, 1), (3, 4, 0)]
for t, a, f in nan_cells:
    cube[t, a, f] = np.nan
close = np.array([[10 + t * 0.3 + a * 1.1 + 0.2 * math.cos(t + a) for a in range(A)] for t in range(D)])
adj = np.ones((D, A))
adj[5:, 2] = 2.0
close[5:, 2] /= 2.0  # the split halves the raw price; adjusted price stays continuous
close[6, 1] = np.nan  # a missing price

L, ENTRY, H, CLIP, MAXMISS = 3, 1, 2, 5.0, 0.5
SEQ_LAG = 1  # the study's: day T+1's return (close T -> close T+1) first
t = 3  # the cross-section checked


def zscore_day(v):
    ok = ~np.isnan(v)
    m = v[ok].mean()
    sd = v[ok].std()
    z = (v - m) / sd if sd > 0 else np.zeros_like(v)
    z = np.clip(z, -CLIP, CLIP)
    return np.where(np.isnan(z), 0.0, z)


std = np.stack([np.stack([zscore_day(cube[d, :, f]) for f in range(F)], axis=1) for d in range(D)])  # D x A x F
rows = []
for a in range(A):
    w = cube[t - L + 1 : t + 1, a, :]
    if np.isnan(w).sum() <= MAXMISS * L * F:
        rows.append(a)
x = np.stack([std[t - L + 1 : t + 1, a, :] for a in rows])  # n x L x F

adjc = close * adj
total = adjc[t + ENTRY + H] / adjc[t + ENTRY] - 1


def daily_returns(lag):
    # return of day t+lag+k-1 (close t+lag+k-2 -> close t+lag+k-1), k = 1..H
    return np.stack([adjc[t + lag + k - 1] / adjc[t + lag + k - 2] - 1 for k in range(1, H + 1)], axis=1)


daily = daily_returns(SEQ_LAG)
daily_lag2 = daily_returns(2)


def zlab(v):
    ok = ~np.isnan(v)
    out = np.full_like(v, np.nan)
    sd = v[ok].std()
    out[ok] = np.clip((v[ok] - v[ok].mean()) / sd, -CLIP, CLIP)
    return out


raw_y = total[rows]
y = zlab(raw_y)
seq = np.stack([zlab(daily[rows, k]) for k in range(H)], axis=1)
seq_lag2 = np.stack([zlab(daily_lag2[rows, k]) for k in range(H)], axis=1)


def clean(a):
    return [None if (isinstance(v, float) and math.isnan(v)) else v for v in np.asarray(a, dtype=float).ravel().tolist()]


out = {
    "dates": dates,
    "assets": assets,
    "factors": ["f0", "f1"],
    "cube": clean(cube),  # D x A x F row-major
    "close": clean(close),  # D x A
    "adj": clean(adj),
    "window": L,
    "horizon": H,
    "t": t,
    "rows": rows,
    "x": clean(x),
    "rawY": clean(raw_y),
    "y": clean(y),
    "seq": clean(seq),
    "seqLag2": clean(seq_lag2),
    # the later end of the total label (T+ENTRY+H) and the sequence (T+lag+H-1)
    "labelEndDate": dates[max(t + ENTRY + H, t + SEQ_LAG + H - 1)],
    "labelEndDateSeqLag5": dates[max(t + ENTRY + H, t + 5 + H - 1)] if t + 5 + H - 1 < D else None,
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "dataset_fixture.json"), "w") as fh:
    json.dump(out, fh, indent=1)
print("rows", rows, "y", y)
