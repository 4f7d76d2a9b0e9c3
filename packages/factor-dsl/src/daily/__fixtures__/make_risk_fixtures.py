"""Reference values for the daily risk operators (ts_beta, ts_resid_std, ffill, cs_standardize) and
for the Barra-like style formulas (styles.ts), computed independently with numpy.

Regenerate with:  python3 make_risk_fixtures.py   (writes risk.json beside this file)

The inputs are a small seeded market (70 days x 8 assets) with suspensions (flagged, the close
carried over as data vendors do, turnover 0), a missing close that is not flagged, a stock listed
late (with a market cap before its listing, which must not count), a dividend (an adjustment-factor
jump), a missing book-to-price and a market-wide index return. Each operator case is the formula
and the same computation written here one window / one date at a time with plain numpy (lstsq, no
running sums). The styles are written from their description (the optimizer's `styleExposures`),
not from the formulas: returns from yesterday's adjusted close, log returns since the last traded
close, windows of paired days, cap-weighted mean, population sd, clip-and-restandardise.
NaN is written as null.
"""
import math

import numpy as np

from fixture_io import enc, write_fixture

rng = np.random.default_rng(20261208)
NAN = float("nan")
T, N = 70, 8

# ---------------------------------------------------------------- inputs
index_ret = rng.normal(0, 0.012, T)
index_ret[0] = NAN  # the index has no return on its first day
betas = np.linspace(0.4, 1.6, N)
ret = betas[None, :] * np.nan_to_num(index_ret)[:, None] + rng.normal(0, 0.015, (T, N))
close = 10 * np.exp(np.cumsum(ret, axis=0)) * (1 + np.arange(N))[None, :]
adj = np.ones((T, N))
adj[30:, 4] = 1.08  # a dividend: the adjusted close is continuous, the raw close drops
close[30:, 4] /= 1.08
shares = rng.uniform(1e8, 5e8, N)
cap = close * shares[None, :]
turnover = rng.uniform(0.002, 0.04, (T, N))
book_to_price = rng.uniform(0.2, 1.5, (T, N))
listed = np.ones((T, N))
suspended = np.zeros((T, N))
# A suspension: flagged, the close carried over, no turnover.
for t in (15, 16, 17, 41):
    suspended[t, 1] = 1
    close[t, 1] = close[t - 1, 1]
    turnover[t, 1] = 0.0
# A long suspension of another stock (its first return afterwards spans the gap).
for t in range(22, 35):
    suspended[t, 5] = 1
    close[t, 5] = close[21, 5]
    turnover[t, 5] = 0.0
# Listed on day 12: no close or turnover before, but a market cap (must not count).
listed[:12, 2] = 0
close[:12, 2] = NAN
turnover[:12, 2] = NAN
# A missing close that is not flagged (a data gap).
close[50, 3] = NAN
book_to_price[20:25, 6] = NAN
cap = np.where(np.isfinite(close), close * shares[None, :], cap)
inputs = {
    "close": close,
    "adjFactor": adj,
    "marketCap": cap,
    "turnover": turnover,
    "bookToPrice": book_to_price,
    "listed": listed,
    "suspended": suspended,
    "indexRet": np.repeat(index_ret[:, None], N, axis=1),
}


# ---------------------------------------------------------------- helpers
def shift(x, k):
    out = np.full(x.shape, NAN)
    if k == 0:
        return x.copy()
    out[k:] = x[:-k]
    return out


def ols(y, x):
    """Slope and residual sd (ddof 2) of y on [1, x] with numpy's lstsq."""
    X = np.column_stack([np.ones(len(x)), x])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    res = y - X @ coef
    sd = math.sqrt(float(res @ res) / (len(y) - 2)) if len(y) > 2 else NAN
    return float(coef[1]), sd


def rolling_ols(y, x, w, min_obs, which):
    out = np.full(y.shape, NAN)
    for a in range(y.shape[1]):
        for t in range(y.shape[0]):
            ry = y[max(0, t - w + 1): t + 1, a]
            rx = x[max(0, t - w + 1): t + 1, a]
            m = np.isfinite(ry) & np.isfinite(rx)
            need = max(min_obs, 2 if which == 0 else 3)
            if m.sum() < need or np.ptp(rx[m]) == 0:
                continue
            b, sd = ols(ry[m], rx[m])
            out[t, a] = b if which == 0 else sd
    return out


def ffill(x):
    out = np.full(x.shape, NAN)
    for a in range(x.shape[1]):
        last = NAN
        for t in range(x.shape[0]):
            if np.isfinite(x[t, a]):
                last = x[t, a]
            out[t, a] = last
    return out


def standardize_row(x, w, clip):
    """Barra: (x - cap-weighted mean) / population sd; clip at +-clip and again until none exceeds."""
    x = x.copy()
    m = np.isfinite(x)

    def once(v):
        f = np.isfinite(v)
        vals = v[f]
        if len(vals) == 0 or vals.min() == vals.max():
            return None
        sd = vals.std()  # ddof 0
        ww = w[f]
        use = np.isfinite(ww) & (ww > 0)
        centre = (ww[use] @ vals[use]) / ww[use].sum() if use.any() else vals.mean()
        out = np.full(v.shape, NAN)
        out[f] = (vals - centre) / sd
        return out

    z = once(x)
    if z is None:
        return np.full(x.shape, NAN)
    for _ in range(50):
        over = m & (np.abs(z) > clip * (1 + 1e-6))
        if not over.any():
            break
        z[over] = np.sign(z[over]) * clip
        z = once(z)
        if z is None:
            return np.full(x.shape, NAN)
    return z


def standardize(x, w, clip):
    return np.array([standardize_row(x[t], w[t], clip) for t in range(x.shape[0])])


# ---------------------------------------------------------------- operator cases
cases = []


def case(formula, expected, min_periods="qlib"):
    cases.append({"formula": formula, "minPeriods": min_periods, "expected": expected})


px_raw = close * adj
r = px_raw / shift(px_raw, 1) - 1
m = inputs["indexRet"]
W = 10
for mp, minp in (("qlib", 1), ("window", W)):
    case(f"ts_beta(close * adjFactor / delay(close * adjFactor, 1) - 1, indexRet, {W}, 6)",
         rolling_ols(r, m, W, max(6, minp), 0), mp)
    case(f"ts_resid_std(close * adjFactor / delay(close * adjFactor, 1) - 1, indexRet, {W}, 6)",
         rolling_ols(r, m, W, max(6, minp), 1), mp)
case("ts_beta(close * adjFactor / delay(close * adjFactor, 1) - 1, indexRet, 20)",
     rolling_ols(r, m, 20, 2, 0))
case("ts_resid_std(close * adjFactor / delay(close * adjFactor, 1) - 1, indexRet, 20)",
     rolling_ols(r, m, 20, 3, 1))
case("ts_beta(turnover, close, 8, 8)", rolling_ols(turnover, close, 8, 8, 0))
# A constant x (the adjustment factor of most stocks): no variance, NaN.
case("ts_beta(close, adjFactor, 12, 5)", rolling_ols(close, adj, 12, 5, 0))
case("ffill(close)", ffill(close))
case("log(close / delay(ffill(close), 1))", np.log(close / shift(ffill(close), 1)))
case("cs_standardize(log(marketCap), marketCap)", standardize(np.log(cap), cap, 3.0))
case("cs_standardize(turnover, marketCap, 1.2)", standardize(turnover, cap, 1.2))
case("cs_standardize(bookToPrice, turnover - 0.01, 2)", standardize(book_to_price, turnover - 0.01, 2.0))


# ---------------------------------------------------------------- styles, from their description
def styles(beta_window, beta_min, mom_window, mom_skip, mom_min, liq_window, clip):
    ok = (suspended != 1) & (listed == 1)
    px = np.where(ok, close * adj, NAN)
    px = np.where(np.isfinite(px) & (px > 0), px, NAN)
    simple = px / shift(px, 1) - 1  # yesterday's close only: no return across a gap
    logret = np.full((T, N), NAN)  # since the last traded close: spans gaps
    for a in range(N):
        last = NAN
        for t in range(T):
            if np.isfinite(px[t, a]):
                logret[t, a] = math.log(px[t, a] / last) if np.isfinite(last) else NAN
                last = px[t, a]
    raw = {k: np.full((T, N), NAN) for k in ("size", "beta", "momentum", "residualVolatility", "liquidity", "value")}
    for t in range(T):
        for a in range(N):
            if listed[t, a] != 1:
                continue
            raw["size"][t, a] = math.log(cap[t, a]) if cap[t, a] > 0 else NAN
            lo = max(0, t - beta_window + 1)
            ys, xs = simple[lo: t + 1, a], index_ret[lo: t + 1]
            pair = np.isfinite(ys) & np.isfinite(xs)
            if pair.sum() >= beta_min and np.ptp(xs[pair]) > 0:
                b, sd = ols(ys[pair], xs[pair])
                raw["beta"][t, a] = b
                raw["residualVolatility"][t, a] = sd
            mlo, mhi = t - mom_window + 1, t - mom_skip
            if mhi >= 0:
                seg = logret[max(0, mlo): mhi + 1, a]
                if np.isfinite(seg).sum() >= mom_min:
                    raw["momentum"][t, a] = np.nansum(seg)
            tv = np.where(ok[:, a], turnover[:, a], NAN)[max(0, t - liq_window + 1): t + 1]
            if np.isfinite(tv).any():
                mean = np.nanmean(tv)
                raw["liquidity"][t, a] = math.log(mean) if mean > 0 else NAN
            raw["value"][t, a] = book_to_price[t, a]
    return {k: standardize(v, cap, clip) for k, v in raw.items()}


STYLE_OPTIONS = {
    "betaWindow": 20,
    "betaMinObs": 10,
    "momentumWindow": 30,
    "momentumSkip": 5,
    "momentumMinObs": 15,
    "liquidityWindow": 5,
    "clip": 2.5,
}
o = STYLE_OPTIONS
style_values = styles(o["betaWindow"], o["betaMinObs"], o["momentumWindow"], o["momentumSkip"],
                      o["momentumMinObs"], o["liquidityWindow"], o["clip"])


out = {
    "dates": [int((np.datetime64("2024-01-02") + np.timedelta64(i, "D")).astype(str).replace("-", "")) for i in range(T)],
    "assets": [f"s{k}" for k in range(N)],
    "inputs": {k: enc(a) for k, a in inputs.items()},
    "indexRet": enc(index_ret),
    "cases": [{"formula": k["formula"], "minPeriods": k["minPeriods"], "expected": enc(k["expected"])} for k in cases],
    "styleOptions": STYLE_OPTIONS,
    "styles": {k: enc(v) for k, v in style_values.items()},
}
write_fixture("risk.json", out)
print(f"{len(cases)} cases, {len(style_values)} styles")
