"""Reference values for every operator of the daily level, computed independently with numpy/scipy.

Regenerate with:  python3 make_daily_fixtures.py   (writes daily.json beside this file)

The inputs are a small seeded market (40 days x 7 assets) with suspended days, a stock listed
late, a constant stretch and an unknown industry put in on purpose. Each case is a formula of the
daily level and the same computation written here directly, one window at a time with plain numpy /
scipy (no running sums, no shared code with the TypeScript kernels), following qlib's semantics
(qlib/data/ops.py; pandas rolling with min_periods=1, or all w days with minPeriods 'window').
NaN is written as null.
"""

import numpy as np
from scipy import stats

from fixture_io import enc, write_fixture

rng = np.random.default_rng(20261207)
NAN = float("nan")
T, N = 40, 7

# ---------------------------------------------------------------- inputs
ret = rng.normal(0, 0.02, (T, N))
close = 10 * np.exp(np.cumsum(ret, axis=0))
high = close * (1 + np.abs(rng.normal(0, 0.01, (T, N))))
low = close * (1 - np.abs(rng.normal(0, 0.01, (T, N))))
volume = np.round(rng.lognormal(12, 0.5, (T, N)) / 100) * 100
turnover = volume / 1e7
amount = volume * close
close[[7, 8], 1] = NAN  # a suspension
high[[7, 8], 1] = NAN
low[[7, 8], 1] = NAN
volume[[7, 8], 1] = NAN
close[:12, 2] = NAN  # listed on day 12
high[:12, 2] = NAN
low[:12, 2] = NAN
volume[:12, 2] = NAN
turnover[:12, 2] = NAN
amount[:12, 2] = NAN
close[20:28, 3] = 12.5  # a constant stretch (flat-window rules)
turnover[5, 4] = NAN
industry = np.array([0, 1, 0, 2, 1, 2, -1], dtype=float)  # the last asset's industry is unknown
inputs = {"close": close, "high": high, "low": low, "volume": volume, "turnover": turnover, "amount": amount}


# ---------------------------------------------------------------- rolling helpers
def rolling(x, w, f, need=1, minp=1):
    out = np.full(x.shape, NAN)
    for a in range(x.shape[1]):
        for t in range(x.shape[0]):
            raw = x[max(0, t - w + 1): t + 1, a]
            fin = raw[np.isfinite(raw)]
            if len(fin) < max(need, minp) or len(fin) == 0:
                continue
            out[t, a] = f(raw, fin)
    return out


def rolling2(x, y, w, f, minp=1):
    out = np.full(x.shape, NAN)
    for a in range(x.shape[1]):
        for t in range(x.shape[0]):
            rx = x[max(0, t - w + 1): t + 1, a]
            ry = y[max(0, t - w + 1): t + 1, a]
            m = np.isfinite(rx) & np.isfinite(ry)
            if m.sum() < max(2, minp):
                continue
            out[t, a] = f(rx, ry, m)
    return out


def shift(x, k):
    out = np.full(x.shape, NAN)
    if k == 0:
        return x.copy()
    out[k:] = x[:-k]
    return out


def argpos(raw, fin, sign):
    if np.isnan(raw).any():
        return float(np.argmax(np.isnan(raw)) + 1)
    return float(np.argmax(sign * raw) + 1)


def skew(raw, fin):
    if np.var(fin) <= 1e-14 * (fin[0] ** 2):
        return NAN
    return float(stats.skew(fin, bias=False))


def kurt(raw, fin):
    if np.var(fin) <= 1e-14 * (fin[0] ** 2):
        return NAN
    return float(stats.kurtosis(fin, bias=False))


def regress(raw):
    pos = np.arange(1, len(raw) + 1, dtype=float)
    m = np.isfinite(raw)
    return pos[m], raw[m]


def slope(raw, fin):
    p, v = regress(raw)
    return float(np.polyfit(p, v, 1)[0])


def rsquare(raw, fin):
    p, v = regress(raw)
    if np.std(v, ddof=1) <= 2e-5:
        return NAN
    r = stats.linregress(p, v).rvalue
    return float(r * r)


def resi(raw, fin):
    if not np.isfinite(raw[-1]):
        return NAN
    p, v = regress(raw)
    b, c = np.polyfit(p, v, 1)
    return float(raw[-1] - (b * len(raw) + c))


def wma(raw, fin):
    w = np.arange(1, len(raw) + 1, dtype=float)
    m = np.isfinite(raw)
    return float(np.sum(w[m] * raw[m]) / np.sum(w[m]))


def ema(x, w, minp=1):
    a = 2 / (w + 1)
    out = np.full(x.shape, NAN)
    for k in range(x.shape[1]):
        for t in range(x.shape[0]):
            hist = x[: t + 1, k]
            m = np.isfinite(hist)
            if m.sum() < minp or m.sum() == 0:
                continue
            wt = (1 - a) ** (t - np.arange(t + 1))
            out[t, k] = np.sum(wt[m] * hist[m]) / np.sum(wt[m])
    return out


def rank_last(raw, fin):
    if not np.isfinite(raw[-1]):
        return NAN
    return float(stats.percentileofscore(fin, raw[-1], kind="rank") / 100)


def corr(rx, ry, m):
    fx = rx[np.isfinite(rx)]
    fy = ry[np.isfinite(ry)]
    if (len(fx) >= 2 and np.std(fx, ddof=1) <= 2e-5) or (len(fy) >= 2 and np.std(fy, ddof=1) <= 2e-5):
        return NAN
    return float(np.corrcoef(rx[m], ry[m])[0, 1])


def cov(rx, ry, m):
    return float(np.cov(rx[m], ry[m], ddof=1)[0, 1])


def gt(a, b):
    return np.where(np.isnan(a) | np.isnan(b), 0.0, (a > b).astype(float))


def lt(a, b):
    return np.where(np.isnan(a) | np.isnan(b), 0.0, (a < b).astype(float))


# ---------------------------------------------------------------- cross-section helpers
def per_date(x, f):
    out = np.full(x.shape, NAN)
    for t in range(x.shape[0]):
        out[t] = f(x[t])
    return out


def cs_rank(row):
    out = np.full(row.shape, NAN)
    m = np.isfinite(row)
    out[m] = stats.rankdata(row[m]) / m.sum()
    return out


def cs_zscore(row):
    out = np.full(row.shape, NAN)
    m = np.isfinite(row)
    if m.sum() < 2 or np.std(row[m]) == 0:
        return out
    out[m] = (row[m] - row[m].mean()) / np.std(row[m], ddof=1)
    return out


def cs_demean(row):
    return row - np.nanmean(row)


def cs_winsorize(row, k):
    m = np.isfinite(row)
    med = np.median(row[m])
    mad = np.median(np.abs(row[m] - med))
    half = k * (1 / stats.norm.ppf(0.75)) * mad
    out = np.clip(row, med - half, med + half)
    out[~m] = NAN
    return out


def ols_resid(row, ind, ys, use_ind):
    m = np.isfinite(row)
    for y in ys:
        m &= np.isfinite(y)
    if use_ind:
        m &= ind >= 0
    cols = []
    if use_ind:
        for g in np.unique(ind[m]):
            cols.append((ind[m] == g).astype(float))
    else:
        cols.append(np.ones(m.sum()))
    for y in ys:
        cols.append(y[m])
    X = np.column_stack(cols)
    out = np.full(row.shape, NAN)
    rankx = np.linalg.matrix_rank(X)
    if m.sum() - rankx < 1:
        return out
    beta, *_ = np.linalg.lstsq(X, row[m], rcond=None)
    out[m] = row[m] - X @ beta
    return out


def group(row, f):
    out = np.full(row.shape, NAN)
    for g in np.unique(industry[industry >= 0]):
        m = industry == g
        out[m] = f(row[m])
    return out


def gmean(v):
    return np.where(np.isfinite(v), np.nanmean(v) if np.isfinite(v).any() else NAN, NAN)


# ---------------------------------------------------------------- cases
c, v = close, volume
r1 = c / shift(c, 1) - 1
W = 5
cases = []


def case(formula, expected, min_periods="qlib"):
    cases.append({"formula": formula, "minPeriods": min_periods, "expected": expected})


for mp, minp in (("qlib", 1), ("window", W)):
    case(f"ts_sum(volume, {W})", rolling(v, W, lambda r, f: f.sum(), minp=minp), mp)
    case(f"ts_mean(close, {W})", rolling(c, W, lambda r, f: f.mean(), minp=minp), mp)
    case(f"ts_std(close, {W})", rolling(c, W, lambda r, f: np.std(f, ddof=1), 2, minp), mp)
    case(f"ts_var(close, {W})", rolling(c, W, lambda r, f: np.var(f, ddof=1), 2, minp), mp)
    case(f"ts_skew(close / delay(close, 1) - 1, {W})", rolling(r1, W, skew, 3, minp), mp)
    case(f"ts_kurt(close / delay(close, 1) - 1, {W})", rolling(r1, W, kurt, 4, minp), mp)
    case(f"ts_max(high, {W})", rolling(high, W, lambda r, f: f.max(), minp=minp), mp)
    case(f"ts_min(low, {W})", rolling(low, W, lambda r, f: f.min(), minp=minp), mp)
    case(f"ts_argmax(high, {W})", rolling(high, W, lambda r, f: argpos(r, f, 1), minp=minp), mp)
    case(f"ts_argmin(low, {W})", rolling(low, W, lambda r, f: argpos(r, f, -1), minp=minp), mp)
    case(f"ts_quantile(close, {W}, 0.8)", rolling(c, W, lambda r, f: np.quantile(f, 0.8), minp=minp), mp)
    case(f"ts_median(volume, {W})", rolling(v, W, lambda r, f: np.median(f), minp=minp), mp)
    case(f"ts_mad(close, {W})", rolling(c, W, lambda r, f: np.mean(np.abs(f - f.mean())), minp=minp), mp)
    case(f"ts_rank(close, {W})", rolling(c, W, rank_last, minp=minp), mp)
    case(f"ts_slope(close, {W})", rolling(c, W, slope, 2, minp), mp)
    case(f"ts_rsquare(close, {W})", rolling(c, W, rsquare, 2, minp), mp)
    case(f"ts_resi(close, {W})", rolling(c, W, resi, 2, minp), mp)
    case(f"ts_wma(close, {W})", rolling(c, W, wma, minp=minp), mp)
    case(f"ema(close, {W})", ema(c, W, minp), mp)
    case(f"ts_corr(close, log(volume + 1), {W})", rolling2(c, np.log(v + 1), W, corr, minp), mp)
    case(f"ts_cov(close, volume, {W})", rolling2(c, v, W, cov, minp), mp)

case("ts_count(volume, 10)", rolling(v, 10, lambda r, f: float(len(f))) if False else
     np.array([[float(np.isfinite(v[max(0, t - 9): t + 1, a]).sum()) for a in range(N)] for t in range(T)]))
case("delay(close, 3)", shift(c, 3))
case("diff(close, 2)", c - shift(c, 2))
case("ts_mean(close, 20)", rolling(c, 20, lambda r, f: f.mean()))
case("ts_std(volume, 12)", rolling(v, 12, lambda r, f: np.std(f, ddof=1), 2))
case("ts_max(close, 30)", rolling(c, 30, lambda r, f: f.max()))
case("ts_slope(close, 15)", rolling(c, 15, slope, 2))
case("ts_corr(close, volume, 12)", rolling2(c, v, 12, corr))
# qlib's spelling and its comparison rule (a missing side compares as 0).
case("Mean($close>Ref($close, 1), 5)", rolling(gt(c, shift(c, 1)), 5, lambda r, f: f.mean()))
case("Mean($close>Ref($close, 1), 5)-Mean($close<Ref($close, 1), 5)",
     rolling(gt(c, shift(c, 1)), 5, lambda r, f: f.mean()) - rolling(lt(c, shift(c, 1)), 5, lambda r, f: f.mean()))
case("Sum(Greater($close-Ref($close, 1), 0), 5)/(Sum(Abs($close-Ref($close, 1)), 5)+1e-12)",
     rolling(np.maximum(c - shift(c, 1), 0), 5, lambda r, f: f.sum())
     / (rolling(np.abs(c - shift(c, 1)), 5, lambda r, f: f.sum()) + 1e-12))
case("($close-Min($low, 5))/(Max($high, 5)-Min($low, 5)+1e-12)",
     (c - rolling(low, 5, lambda r, f: f.min())) / (rolling(high, 5, lambda r, f: f.max()) - rolling(low, 5, lambda r, f: f.min()) + 1e-12))
case("Std(Abs($close/Ref($close, 1)-1)*$volume, 5)/(Mean(Abs($close/Ref($close, 1)-1)*$volume, 5)+1e-12)",
     rolling(np.abs(r1) * v, 5, lambda r, f: np.std(f, ddof=1), 2) / (rolling(np.abs(r1) * v, 5, lambda r, f: f.mean()) + 1e-12))
# Cross-sectional and group operators.
case("cs_rank(close / delay(close, 5))", per_date(c / shift(c, 5), cs_rank))
case("cs_zscore(turnover)", per_date(turnover, cs_zscore))
case("cs_demean(close)", per_date(c, cs_demean))
case("cs_winsorize(volume, 1)", per_date(v, lambda r: cs_winsorize(r, 1)))
case("cs_neutralize(turnover)", per_date(turnover, lambda r: ols_resid(r, industry, [], True)))
case("cs_neutralize_by(turnover, log(amount))",
     np.array([ols_resid(turnover[t], industry, [np.log(amount[t])], True) for t in range(T)]))
case("cs_resid(turnover, log(amount))",
     np.array([ols_resid(turnover[t], industry, [np.log(amount[t])], False) for t in range(T)]))
case("group_mean(close)", per_date(c, lambda r: group(r, gmean)))
case("group_demean(close)", per_date(c, lambda r: group(r, lambda x: x - np.nanmean(x) if np.isfinite(x).any() else x)))
case("group_rank(turnover)", per_date(turnover, lambda r: group(r, cs_rank)))
case("group_zscore(close)", per_date(c, lambda r: group(r, cs_zscore)))


out = {
    "dates": [int((np.datetime64("2024-01-02") + np.timedelta64(i, "D")).astype(str).replace("-", "")) for i in range(T)],
    "assets": [f"s{k}" for k in range(N)],
    "inputs": {k: enc(a) for k, a in inputs.items()},
    "industry": enc(industry),
    "cases": [{"formula": k["formula"], "minPeriods": k["minPeriods"], "expected": enc(k["expected"])} for k in cases],
}
write_fixture("daily.json", out)
print(f"{len(cases)} cases")
