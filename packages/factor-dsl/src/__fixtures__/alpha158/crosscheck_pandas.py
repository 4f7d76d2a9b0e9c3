"""Optional cross-check of expected.f64.gz against qlib's own pandas calls (not needed to regenerate).

Needs pandas (on Debian: apt-get install python3-pandas; then run with /usr/bin/python3). Each
feature is computed per asset the way qlib/data/ops.py computes it - pandas rolling(N,
min_periods=1) mean/sum/std/max/min/quantile/rank(pct=True)/apply(argmax+1)/corr, numpy
comparisons, and a line-by-line port of qlib/data/_libs/rolling.pyx for Slope/Rsquare/Resi -
and compared with the fixture: prints the features whose values differ beyond 1e-6 relative or
whose NaN pattern differs.
"""
import gzip
import json
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
W = [5, 10, 20, 30, 60]


def cy_rolling(a, N, kind):  # port of rolling.pyx (Slope / Resi / Rsquare)
    barv = [np.nan] * N
    na = N
    i_sum = x_sum = x2_sum = y_sum = y2_sum = xy_sum = 0.0
    out = np.empty(len(a))
    for k, val in enumerate(a):
        barv.append(val)
        xy_sum -= y_sum
        x2_sum += i_sum - 2 * x_sum
        x_sum -= i_sum
        f = barv.pop(0)
        if not np.isnan(f):
            i_sum -= 1
            y_sum -= f
            y2_sum -= f * f
        else:
            na -= 1
        if np.isnan(val):
            na += 1
        else:
            i_sum += 1
            x_sum += N
            x2_sum += N * N
            y_sum += val
            y2_sum += val * val
            xy_sum += N * val
        n = N - na
        with np.errstate(all="ignore"):
            num = np.float64(n * xy_sum - x_sum * y_sum)
            den = np.float64(n * x2_sum - x_sum * x_sum)
            slope = num / den
            if kind == "slope":
                out[k] = slope
            elif kind == "resi":
                out[k] = val - (slope * N + (y_sum / np.float64(n) - slope * x_sum / np.float64(n)))
            else:
                r = num / np.sqrt(den * np.float64(n * y2_sum - y_sum * y_sum))
                out[k] = r * r
    return out


def features(df):
    c, o, h, l, v, vw = (df[k] for k in ["close", "open", "high", "low", "volume", "vwap"])
    R = lambda s, d: s.rolling(d, min_periods=1)
    c1, v1 = c.shift(1), v.shift(1)
    out = {}
    out.update(KMID=(c - o) / o, KLEN=(h - l) / o, KMID2=(c - o) / (h - l + 1e-12),
               KUP=(h - np.maximum(o, c)) / o, KUP2=(h - np.maximum(o, c)) / (h - l + 1e-12),
               KLOW=(np.minimum(o, c) - l) / o, KLOW2=(np.minimum(o, c) - l) / (h - l + 1e-12),
               KSFT=(2 * c - h - l) / o, KSFT2=(2 * c - h - l) / (h - l + 1e-12),
               OPEN0=o / c, HIGH0=h / c, LOW0=l / c, VWAP0=vw / c)

    def corr(a, b, d):
        s = R(a, d).corr(b)
        s[np.isclose(R(a, d).std(), 0, atol=2e-5) | np.isclose(R(b, d).std(), 0, atol=2e-5)] = np.nan
        return s

    def rsq(d):
        s = pd.Series(cy_rolling(c.values, d, "rsq"), index=c.index)
        s[np.isclose(R(c, d).std(), 0, atol=2e-5)] = np.nan
        return s

    up, dn = np.greater(c, c1), np.less(c, c1)
    g, lo, mv = np.maximum(c - c1, 0), np.maximum(c1 - c, 0), np.abs(c - c1)
    vg, vlo, vmv = np.maximum(v - v1, 0), np.maximum(v1 - v, 0), np.abs(v - v1)
    wv = np.abs(c / c1 - 1) * v
    imax = lambda d: R(h, d).apply(lambda x: x.argmax() + 1, raw=True)
    imin = lambda d: R(l, d).apply(lambda x: x.argmin() + 1, raw=True)
    groups = {
        "ROC": lambda d: c.shift(d) / c, "MA": lambda d: R(c, d).mean() / c, "STD": lambda d: R(c, d).std() / c,
        "BETA": lambda d: pd.Series(cy_rolling(c.values, d, "slope"), index=c.index) / c,
        "RSQR": rsq, "RESI": lambda d: pd.Series(cy_rolling(c.values, d, "resi"), index=c.index) / c,
        "MAX": lambda d: R(h, d).max() / c, "MIN": lambda d: R(l, d).min() / c,
        "QTLU": lambda d: R(c, d).quantile(0.8) / c, "QTLD": lambda d: R(c, d).quantile(0.2) / c,
        "RANK": lambda d: R(c, d).rank(pct=True),
        "RSV": lambda d: (c - R(l, d).min()) / (R(h, d).max() - R(l, d).min() + 1e-12),
        "IMAX": lambda d: imax(d) / d, "IMIN": lambda d: imin(d) / d, "IMXD": lambda d: (imax(d) - imin(d)) / d,
        "CORR": lambda d: corr(c, np.log(v + 1), d), "CORD": lambda d: corr(c / c1, np.log(v / v1 + 1), d),
        "CNTP": lambda d: R(up, d).mean(), "CNTN": lambda d: R(dn, d).mean(),
        "CNTD": lambda d: R(up, d).mean() - R(dn, d).mean(),
        "SUMP": lambda d: R(g, d).sum() / (R(mv, d).sum() + 1e-12),
        "SUMN": lambda d: R(lo, d).sum() / (R(mv, d).sum() + 1e-12),
        "SUMD": lambda d: (R(g, d).sum() - R(lo, d).sum()) / (R(mv, d).sum() + 1e-12),
        "VMA": lambda d: R(v, d).mean() / (v + 1e-12), "VSTD": lambda d: R(v, d).std() / (v + 1e-12),
        "WVMA": lambda d: R(wv, d).std() / (R(wv, d).mean() + 1e-12),
        "VSUMP": lambda d: R(vg, d).sum() / (R(vmv, d).sum() + 1e-12),
        "VSUMN": lambda d: R(vlo, d).sum() / (R(vmv, d).sum() + 1e-12),
        "VSUMD": lambda d: (R(vg, d).sum() - R(vlo, d).sum()) / (R(vmv, d).sum() + 1e-12),
    }
    for p, f in groups.items():
        for d in W:
            out[f"{p}{d}"] = f(d)
    return out


def main():
    inp = json.load(open(os.path.join(HERE, "input.json")))
    meta = json.load(open(os.path.join(HERE, "expected.json")))
    T, A = len(inp["dates"]), len(inp["assets"])
    F = {k: np.array([np.nan if x is None else x for x in vals]).reshape(T, A) for k, vals in inp["fields"].items()}
    with gzip.open(os.path.join(HERE, "expected.f64.gz")) as fh:
        exp = np.frombuffer(fh.read(), "<f8").reshape(len(meta["names"]), T, A)
    got = np.full_like(exp, np.nan)
    with np.errstate(all="ignore"):
        for a in range(A):
            df = pd.DataFrame({k: F[k][:, a] for k in F})
            feats = features(df)
            for j, n in enumerate(meta["names"]):
                got[j, :, a] = np.asarray(feats[n], dtype=np.float64)
    bad = 0
    for j, n in enumerate(meta["names"]):
        e, g = exp[j], got[j]
        nan_diff = int((np.isnan(e) != np.isnan(g)).sum())
        both = np.isfinite(e) & np.isfinite(g)
        rel = np.abs(e - g)[both] / np.maximum(np.maximum(np.abs(e), np.abs(g))[both], 1e-6)
        worst = float(rel.max()) if rel.size else 0.0
        if nan_diff or worst > 1e-6:
            bad += 1
            print(f"{n}: {nan_diff} NaN-pattern differences, max relative difference {worst:.2e}")
    print(f"[crosscheck] {len(meta['names']) - bad} of {len(meta['names'])} features agree with qlib's pandas calls")


if __name__ == "__main__":
    main()
