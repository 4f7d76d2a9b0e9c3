"""Reference values for calibrate-path.test.ts, written independently with numpy.

A tiny market (7 stocks x 46 trading days) with an adjustment-factor jump, a 4-day predicted
path on score dates every 3 days (so the days of one date become known on different dates) (some scores and prices missing), label timing entryLag 1. For each
score date T and day k (1-based) the slope pools every earlier score date t with
idx(t) + entryLag + k <= idx(T): per date, the pairs (score, realised return of close
t+lag+k-1 -> t+lag+k, adjusted) with both finite, demeaned per date; slope = sum(dx*dy)/sum(dx^2),
used when at least min_dates dates (with >= 2 pairs) were pooled. The calibrated value is
slope * (score - mean of the finite scores at T).

Run: python3 calibrate_path_fixture.py > calibrate_path_fixture.json
"""
import datetime
import json

import numpy as np

rng = np.random.default_rng(11)
n_days, n_assets, h, lag, min_dates = 46, 7, 4, 1, 2
dates = [int((datetime.date(2024, 1, 1) + datetime.timedelta(days=i)).strftime("%Y%m%d")) for i in range(n_days)]
assets = [f"S{i}" for i in range(n_assets)]
close = 10 * np.exp(np.cumsum(rng.normal(0, 0.02, (n_days, n_assets)), axis=0))
adj = np.ones((n_days, n_assets))
adj[20:, 2] = 1.5  # a corporate action on stock 2: back-adjusted price = close * adj
close[20:, 2] /= 1.5
close[30, 4] = np.nan  # a missing close
score_idx = list(range(3, n_days, 3))
scores = rng.normal(0, 1, (len(score_idx), h, n_assets))
scores[2, :, 5] = np.nan  # a stock without a score on one date
scores[4, 1, 0] = np.nan

price = close * adj
r1 = np.full((n_days, n_assets), np.nan)
r1[:-1] = price[1:] / price[:-1] - 1  # row u: close u -> close u+1

n_t = len(score_idx)
slopes = np.full((n_t, h), np.nan)
past = np.zeros((n_t, h), dtype=int)
days = np.full((h, n_t, n_assets), np.nan)
for j, now in enumerate(score_idx):
    for k in range(h):
        sxy = sxx = 0.0
        used = 0
        for t in range(j):
            if score_idx[t] + lag + k + 1 > now:
                continue
            x = scores[t, k]
            y = r1[score_idx[t] + lag + k]
            ok = np.isfinite(x) & np.isfinite(y)
            if ok.sum() < 2:
                continue
            dx = x[ok] - x[ok].mean()
            dy = y[ok] - y[ok].mean()
            sxy += float(dx @ dy)
            sxx += float(dx @ dx)
            used += 1
        past[j, k] = used
        if used >= min_dates and sxx > 0:
            b = sxy / sxx
            slopes[j, k] = b
            s = scores[j, k]
            days[k, j] = b * (s - np.nanmean(s))


def clean(a):
    return [None if not np.isfinite(v) else float(v) for v in np.ravel(a)]


print(json.dumps({
    "dates": dates,
    "assets": assets,
    "close": clean(close),
    "adjFactor": clean(adj),
    "scoreDates": [dates[i] for i in score_idx],
    "horizon": h,
    "entryLag": lag,
    "minDates": min_dates,
    "scores": [clean(scores[:, k, :]) for k in range(h)],
    "slopes": clean(slopes),
    "pastDates": [int(v) for v in np.ravel(past)],
    "days": [clean(days[k]) for k in range(h)],
}))
