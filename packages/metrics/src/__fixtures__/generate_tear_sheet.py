#!/usr/bin/env python3
"""Reference values for @hfq/metrics' alignFactor / tear-sheet statistics, computed with numpy/scipy.

Regenerate from the repository root:
    python3 packages/metrics/src/__fixtures__/generate_tear_sheet.py

Writes tear-sheet.json beside this script ("NaN"/"Infinity" strings for non-finite numbers).
Written from alphalens' definitions (utils.get_clean_factor_and_forward_returns, quantize_factor
with pandas qcut/cut, performance.py, tears.py / plotting.plot_information_table), re-expressed
with plain loops, numpy and scipy (no pandas, no alphalens, not from the TypeScript).
"""
import json
import math
import os

import numpy as np
from scipy import stats

from fixture_json import enc

rng = np.random.default_rng(20261207)
NAN = float("nan")


# ---------------------------------------------------------------- market
n_price_dates, n_assets, n_factor_dates = 40, 12, 34
days = []
d = np.datetime64("2024-01-02")
while len(days) < n_price_dates:
    if d.astype("datetime64[D]").item().weekday() < 5:
        days.append(int(str(d).replace("-", "")))
    d += np.timedelta64(1, "D")
assets = [f"6000{i:02d}.SH" for i in range(n_assets)]
price_assets = assets[:-1] + ["600999.SH"]  # the factor's last asset has no price
close = 10 * np.exp(np.cumsum(rng.normal(0.0005, 0.02, (n_price_dates, n_assets)), axis=0))
close[5, 3] = NAN  # a missing price: forward returns through it are missing
close[20:23, 7] = NAN
factor = rng.normal(0, 1, (n_factor_dates, n_assets)) + 0.3 * np.log(close[:n_factor_dates])
factor[2, 4] = NAN
factor[9, :6] = NAN
factor[11, 1] = math.inf  # dropped as non-finite
factor[13, :] = np.repeat([0.5, 1.0], 6)  # ties: quantile edges repeat, the date fails qcut
factor[15, 2] = factor[15, 3]  # a tie that still bins
factor_dates = days[:n_factor_dates]
groups = {a: "ABC"[i % 3] for i, a in enumerate(assets[:-2])}  # assets[-2] has no group
periods = [1, 3, 5]
QUANT = 4


# ---------------------------------------------------------------- alphalens steps
def forward_returns(p):
    out = np.full((n_factor_dates, n_assets), NAN)
    for t in range(n_factor_dates):
        if t + p >= n_price_dates:
            continue
        for a in range(n_assets):
            out[t, a] = close[t + p, a] / close[t, a] - 1
    return out


def numpy_quantile_edges(x, qs):
    return [float(np.quantile(np.sort(x), q)) for q in qs]


def cut_labels(x, edges, include_lowest):
    # pandas cut(right=True): (e[i], e[i+1]], searchsorted side='left'; 0 = NaN
    edges = np.asarray(edges, float)
    out = []
    for v in x:
        i = int(np.searchsorted(edges, v, side="left"))
        if include_lowest and v == edges[0]:
            i = 1
        out.append(0 if i == 0 or i == len(edges) else i)
    return out


def qcut(x, q):
    if len(x) == 0:
        return None
    qs = np.linspace(0, 1, q + 1) if isinstance(q, int) else np.asarray(q, float)
    edges = numpy_quantile_edges(np.asarray(x, float), qs)
    if len(np.unique(edges)) < len(edges):
        return None  # "Bin edges must be unique"
    return cut_labels(x, edges, True)


def cut(x, b):
    if len(x) == 0:
        return None
    x = np.asarray(x, float)
    if not isinstance(b, int):
        return cut_labels(x, b, False)
    mn, mx = float(x.min()), float(x.max())
    if mn == mx:
        mn -= 0.001 * abs(mn) if mn != 0 else 0.001
        mx += 0.001 * abs(mx) if mx != 0 else 0.001
        edges = np.linspace(mn, mx, b + 1)
    else:
        edges = np.linspace(mn, mx, b + 1)
        edges[0] -= (mx - mn) * 0.001
    return cut_labels(x, edges, False)


def quantize(x, quantiles=None, bins=None, zero_aware=False):
    """alphalens quantile_calc for one date; None when the date fails."""
    x = list(x)
    f = (lambda v, n: qcut(v, n)) if quantiles is not None else (lambda v, n: cut(v, n))
    n = quantiles if quantiles is not None else bins
    if not zero_aware:
        return f(x, n)
    h = n // 2
    pos_i = [i for i, v in enumerate(x) if v >= 0]
    neg_i = [i for i, v in enumerate(x) if v < 0]
    pos = f([x[i] for i in pos_i], h)
    neg = f([x[i] for i in neg_i], h)
    if pos is None or neg is None:
        return None
    out = [0] * len(x)
    for k, i in enumerate(pos_i):
        out[i] = pos[k] + h if pos[k] else 0
    for k, i in enumerate(neg_i):
        out[i] = neg[k]
    return out


def align(quant_kw, use_groups=True):
    fwd = [forward_returns(p) for p in periods]
    rows = []
    loss = dict(factorRows=0, emptyCells=0, nonFiniteFactor=0, missingForwardReturn=0, missingGroup=0)
    for t in range(n_factor_dates):
        for a in range(n_assets):
            x = factor[t, a]
            if math.isnan(x):
                loss["emptyCells"] += 1
                continue
            loss["factorRows"] += 1
            if not math.isfinite(x):
                loss["nonFiniteFactor"] += 1
                continue
            if assets[a] not in price_assets:
                loss["missingForwardReturn"] += 1
                continue
            pa = price_assets.index(assets[a])
            r = [fwd[i][t, pa] for i in range(len(periods))]
            if any(math.isnan(v) for v in r):
                loss["missingForwardReturn"] += 1
                continue
            if use_groups and assets[a] not in groups:
                loss["missingGroup"] += 1
                continue
            rows.append(dict(t=t, a=a, x=x, r=r, g=groups.get(assets[a])))
    kept = []
    for t in range(n_factor_dates):
        day = [r for r in rows if r["t"] == t]
        if not day:
            continue
        labels = quantize([r["x"] for r in day], **quant_kw)
        if labels is None:
            continue
        for r, q in zip(day, labels):
            if q:
                kept.append(dict(r, q=q))
    loss["binning"] = len(rows) - len(kept)
    loss["kept"] = len(kept)
    n0 = loss["factorRows"]
    loss["forwardReturnLoss"] = (n0 - len(rows)) / n0
    loss["binningLoss"] = loss["binning"] / n0
    loss["totalLoss"] = (n0 - len(kept)) / n0
    return kept, loss


def by_date(rows):
    ts = sorted({r["t"] for r in rows})
    return ts, [[r for r in rows if r["t"] == t] for t in ts]


def spearman(x, y):
    if len(x) < 2 or np.all(np.asarray(x) == x[0]) or np.all(np.asarray(y) == y[0]):
        return NAN
    return float(stats.spearmanr(x, y).statistic)


def ic_stats(s):
    s = np.asarray([v for v in s if math.isfinite(v)])
    tt = stats.ttest_1samp(s, 0)
    return dict(
        mean=float(s.mean()), std=float(s.std(ddof=1)), ir=float(s.mean() / s.std(ddof=1)),
        tStat=float(tt.statistic), pValue=float(tt.pvalue),
        skew=float(stats.skew(s)), kurtosis=float(stats.kurtosis(s)), count=len(s),
    )


def main():
    rows, loss = align(dict(quantiles=QUANT))
    ts, days_rows = by_date(rows)
    nd = len(ts)
    out = dict(
        dates=factor_dates, priceDates=days, assets=assets, priceAssets=price_assets,
        close=close.flatten(), factor=factor.flatten(), groups=groups, periods=periods, quantiles=QUANT,
        loss=loss, alignedDates=[factor_dates[t] for t in ts], rowCount=len(rows),
        rows=dict(asset=[assets[r["a"]] for r in rows], factor=[r["x"] for r in rows],
                  quantile=[r["q"] for r in rows], forward=[[r["r"][i] for r in rows] for i in range(3)]),
    )
    # IC per date and its table
    ics = [[spearman([r["x"] for r in day], [r["r"][i] for r in day]) for day in days_rows] for i in range(3)]
    out["ic"] = ics
    out["icStats"] = [ic_stats(s) for s in ics]
    # IC by group: per date and group spearman, mean over dates
    gnames = sorted(set(groups.values()))
    out["groupNames"] = gnames
    out["icByGroup"] = [[float(np.nanmean([spearman([r["x"] for r in day if r["g"] == g], [r["r"][i] for r in day if r["g"] == g]) for day in days_rows])) for g in gnames] for i in range(3)]
    # demeaned forward returns
    dm = [[[r["r"][i] - np.mean([s["r"][i] for s in day]) for r in day] for day in days_rows] for i in range(3)]
    qmean, qse, bdm, bds = [], [], [], []
    for i in range(3):
        per_date = np.full((QUANT, nd), NAN)
        per_date_se = np.full((QUANT, nd), NAN)
        for d, day in enumerate(days_rows):
            for q in range(1, QUANT + 1):
                v = [dm[i][d][k] for k, r in enumerate(day) if r["q"] == q]
                if v:
                    per_date[q - 1, d] = np.mean(v)
                if len(v) > 1:
                    per_date_se[q - 1, d] = np.std(v, ddof=1) / math.sqrt(len(v))
        bdm.append(per_date.flatten())
        bds.append(per_date_se.flatten())
        m, se = [], []
        for q in range(QUANT):
            v = per_date[q][np.isfinite(per_date[q])]
            m.append(float(v.mean()) if len(v) else NAN)
            se.append(float(v.std(ddof=1) / math.sqrt(len(v))) if len(v) > 1 else NAN)
        qmean.append(m)
        qse.append(se)
    out["quantileMean"], out["quantileStdErr"] = qmean, qse
    out["quantileMeanByDate"], out["quantileStdErrByDate"] = bdm, bds
    # factor weights, factor returns, alpha/beta
    w = []
    for day in days_rows:
        x = np.array([r["x"] for r in day])
        x = x - x.mean()
        w.append(x / np.abs(x).sum())
    fr = [[float(np.sum(w[d] * np.array([r["r"][i] for r in day]))) for d, day in enumerate(days_rows)] for i in range(3)]
    out["weights"] = np.concatenate(w)
    out["factorReturns"] = fr
    ab = []
    for i, p in enumerate(periods):
        x = np.array([np.mean([r["r"][i] for r in day]) for day in days_rows])
        y = np.array(fr[i])
        A = np.column_stack([np.ones(nd), x])
        alpha, beta = np.linalg.lstsq(A, y, rcond=None)[0]
        ab.append(dict(alpha=float(alpha), beta=float(beta), annualAlpha=float((1 + alpha) ** (252 / p) - 1)))
    out["alphaBeta"] = ab
    # turnover per quantile and period
    turn = []
    for p in periods:
        per_q = []
        for q in range(1, QUANT + 1):
            sets = [(d, {r["a"] for r in day if r["q"] == q}) for d, day in enumerate(days_rows)]
            sets = [s for s in sets if s[1]]
            o = [NAN] * nd
            for k in range(p, len(sets)):
                d, now = sets[k]
                o[d] = len(now - sets[k - p][1]) / len(now)
            per_q.append(o)
        turn.append(per_q)
    out["turnover"] = turn
    # rank autocorrelation
    ranks = np.full((nd, n_assets), NAN)
    for d, day in enumerate(days_rows):
        rk = stats.rankdata([r["x"] for r in day])
        for r, v in zip(day, rk):
            ranks[d, r["a"]] = v
    ac = []
    for p in periods:
        o = [NAN] * nd
        for d in range(p, nd):
            keep = np.isfinite(ranks[d]) & np.isfinite(ranks[d - p])
            if keep.sum() >= 2:
                o[d] = float(stats.pearsonr(ranks[d][keep], ranks[d - p][keep]).statistic)
        ac.append(o)
    out["autocorrelation"] = ac
    # cumulative growth of the first horizon (period 1)
    out["cumLongShort"] = np.cumprod(1 + np.array(fr[0]))
    # monthly mean IC of horizon 1
    months = sorted({factor_dates[t] // 100 for t in ts})
    out["months"] = months
    out["monthlyIc"] = [float(np.nanmean([ics[0][d] for d, t in enumerate(ts) if factor_dates[t] // 100 == m])) for m in months]
    # Q-Q of horizon 1
    s = np.array([v for v in ics[0] if math.isfinite(v)])
    z = np.sort((s - s.mean()) / s.std())
    out["qq"] = dict(sample=z, theoretical=stats.norm.ppf(np.arange(1, len(s) + 1) / (len(s) + 1)))
    # other binnings: labels per row over the same rows (no groups so the row set differs)
    variants = {
        "bins4": dict(bins=4),
        "zeroAwareQ4": dict(quantiles=4, zero_aware=True),
        "zeroAwareB4": dict(bins=4, zero_aware=True),
        "quantileEdges": dict(quantiles=[0, 0.1, 0.5, 0.9, 1]),
        "binEdges": dict(bins=[-2.0, -0.5, 0.0, 0.5, 2.0]),
    }
    out["variants"] = {}
    for name, kw in variants.items():
        vrows, vloss = align(kw, use_groups=False)
        out["variants"][name] = dict(loss=vloss, quantile=[r["q"] for r in vrows], asset=[assets[r["a"]] for r in vrows],
                                     date=[factor_dates[r["t"]] for r in vrows])
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "tear-sheet.json"), "w") as fh:
        json.dump(enc(out), fh)


main()
