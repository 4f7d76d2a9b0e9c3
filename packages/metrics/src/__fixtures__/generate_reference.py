#!/usr/bin/env python3
"""Reference values for @hfq/metrics, computed independently with numpy/scipy.

Regenerate from the repository root:
    python3 packages/metrics/src/__fixtures__/generate_reference.py

Writes reference.json beside this script. Non-finite numbers are written as the strings
"NaN", "Infinity", "-Infinity" (JSON has no such literals); the tests decode them.
Every definition here is written from the documented conventions (TSDoc in ../), not from the
TypeScript code: loops and scipy where the TypeScript uses typed-array kernels.
"""
import datetime as dt
import json
import math
import os
import warnings

import numpy as np
from scipy import stats

from fixture_json import enc

warnings.simplefilter("ignore")  # scipy warns on constant input; we return NaN by definition
rng = np.random.default_rng(20240611)
NAN = float("nan")


# ---------------------------------------------------------------- ic / rankIC
def pair_filter(x, y):
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


def ref_pearson(x, y):
    x, y = pair_filter(x, y)
    if len(x) < 2 or np.all(x == x[0]) or np.all(y == y[0]):
        return NAN
    return float(stats.pearsonr(x, y).statistic)


def ref_spearman(x, y):
    x, y = pair_filter(x, y)
    if len(x) < 2 or np.all(x == x[0]) or np.all(y == y[0]):
        return NAN
    return float(stats.spearmanr(x, y).statistic)


def corr_cases():
    cases = []
    n = 50
    x = rng.normal(size=n)
    y = 0.3 * x + rng.normal(size=n)
    cases.append(("random 50", x, y))
    xt = np.round(rng.normal(size=n), 1)  # many ties
    yt = np.round(0.5 * xt + rng.normal(size=n), 0)
    cases.append(("ties both sides", xt, yt))
    xn = x.copy()
    yn = y.copy()
    xn[[1, 5, 9]] = np.nan
    yn[[2, 5, 30]] = np.nan
    yn[40] = np.inf
    xn[41] = -np.inf
    cases.append(("NaN and infinities", xn, yn))
    cases.append(("constant x", np.full(10, 0.1), rng.normal(size=10)))
    cases.append(("constant y after NaN filter", np.arange(6.0), np.array([np.nan, 2, 2, 2, 2, 2.0])))
    cases.append(("empty", np.array([]), np.array([])))
    cases.append(("one pair", np.array([1.0]), np.array([2.0])))
    cases.append(("two pairs", np.array([1.0, 2.0]), np.array([5.0, 3.0])))
    cases.append(("three pairs with tie", np.array([1.0, 1.0, 2.0]), np.array([0.5, 0.7, 0.6])))
    cases.append(("all NaN", np.full(4, np.nan), np.arange(4.0)))
    cases.append(("signed zeros tie", np.array([-0.0, 0.0, 1.0, -1.0, 0.0]), np.array([1.0, 2.0, 3.0, 4.0, 5.0])))
    cases.append(("close values share high word", 1.0 + np.arange(40) * 1e-13 * ((-1) ** np.arange(40)), rng.normal(size=40)))
    cases.append(("large magnitudes", rng.normal(size=30) * 1e12 + 5e12, rng.normal(size=30) * 1e-9))
    cases.append(("negatives close together", -1.0 - np.arange(30)[::-1] * 1e-12, rng.normal(size=30)))
    out = []
    for name, a, b in cases:
        out.append({"name": name, "x": a, "y": b, "pearson": ref_pearson(a, b), "spearman": ref_spearman(a, b)})
    return out


def rank_cases():
    out = []
    for name, a in [
        ("ties", np.array([3.0, 1.0, 3.0, 2.0, 3.0, 1.0])),
        ("NaN omitted", np.array([np.nan, 2.0, -1.0, np.nan, 2.0, np.inf])),
        ("random 200 with ties", np.round(rng.normal(size=200), 1)),
        ("long run sharing the high word", 1.0 + (rng.permutation(100) * 1e-13)),
    ]:
        finite = np.isfinite(a)
        r = np.full(len(a), np.nan)
        r[finite] = stats.rankdata(a[finite], method="average")
        out.append({"name": name, "x": a, "ranks": r})
    return out


# ---------------------------------------------------------------- icSummary
def ref_summary(s):
    v = np.asarray(s, float)
    v = v[np.isfinite(v)]
    n = len(v)
    if n == 0:
        return dict(mean=NAN, std=NAN, ir=NAN, positiveRatio=NAN, tStat=NAN, count=0)
    mean = float(np.mean(v))
    std = float(np.std(v, ddof=1)) if n >= 2 else NAN
    ir = mean / std if (n >= 2 and std > 0) else NAN
    return dict(mean=mean, std=std, ir=ir, positiveRatio=float(np.mean(v > 0)), tStat=ir * math.sqrt(n), count=n)


def summary_cases():
    cases = [
        ("weekly RankIC 400", rng.normal(0.09, 0.1, size=400)),
        ("with NaN", np.array([0.1, np.nan, -0.05, 0.2, np.inf, 0.0, 0.03])),
        ("single", np.array([0.05])),
        ("constant", np.full(5, 0.02)),
        ("empty", np.array([])),
        ("zeros are not positive", np.array([0.0, 0.0, 0.1, -0.1])),
    ]
    return [{"name": n, "series": s, "summary": ref_summary(s)} for n, s in cases]


# ---------------------------------------------------------------- dates
def weekdays(start, end, holidays=()):
    d = start
    out = []
    while d <= end:
        if d.weekday() < 5 and d not in holidays:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def ymd(d):
    return d.year * 10000 + d.month * 100 + d.day


def from_ymd(x):
    return dt.date(x // 10000, (x // 100) % 100, x % 100)


# ---------------------------------------------------------------- icSeries
def ic_series_case():
    fdates = [ymd(d) for d in weekdays(dt.date(2024, 1, 2), dt.date(2024, 1, 19))]  # 14 days
    fassets = [f"A{i:02d}" for i in range(15)]
    F = np.round(rng.normal(size=(len(fdates), len(fassets))), 1)
    F[rng.random(F.shape) < 0.1] = np.nan
    F[3, :] = 0.7  # constant factor -> NaN
    F[4, :] = np.nan  # exactly two pairs (A01, A02; A00 is absent from the forward panel)
    F[4, 1], F[4, 2] = 0.2, -0.3
    F[5, 1:] = np.nan  # one pair -> NaN
    # forward panel: other asset order, one factor asset missing, one extra asset, one date missing, one extra date
    rassets = list(reversed(fassets[1:])) + ["ZZ99"]
    rdates = [d for d in fdates if d != fdates[7]] + [20240122]
    R = rng.normal(size=(len(rdates), len(rassets)))
    R[rng.random(R.shape) < 0.1] = np.nan
    R[:, 3] = np.round(R[:, 3], 0)
    R[4, rassets.index("A01")], R[4, rassets.index("A02")] = 0.01, 0.02
    universe = (rng.random((len(fdates), len(fassets))) < 0.8).astype(float)
    universe[0, 0] = np.nan
    udates = fdates[:-1]  # last factor date missing from the universe -> NaN
    universe = universe[:-1]

    def series(method, min_assets, use_universe):
        out = []
        for t, d in enumerate(fdates):
            if d not in rdates or (use_universe and d not in udates):
                out.append(NAN)
                continue
            tr = rdates.index(d)
            xs, ys = [], []
            for a, aid in enumerate(fassets):
                if aid not in rassets:
                    continue
                x = F[t, a]
                y = R[tr, rassets.index(aid)]
                if not (np.isfinite(x) and np.isfinite(y)):
                    continue
                if use_universe:
                    u = universe[udates.index(d), a]
                    if not np.isfinite(u) or u == 0:
                        continue
                xs.append(x)
                ys.append(y)
            if len(xs) < min_assets:
                out.append(NAN)
            else:
                out.append(ref_spearman(xs, ys) if method == "spearman" else ref_pearson(xs, ys))
        return out

    return {
        "factor": {"dates": fdates, "assets": fassets, "values": F.ravel()},
        "forward": {"dates": rdates, "assets": rassets, "values": R.ravel()},
        "universe": {"dates": udates, "assets": fassets, "values": universe.ravel()},
        "spearman": series("spearman", 2, False),
        "pearson": series("pearson", 2, False),
        "spearmanMin5": series("spearman", 5, False),
        "spearmanUniverse": series("spearman", 2, True),
    }


# ---------------------------------------------------------------- forward / daily returns
def returns_case():
    dates = [ymd(d) for d in weekdays(dt.date(2024, 3, 1), dt.date(2024, 3, 20))]
    nD, nA = len(dates), 4
    close = np.round(10 * np.exp(np.cumsum(rng.normal(0, 0.02, size=(nD, nA)), axis=0)), 2)
    close[3:6, 1] = np.nan  # suspension
    close[:4, 2] = np.nan  # listed later
    close[-1, 3] = np.nan
    adj = np.ones((nD, nA))
    adj[8:, 0] = 1.1  # dividend on day 8
    adj[5:, 1] = 1.25

    def fwd(p, f, t):
        out = np.full((nD, nA), np.nan)
        for i in range(nD - t):
            out[i] = p[i + t] / p[i + f] - 1
        return out

    def daily(p):
        out = np.full((nD, nA), np.nan)
        for a in range(nA):
            last = np.nan
            for i in range(nD):
                if np.isnan(p[i, a]):
                    continue
                out[i, a] = p[i, a] / last - 1 if not np.isnan(last) else np.nan
                last = p[i, a]
        return out

    adjp = close * adj
    return {
        "dates": dates,
        "assets": ["P0", "P1", "P2", "P3"],
        "close": close.ravel(),
        "adjFactor": adj.ravel(),
        "forward": [
            {"from": 1, "to": 6, "raw": fwd(close, 1, 6).ravel(), "adjusted": fwd(adjp, 1, 6).ravel()},
            {"from": 0, "to": 1, "raw": fwd(close, 0, 1).ravel(), "adjusted": fwd(adjp, 0, 1).ravel()},
            {"from": 2, "to": 3, "raw": fwd(close, 2, 3).ravel(), "adjusted": fwd(adjp, 2, 3).ravel()},
        ],
        "daily": {"raw": daily(close).ravel(), "adjusted": daily(adjp).ravel()},
    }


# ---------------------------------------------------------------- portfolioStats
def ref_stats(r, dates, b=None, ppy=252):
    r = np.asarray(r, float)
    dates = np.asarray(dates)
    ok = np.isfinite(r) if b is None else np.isfinite(r) & np.isfinite(b)
    s = int(np.argmax(ok)) if ok.any() else len(r)
    r = r[s:]
    dates = dates[s:]
    b = None if b is None else np.asarray(b, float)[s:]
    n = len(r)
    nav = np.cumprod(1 + r)
    peak = np.maximum.accumulate(np.concatenate([[1.0], nav]))[1:]
    mdd = float(np.max(1 - nav / peak))
    annual = nav[-1] ** (ppy / n) - 1
    vol = float(np.std(r, ddof=1)) * math.sqrt(ppy)
    out = dict(start=int(dates[0]), end=int(dates[-1]), count=n, totalReturn=nav[-1] - 1,
               annualReturn=annual, annualVolatility=vol, sharpe=annual / vol, maxDrawdown=mdd)
    value = nav
    if b is not None:
        bnav = np.cumprod(1 + b)
        rel = nav / bnav
        rpeak = np.maximum.accumulate(np.concatenate([[1.0], rel]))[1:]
        rmdd = float(np.max(1 - rel / rpeak))
        reld = (1 + r) / (1 + b) - 1
        te = float(np.std(reld, ddof=1)) * math.sqrt(ppy)
        exc = rel[-1] ** (ppy / n) - 1
        out.update(benchmarkAnnualReturn=bnav[-1] ** (ppy / n) - 1, excessAnnualReturn=exc, trackingError=te,
                   excessMaxDrawdown=rmdd, informationRatio=exc / te, calmar=exc / rmdd if rmdd > 0 else NAN)
        value = rel
    else:
        out.update(benchmarkAnnualReturn=NAN, excessAnnualReturn=NAN, trackingError=NAN, excessMaxDrawdown=NAN,
                   informationRatio=NAN, calmar=annual / mdd if mdd > 0 else NAN)
    months = dates // 100
    ends = [i for i in range(n) if i == n - 1 or months[i] != months[i + 1]]
    vals = value[ends]
    prev = np.concatenate([[1.0], vals[:-1]])
    out.update(monthlyWinRate=float(np.mean(vals > prev)), months=len(ends))
    years = dates // 10000
    yends = [i for i in range(n) if i == n - 1 or years[i] != years[i + 1]]
    ynav = nav[yends]
    yr = ynav / np.concatenate([[1.0], ynav[:-1]]) - 1
    if b is not None:
        ybn = bnav[yends]
        yb = ybn / np.concatenate([[1.0], ybn[:-1]]) - 1
        ye = (1 + yr) / (1 + yb) - 1
    else:
        yb = np.full(len(yends), np.nan)
        ye = np.full(len(yends), np.nan)
    out["yearly"] = dict(years=[int(y) for y in years[yends]], returns=yr, benchmark=yb, excess=ye)
    return out


def stats_cases():
    dates = [ymd(d) for d in weekdays(dt.date(2022, 11, 7), dt.date(2025, 2, 28))]
    n = len(dates)
    b = rng.normal(-0.0002, 0.015, size=n)
    r = b + rng.normal(0.0007, 0.0035, size=n)
    r_lead = r.copy()
    r_lead[:17] = np.nan
    short_dates = dates[:3]
    return [
        {"name": "2.3 years vs benchmark", "dates": dates, "returns": r, "benchmark": b, "stats": ref_stats(r, dates, b)},
        {"name": "no benchmark", "dates": dates, "returns": r, "stats": ref_stats(r, dates)},
        {"name": "leading NaN", "dates": dates, "returns": r_lead, "benchmark": b, "stats": ref_stats(r_lead, dates, b)},
        {"name": "weekly periods", "dates": dates[::5], "returns": r[::5], "benchmark": b[::5], "periodsPerYear": 52,
         "stats": ref_stats(r[::5], dates[::5], b[::5], 52)},
        {"name": "three days", "dates": short_dates, "returns": r[:3], "benchmark": b[:3],
         "stats": ref_stats(r[:3], short_dates, b[:3])},
    ]


# ---------------------------------------------------------------- groupBacktest
def ref_group_backtest(F, fdates, fassets, R, dates, assets, G, lag, rule, T=None, tdates=None, ppy=252):
    nD, nA = R.shape
    if rule == "weekly":
        key = [from_ymd(d).isocalendar()[:2] for d in dates]
        cand = [i for i in range(nD) if i == nD - 1 or key[i] != key[i + 1]]
    elif isinstance(rule, dict):
        cand = list(range(rule.get("offset", 0), nD, rule["every"]))
    else:
        cand = [dates.index(d) for d in rule]

    def eligible(row):
        d = dates[row]
        if d not in fdates:
            return [], []
        fr = fdates.index(d)
        ids, vals = [], []
        for a, aid in enumerate(assets):
            if aid not in fassets:
                continue
            v = F[fr, fassets.index(aid)]
            if not np.isfinite(v):
                continue
            if T is not None:
                u = T[tdates.index(d), a]
                if not np.isfinite(u) or u == 0:
                    continue
            ids.append(a)
            vals.append(v)
        return ids, vals

    performed, skipped, counts, members = [], [], [], []
    for row in cand:
        if row + lag > nD - 2:
            continue
        ids, vals = eligible(row)
        if len(ids) < G:
            skipped.append(dates[row])
            continue
        ranks = stats.rankdata(vals, method="average")
        grp = np.minimum(G - 1, np.floor((ranks - 0.5) * G / len(ids))).astype(int)
        performed.append(row)
        counts.append(len(ids))
        members.append(dict(zip(ids, grp)))
    K = len(performed)
    entries = [row + lag for row in performed]
    Rz = np.where(np.isfinite(R), R, 0.0)
    gret = np.full((G, nD), np.nan)
    uret = np.full(nD, np.nan)
    per = np.full((G, K), np.nan)
    uper = np.full(K, np.nan)
    turn = np.full((G, K), np.nan)
    sizes = np.zeros((G, K), dtype=int)
    end_values = None  # per-stock values at the end of the previous period
    for k in range(K):
        e = entries[k]
        stop = entries[k + 1] if k + 1 < K else nD - 1
        mem = members[k]
        ids = np.array(sorted(mem))
        grp = np.array([mem[a] for a in ids])
        # value paths: rows = days e..stop, value 1 at e
        paths = np.vstack([np.ones(len(ids)), np.cumprod(1 + Rz[e + 1:stop + 1][:, ids], axis=0)])
        for g in range(G):
            sel = grp == g
            sizes[g, k] = sel.sum()
            gv = paths[:, sel].mean(axis=1) if sel.any() else np.ones(len(paths))  # empty group: cash
            gret[g, e + 1:stop + 1] = gv[1:] / gv[:-1] - 1
            per[g, k] = gv[-1] - 1
        uv = paths.mean(axis=1)
        uret[e + 1:stop + 1] = uv[1:] / uv[:-1] - 1
        uper[k] = uv[-1] - 1
        if k > 0:
            old_ids, old_grp, old_val = end_values
            for g in range(G):
                w_old = {}
                sel = old_grp == g
                tot = old_val[sel].sum()
                for a, v in zip(old_ids[sel], old_val[sel]):
                    w_old[a] = v / tot
                new_members = ids[grp == g]
                w_new = {a: 1.0 / len(new_members) for a in new_members}
                turn[g, k] = sum(abs(w_new.get(a, 0.0) - w_old.get(a, 0.0)) for a in set(w_old) | set(w_new))
        end_values = (ids, grp, paths[-1])
    start = entries[0]
    gnav = np.full((G, nD), np.nan)
    unav = np.full(nD, np.nan)
    gnav[:, start] = 1
    unav[start] = 1
    gnav[:, start + 1:] = np.cumprod(1 + gret[:, start + 1:], axis=1)
    unav[start + 1:] = np.cumprod(1 + uret[start + 1:])
    nh = nD - 1 - start
    gann = gnav[:, -1] ** (ppy / nh) - 1
    gexc = (gnav[:, -1] / unav[-1]) ** (ppy / nh) - 1
    top = ref_stats(gret[G - 1], dates, uret, ppy)
    ls = np.full(nD, np.nan)
    ls[start + 1:] = gret[G - 1, start + 1:] - gret[0, start + 1:]
    lsnav = np.full(nD, np.nan)
    lsnav[start] = 1
    lsnav[start + 1:] = np.cumprod(1 + ls[start + 1:])
    lss = ref_stats(ls, dates, None, ppy)
    tvals = turn[G - 1, 1:]
    return {
        "rebalanceDates": [dates[r] for r in performed],
        "entryDates": [dates[e] for e in entries],
        "skippedDates": skipped,
        "eligible": counts,
        "groupSizes": sizes,
        "groupReturns": gret,
        "groupNav": gnav,
        "universeReturns": uret,
        "universeNav": unav,
        "periodReturns": per,
        "universePeriodReturns": uper,
        "turnover": turn,
        "groupAnnualReturn": gann,
        "groupExcessAnnualReturn": gexc,
        "universeAnnualReturn": unav[-1] ** (ppy / nh) - 1,
        "top": dict(annualReturn=top["annualReturn"], excessAnnualReturn=top["excessAnnualReturn"],
                    trackingError=top["trackingError"], informationRatio=top["informationRatio"],
                    monthlyWinRate=top["monthlyWinRate"], excessMaxDrawdown=top["excessMaxDrawdown"],
                    meanTurnover=float(np.mean(tvals)) if len(tvals) else NAN),
        "longShort": dict(returns=ls, nav=lsnav, annualReturn=lss["annualReturn"],
                          annualVolatility=lss["annualVolatility"], sharpe=lss["sharpe"],
                          maxDrawdown=lss["maxDrawdown"]),
        "monotonicity": float(stats.spearmanr(np.arange(1, G + 1), gann).statistic),
    }


def group_cases():
    holidays = {dt.date(2024, 1, 1)} | {dt.date(2024, 2, 12) + dt.timedelta(days=i) for i in range(5)}
    dates = [ymd(d) for d in weekdays(dt.date(2023, 11, 20), dt.date(2024, 3, 29), holidays)]
    nD = len(dates)
    assets = [f"S{i:03d}" for i in range(40)]
    nA = len(assets)
    alpha = rng.normal(size=nA)
    F = np.round(alpha[None, :] + rng.normal(0, 1.0, size=(nD, nA)), 1)  # ties
    F[rng.random(F.shape) < 0.05] = np.nan
    F[:, 7] = np.nan  # never scored
    F[:5, :] = np.nan  # warm-up: first week's rebalance skipped
    wk = [from_ymd(d).isocalendar()[:2] for d in dates]
    week_ends = [i for i in range(nD) if i == nD - 1 or wk[i] != wk[i + 1]]
    F[week_ends[6], 3:] = np.nan  # an interior rebalance with too few stocks: carried on
    R = rng.normal(0.0004, 0.02, size=(nD, nA)) + 0.002 * alpha[None, :]
    R[rng.random(R.shape) < 0.03] = np.nan
    R[20:26, 11] = np.nan  # suspended for a week
    # factor panel: permuted assets, one returns asset missing, one extra asset
    perm = rng.permutation(nA)
    fassets = [assets[i] for i in perm if i != 5] + ["X999"]
    Fp = np.column_stack([F[:, i] for i in perm if i != 5] + [rng.normal(size=nD)])
    Ft = np.clip(np.round(Fp / 2), -1, 1)  # three values: tie blocks wider than a group
    T = (rng.random((nD, nA)) < 0.92).astype(float)
    T[rng.random(T.shape) < 0.02] = np.nan
    return {
        "dates": dates,
        "assets": assets,
        "returns": R.ravel(),
        "factor": {"dates": dates, "assets": fassets, "values": Fp.ravel()},
        "tradable": {"dates": dates, "assets": assets, "values": T.ravel()},
        "factorTies": {"dates": dates, "assets": fassets, "values": Ft.ravel()},
        "cases": [
            {"name": "weekly, 5 groups, tradable mask, lag 1", "options": {"groups": 5, "lag": 1, "rebalance": "weekly", "tradable": True},
             "expected": ref_group_backtest(Fp, dates, fassets, R, dates, assets, 5, 1, "weekly", T, dates)},
            {"name": "every 7 days, 3 groups, lag 0", "options": {"groups": 3, "lag": 0, "rebalance": {"every": 7, "offset": 2}},
             "expected": ref_group_backtest(Fp, dates, fassets, R, dates, assets, 3, 0, {"every": 7, "offset": 2})},
            {"name": "explicit dates, 4 groups, lag 2", "options": {"groups": 4, "lag": 2, "rebalance": [dates[10], dates[31], dates[50], dates[70]]},
             "expected": ref_group_backtest(Fp, dates, fassets, R, dates, assets, 4, 2, [dates[10], dates[31], dates[50], dates[70]])},
            {"name": "three-valued factor, 5 groups (empty groups hold cash)", "factor": "factorTies",
             "options": {"groups": 5, "lag": 1, "rebalance": "weekly"},
             "expected": ref_group_backtest(Ft, dates, fassets, R, dates, assets, 5, 1, "weekly")},
        ],
    }


# ---------------------------------------------------------------- correlation tables
def table_case():
    dates = [ymd(d) for d in weekdays(dt.date(2024, 5, 6), dt.date(2024, 5, 24))]
    assets = [f"C{i:02d}" for i in range(25)]
    nD, nA = len(dates), len(assets)
    base = rng.normal(size=(nD, nA))

    def make(load, noise, nan_share, round_to=None):
        v = load * base + noise * rng.normal(size=(nD, nA))
        if round_to is not None:
            v = np.round(v, round_to)
        v[rng.random(v.shape) < nan_share] = np.nan
        return v

    panels = {
        "alpha": {"dates": dates, "assets": assets, "values": make(1.0, 0.5, 0.05)},
        "beta": {"dates": dates, "assets": assets, "values": make(-0.7, 0.8, 0.1, 1)},
        "gamma": {"dates": dates, "assets": assets, "values": make(0.2, 1.0, 0.0)},
    }
    panels["gamma"]["values"][2, :] = 1.0  # constant on one date
    # a risk panel with another asset order and a missing date
    perm = rng.permutation(nA)
    size_vals = make(0.3, 1.0, 0.05)
    risks = {
        "size": {"dates": dates[:-2], "assets": [assets[i] for i in perm], "values": size_vals[:-2][:, perm]},
        "momentum": {"dates": dates, "assets": assets, "values": make(-0.4, 1.0, 0.0, 0)},
    }

    def per_date(a, b, method):
        out = []
        for t, d in enumerate(a["dates"]):
            if d not in b["dates"]:
                continue
            tb = b["dates"].index(d)
            xs, ys = [], []
            for k, aid in enumerate(a["assets"]):
                if aid not in b["assets"]:
                    continue
                x = a["values"][t][k]
                y = b["values"][tb][b["assets"].index(aid)]
                if np.isfinite(x) and np.isfinite(y):
                    xs.append(x)
                    ys.append(y)
            c = ref_spearman(xs, ys) if method == "spearman" else ref_pearson(xs, ys)
            if np.isfinite(c):
                out.append(c)
        return out

    def tab(rows, cols, method):
        vals, cnts = [], []
        for r in rows:
            for c in cols:
                s = per_date(rows[r], cols[c], method)
                vals.append(float(np.mean(s)) if s else NAN)
                cnts.append(len(s))
        return {"rows": list(rows), "columns": list(cols), "values": vals, "counts": cnts}

    enc_panels = lambda ps: {k: {"dates": v["dates"], "assets": v["assets"], "values": np.asarray(v["values"]).ravel()} for k, v in ps.items()}
    return {
        "factors": enc_panels(panels),
        "risks": enc_panels(risks),
        "factorSpearman": tab(panels, panels, "spearman"),
        "factorPearson": tab(panels, panels, "pearson"),
        "riskSpearman": tab(panels, risks, "spearman"),
    }


def main():
    ref = {
        "generator": "generate_reference.py (numpy %s, scipy %s)" % (np.__version__, __import__("scipy").__version__),
        "correlation": corr_cases(),
        "ranks": rank_cases(),
        "summary": summary_cases(),
        "icSeries": ic_series_case(),
        "returns": returns_case(),
        "portfolioStats": stats_cases(),
        "groupBacktest": group_cases(),
        "correlationTables": table_case(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json")
    with open(path, "w") as f:
        json.dump(enc(ref), f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
