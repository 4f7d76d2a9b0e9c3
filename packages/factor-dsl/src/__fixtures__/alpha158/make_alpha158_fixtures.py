"""Expected values of qlib's Alpha158 on a small built-in market, computed independently with numpy.

Regenerate with (from packages/factor-dsl):
    node --conditions=source --import tsx src/__fixtures__/alpha158/make_input.ts   # -> input.json
    python3 src/__fixtures__/alpha158/make_alpha158_fixtures.py                      # -> expected.*

Input: input.json (dates, assets, the fields open/high/low/close/vwap/volume, row-major
dates x assets, null = NaN). Output:
  expected.json     names (qlib's order), dates, assets, shape, NaN counts per feature,
                    the rules version, and the byte layout of expected.f64.gz;
  expected.f64.gz   gzip of little-endian float64, layout [feature][date][asset].

Every feature is written out below directly from qlib's definition
(qlib/contrib/data/loader.py, Alpha158DL.get_feature_config, default config); nothing parses
the formula strings, so the TypeScript strings and these functions are two independent
transcriptions. The name list written here is compared with ALPHA158 by the test.

Semantics (read from qlib/data/ops.py and qlib/data/_libs/rolling.pyx; the qlib behaviour, not
the intuitive one, wherever they differ):

 1. Series. Each asset's column of the panel, from the panel's first date, is one series; a NaN
    row (suspended, not yet listed, delisted) is a row like any other. Ref(x, k) is the value k
    rows earlier (NaN in the first k rows). qlib stores a stock's series from its first row on,
    so for a stock listed inside the panel qlib itself would not see the leading NaN rows: that
    changes IdxMax/IdxMin (rule 6) and the Mean of comparisons (rule 3) in its first d rows.
 2. Rolling windows use min_periods = 1, not the window length: qlib's Rolling calls
    pandas' series.rolling(N, min_periods=1). The window of row t is rows max(0, t-N+1) .. t
    (shorter at the start); NaN values in it are skipped; the result is NaN only when the
    window holds no non-NaN value (or fewer than an operator needs: Std and Corr need 2).
 3. Comparisons (a>b, a<b) are numpy's greater/less on the series: 1.0 or 0.0, and 0.0 (False)
    when either side is NaN - never NaN. So Mean($close>Ref($close,1), d) counts a suspended day
    or the first row as a non-up day.
 4. Greater/Less are np.maximum/np.minimum: NaN if either side is NaN. Abs, Log: numpy's.
    Arithmetic is IEEE float64 (x/0 = +-inf, 0/0 = NaN); the +1e-12 in denominators is kept.
 5. Mean = mean of the non-NaN values; Sum = their sum; Std = sample standard deviation
    (ddof = 1) of the non-NaN values, NaN with fewer than 2, exactly 0 when they are all equal
    (pandas' rolling var does the same); Max/Min = of the non-NaN values.
 6. IdxMax/IdxMin = pandas rolling(...).apply(lambda x: x.argmax() + 1, raw=True): the 1-based
    position in the (possibly shorter) window of the first maximum (minimum); numpy's argmax
    returns the position of the first NaN when the window contains one, so that is what qlib
    returns then (only windows with no non-NaN value give NaN).
 7. Quantile(x, N, q) = linear interpolation between order statistics of the non-NaN values
    (pandas rolling quantile, numpy's 'linear' method): position q*(n-1).
 8. Rank(x, N) = pandas rolling(...).rank(pct=True): NaN when the current value is NaN; else
    (count of values below + (count of equal values, itself included, + 1)/2) / n over the n
    non-NaN values in the window (average rank of ties, divided by n).
 9. Slope/Rsquare/Resi (rolling.pyx): the window is N slots with x = 1..N (oldest slot 1, the
    current row N); at the start the missing slots are empty, so row s sits at
    x = N - (t - s). NaN values are skipped but keep their x. Ordinary least squares of y on x
    over the n non-NaN points: slope = (n Sxy - Sx Sy) / (n Sxx - Sx^2);
    Rsquare = r^2 with r = (n Sxy - Sx Sy) / sqrt((n Sxx - Sx^2)(n Syy - Sy^2)), and NaN where
    the rolling std (rule 5) of the series is within 2e-5 of 0 (qlib's np.isclose atol=2e-5);
    Resi = y_t - (slope * N + intercept), NaN when y_t is NaN. With n < 2 all three are NaN
    (0/0 in exact arithmetic; qlib's running sums may round that to +-inf instead).
10. Corr(a, b, N) = pandas rolling corr after pandas aligns the two (a pair counts only where
    both are non-NaN): Pearson's r over those n pairs, NaN when n < 2 or a variance over the
    pairs is 0, and NaN where the rolling std (rule 5) of a or of b alone (each over its own
    non-NaN values) is within 2e-5 of 0 (qlib's mask).
11. $vwap is the data's vwap field (amount / volume of the day), not recomputed.

qlib loads its data as float32; these values are float64 throughout, so they are the semantics'
values, not float32 qlib's bit pattern.
"""
import gzip
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RULES_VERSION = 1
WINDOWS = [5, 10, 20, 30, 60]
NAN = float("nan")


# ---------------------------------------------------------------- elementwise
def ref(x, k):
    out = np.full_like(x, NAN)
    out[k:] = x[:-k]
    return out


def gt(a, b):
    with np.errstate(invalid="ignore"):
        return np.greater(a, b).astype(np.float64)


def lt(a, b):
    with np.errstate(invalid="ignore"):
        return np.less(a, b).astype(np.float64)


# ---------------------------------------------------------------- rolling helpers (rule 2)
def rolling(x, n, fn):
    """Applies fn(window_column_values_1d, t) per asset and row; the window is rows max(0,t-n+1)..t."""
    T, A = x.shape
    out = np.full((T, A), NAN)
    for t in range(T):
        lo = max(0, t - n + 1)
        for a in range(A):
            out[t, a] = fn(x[lo : t + 1, a])
    return out


def _valid(w):
    return w[~np.isnan(w)]


def f_mean(w):
    v = _valid(w)
    return v.mean() if v.size else NAN


def f_sum(w):
    v = _valid(w)
    return v.sum() if v.size else NAN


def _std(v):
    if v.size < 2:
        return NAN
    if np.all(v == v[0]):
        return 0.0
    m = v.mean()
    return float(np.sqrt(((v - m) ** 2).sum() / (v.size - 1)))


def f_std(w):
    return _std(_valid(w))


def f_max(w):
    v = _valid(w)
    return v.max() if v.size else NAN


def f_min(w):
    v = _valid(w)
    return v.min() if v.size else NAN


def f_idxmax(w):
    if not np.any(~np.isnan(w)):
        return NAN
    nan_at = np.flatnonzero(np.isnan(w))
    if nan_at.size:
        return float(nan_at[0] + 1)  # numpy's argmax stops at the first NaN (rule 6)
    return float(np.argmax(w) + 1)


def f_idxmin(w):
    if not np.any(~np.isnan(w)):
        return NAN
    nan_at = np.flatnonzero(np.isnan(w))
    if nan_at.size:
        return float(nan_at[0] + 1)
    return float(np.argmin(w) + 1)


def f_quantile(q):
    def fn(w):
        v = np.sort(_valid(w))
        if not v.size:
            return NAN
        pos = q * (v.size - 1)
        lo = int(np.floor(pos))
        hi = min(lo + 1, v.size - 1)
        return v[lo] + (v[hi] - v[lo]) * (pos - lo)

    return fn


def f_rank(w):
    last = w[-1]
    if np.isnan(last):
        return NAN
    v = _valid(w)
    below = np.sum(v < last)
    equal = np.sum(v == last)
    return (below + (equal + 1) / 2.0) / v.size


def ols(n):
    """Slope, Rsquare, Resi of rule 9 for window n; returns three functions of the window."""

    def fit(w):
        m = w.size  # rows in the (possibly shorter) window; the current row is at x = n
        x = np.arange(n - m + 1, n + 1, dtype=np.float64)
        ok = ~np.isnan(w)
        xs, ys = x[ok], w[ok]
        k = xs.size
        if k < 2:
            return None
        xm, ym = xs.mean(), ys.mean()
        sxx = ((xs - xm) ** 2).sum()
        sxy = ((xs - xm) * (ys - ym)).sum()
        syy = ((ys - ym) ** 2).sum()
        return xm, ym, sxx, sxy, syy

    def slope(w):
        f = fit(w)
        return NAN if f is None else f[3] / f[2]

    def rsquare(w):
        f = fit(w)
        if f is None:
            return NAN
        s = _std(_valid(w))
        if not np.isnan(s) and abs(s) <= 2e-5:
            return NAN
        xm, ym, sxx, sxy, syy = f
        if syy == 0:
            return NAN
        return sxy * sxy / (sxx * syy)

    def resi(w):
        f = fit(w)
        if f is None or np.isnan(w[-1]):
            return NAN
        xm, ym, sxx, sxy, syy = f
        b = sxy / sxx
        return w[-1] - (b * n + (ym - b * xm))

    return slope, rsquare, resi


def corr(a, b, n):
    T, A = a.shape
    out = np.full((T, A), NAN)
    for t in range(T):
        lo = max(0, t - n + 1)
        for j in range(A):
            wa, wb = a[lo : t + 1, j], b[lo : t + 1, j]
            sa, sb = _std(_valid(wa)), _std(_valid(wb))
            if (not np.isnan(sa) and sa <= 2e-5) or (not np.isnan(sb) and sb <= 2e-5):
                continue
            ok = ~np.isnan(wa) & ~np.isnan(wb)
            if ok.sum() < 2:
                continue
            x, y = wa[ok], wb[ok]
            dx, dy = x - x.mean(), y - y.mean()
            vx, vy = (dx * dx).sum(), (dy * dy).sum()
            if vx == 0 or vy == 0:
                continue
            out[t, j] = (dx * dy).sum() / np.sqrt(vx * vy)
    return out


# ---------------------------------------------------------------- the 158 features
def alpha158(f):
    o, h, l, c, vw, v = f["open"], f["high"], f["low"], f["close"], f["vwap"], f["volume"]
    cols = []  # (name, values)
    cols += [
        ("KMID", (c - o) / o),
        ("KLEN", (h - l) / o),
        ("KMID2", (c - o) / (h - l + 1e-12)),
        ("KUP", (h - np.maximum(o, c)) / o),
        ("KUP2", (h - np.maximum(o, c)) / (h - l + 1e-12)),
        ("KLOW", (np.minimum(o, c) - l) / o),
        ("KLOW2", (np.minimum(o, c) - l) / (h - l + 1e-12)),
        ("KSFT", (2 * c - h - l) / o),
        ("KSFT2", (2 * c - h - l) / (h - l + 1e-12)),
    ]
    for name, x in [("OPEN", o), ("HIGH", h), ("LOW", l), ("VWAP", vw)]:
        cols.append((name + "0", x / c))

    c1 = ref(c, 1)
    v1 = ref(v, 1)
    up = gt(c, c1)
    down = lt(c, c1)
    gain = np.maximum(c - c1, 0.0)
    loss = np.maximum(c1 - c, 0.0)
    move = np.abs(c - c1)
    vgain = np.maximum(v - v1, 0.0)
    vloss = np.maximum(v1 - v, 0.0)
    vmove = np.abs(v - v1)
    wv = np.abs(c / c1 - 1) * v
    logv = np.log(v + 1)
    cret = c / c1
    vret = np.log(v / v1 + 1)

    groups = {}  # prefix -> function of window d
    R = rolling
    groups["ROC"] = lambda d: ref(c, d) / c
    groups["MA"] = lambda d: R(c, d, f_mean) / c
    groups["STD"] = lambda d: R(c, d, f_std) / c
    groups["BETA"] = lambda d: R(c, d, ols(d)[0]) / c
    groups["RSQR"] = lambda d: R(c, d, ols(d)[1])
    groups["RESI"] = lambda d: R(c, d, ols(d)[2]) / c
    groups["MAX"] = lambda d: R(h, d, f_max) / c
    groups["MIN"] = lambda d: R(l, d, f_min) / c
    groups["QTLU"] = lambda d: R(c, d, f_quantile(0.8)) / c
    groups["QTLD"] = lambda d: R(c, d, f_quantile(0.2)) / c
    groups["RANK"] = lambda d: R(c, d, f_rank)
    groups["RSV"] = lambda d: (c - R(l, d, f_min)) / (R(h, d, f_max) - R(l, d, f_min) + 1e-12)
    groups["IMAX"] = lambda d: R(h, d, f_idxmax) / d
    groups["IMIN"] = lambda d: R(l, d, f_idxmin) / d
    groups["IMXD"] = lambda d: (R(h, d, f_idxmax) - R(l, d, f_idxmin)) / d
    groups["CORR"] = lambda d: corr(c, logv, d)
    groups["CORD"] = lambda d: corr(cret, vret, d)
    groups["CNTP"] = lambda d: R(up, d, f_mean)
    groups["CNTN"] = lambda d: R(down, d, f_mean)
    groups["CNTD"] = lambda d: R(up, d, f_mean) - R(down, d, f_mean)
    groups["SUMP"] = lambda d: R(gain, d, f_sum) / (R(move, d, f_sum) + 1e-12)
    groups["SUMN"] = lambda d: R(loss, d, f_sum) / (R(move, d, f_sum) + 1e-12)
    groups["SUMD"] = lambda d: (R(gain, d, f_sum) - R(loss, d, f_sum)) / (R(move, d, f_sum) + 1e-12)
    groups["VMA"] = lambda d: R(v, d, f_mean) / (v + 1e-12)
    groups["VSTD"] = lambda d: R(v, d, f_std) / (v + 1e-12)
    groups["WVMA"] = lambda d: R(wv, d, f_std) / (R(wv, d, f_mean) + 1e-12)
    groups["VSUMP"] = lambda d: R(vgain, d, f_sum) / (R(vmove, d, f_sum) + 1e-12)
    groups["VSUMN"] = lambda d: R(vloss, d, f_sum) / (R(vmove, d, f_sum) + 1e-12)
    groups["VSUMD"] = lambda d: (R(vgain, d, f_sum) - R(vloss, d, f_sum)) / (R(vmove, d, f_sum) + 1e-12)
    for prefix, fn in groups.items():  # dict order = qlib's order
        for d in WINDOWS:
            cols.append((f"{prefix}{d}", fn(d)))
    return cols


def main():
    with open(os.path.join(HERE, "input.json")) as fh:
        data = json.load(fh)
    T, A = len(data["dates"]), len(data["assets"])
    fields = {
        k: np.array([NAN if x is None else x for x in vals], dtype=np.float64).reshape(T, A)
        for k, vals in data["fields"].items()
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        cols = alpha158(fields)
    names = [n for n, _ in cols]
    assert len(names) == 158 and len(set(names)) == 158, len(names)
    cube = np.stack([x for _, x in cols]).astype("<f8")  # [feature][date][asset]
    with gzip.GzipFile(os.path.join(HERE, "expected.f64.gz"), "wb", compresslevel=9, mtime=0) as fh:
        fh.write(cube.tobytes())
    meta = {
        "rulesVersion": RULES_VERSION,
        "generator": "make_alpha158_fixtures.py",
        "layout": "gzip of little-endian float64, [feature][date][asset]",
        "market": data["market"],
        "names": names,
        "dates": data["dates"],
        "assets": data["assets"],
        "nanCounts": {n: int(np.isnan(x).sum()) for n, x in cols},
        "infCounts": {n: int(np.isinf(x).sum()) for n, x in cols if np.isinf(x).any()},
    }
    with open(os.path.join(HERE, "expected.json"), "w") as fh:
        json.dump(meta, fh)
        fh.write("\n")
    print(f"[alpha158] {len(names)} features x {T} dates x {A} assets -> expected.f64.gz")


if __name__ == "__main__":
    main()
