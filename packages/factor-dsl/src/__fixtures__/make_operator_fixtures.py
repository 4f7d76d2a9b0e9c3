"""Reference values for every operator of the factor language, computed independently with numpy.

Regenerate with:  python3 make_operator_fixtures.py   (writes operators.json beside this file)

The frames are seeded random data with missing values, zero volumes and empty book levels put in
on purpose. Each case is a formula (the language) and the same computation written here directly
(plain numpy / loops, no shared code with the TypeScript implementation). NaN is written as null.
"""
import json
import math
import os

import numpy as np

rng = np.random.default_rng(20240611)
NAN = float("nan")


# ---------------------------------------------------------------- frames
def minute_frame():
    n = 240
    t = np.array([(9 * 60 + 31 + i) * 60000 if i < 120 else (13 * 60 + 1 + i - 120) * 60000 for i in range(n)])
    r = rng.normal(0, 0.002, n)
    close = 10 * np.exp(np.cumsum(r))
    open_ = np.concatenate([[10.0], close[:-1]]) * np.exp(rng.normal(0, 0.0003, n))
    high = np.maximum(open_, close) * (1 + np.abs(rng.normal(0, 0.001, n)))
    low = np.minimum(open_, close) * (1 - np.abs(rng.normal(0, 0.001, n)))
    volume = np.round(rng.lognormal(9, 0.7, n) / 100) * 100
    volume[[17, 150]] = 0.0
    amount = volume * (open_ + close) / 2
    trades = np.round(volume / 500)
    trades[[3, 4, 200]] = NAN
    close[[50, 51, 180]] = NAN  # missing prints
    return {"time": t, "open": open_, "high": high, "low": low, "close": close,
            "volume": volume, "amount": amount, "trades": trades}


def vbar_frame():
    n = 40
    ends = np.sort(rng.choice(np.arange(1, 241), n, replace=False))
    to_clock = lambda m: (9 * 60 + 30 + m) * 60000 if m <= 120 else (13 * 60 + m - 120) * 60000
    end = np.array([to_clock(m) for m in ends])
    start_m = np.concatenate([[1], ends[:-1] + 1])
    start = np.array([to_clock(m) for m in start_m])
    minutes = ends - start_m + 1
    close = 20 * np.exp(np.cumsum(rng.normal(0, 0.004, n)))
    open_ = close * np.exp(rng.normal(0, 0.002, n))
    high = np.maximum(open_, close) * 1.002
    low = np.minimum(open_, close) * 0.998
    volume = np.full(n, 50000.0) + np.round(rng.normal(0, 3000, n) / 100) * 100
    volume[-1] = 12300.0
    vwap = (open_ + close) / 2 * (1 + rng.normal(0, 0.0005, n))
    amount = volume * vwap
    vwap[7] = NAN
    return {"startTime": start, "endTime": end, "open": open_, "high": high, "low": low, "close": close,
            "vwap": vwap, "volume": volume, "amount": amount, "minutes": minutes.astype(float)}


def tick_frame():
    n, L = 120, 5
    secs = np.sort(rng.choice(np.arange(0, 4 * 3600), n - 2, replace=False))
    to_clock = lambda s: (9 * 3600 + 30 * 60 + s) * 1000 if s < 7200 else (13 * 3600 + s - 7200) * 1000
    time = np.array([(9 * 3600 + 25 * 60) * 1000] + [to_clock(s) for s in secs] + [15 * 3600 * 1000])
    mid = 8 * np.exp(np.cumsum(rng.normal(0, 0.0008, n)))
    tick = 0.01
    bid1 = np.floor(mid / tick) * tick
    ask1 = bid1 + tick * rng.integers(1, 3, n)
    bid_price = np.stack([bid1 - tick * l for l in range(L)], axis=1)
    ask_price = np.stack([ask1 + tick * l for l in range(L)], axis=1)
    bid_volume = np.round(rng.lognormal(8, 1, (n, L)) / 100) * 100
    ask_volume = np.round(rng.lognormal(8, 1, (n, L)) / 100) * 100
    bid_orders = np.round(bid_volume / 700) + 1
    ask_orders = np.round(ask_volume / 700) + 1
    # empty levels: price 0 (vendor convention), volume 0
    for i in range(0, n, 9):
        bid_price[i, 4] = 0.0; bid_volume[i, 4] = 0.0; bid_orders[i, 4] = 0.0
    for i in range(3, n, 13):
        ask_price[i, 3:] = 0.0; ask_volume[i, 3:] = 0.0; ask_orders[i, 3:] = 0.0
    ask_price[60, 0] = 0.0; ask_volume[60, 0] = 0.0  # one-sided book
    inc = np.round(rng.lognormal(7, 1.2, n) / 100) * 100
    inc[rng.random(n) < 0.2] = 0.0
    volume = np.cumsum(inc)
    last = np.where(rng.random(n) < 0.5, bid1, ask1)
    last[0] = 0.0  # no trade yet
    amount = np.cumsum(inc * last)
    trades = np.cumsum(np.round(inc / 400))
    return {"time": time, "levels": L, "last": last, "volume": volume, "amount": amount, "trades": trades,
            "bidPrice": bid_price, "bidVolume": bid_volume, "bidOrders": bid_orders,
            "askPrice": ask_price, "askVolume": ask_volume, "askOrders": ask_orders}


M, V, T = minute_frame(), vbar_frame(), tick_frame()


# ---------------------------------------------------------------- reference semantics
def fin(x):
    return np.isfinite(x)


def div(a, b):
    a, b = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float))
    out = np.full(a.shape, NAN)
    ok = b != 0
    with np.errstate(all="ignore"):
        out[ok] = a[ok] / b[ok]
    return out


def log(x):
    x = np.asarray(x, float)
    out = np.full(x.shape, NAN)
    ok = x > 0
    out[ok] = np.log(x[ok])
    return out


def cmp(a, b, op):
    a, b = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float))
    out = op(a, b).astype(float)
    out[np.isnan(a) | np.isnan(b)] = NAN
    return out


def delay(x, k):
    out = np.full(len(x), NAN)
    out[k:] = x[: len(x) - k]
    return out


def rolling(x, w, f):
    out = np.full(len(x), NAN)
    for i in range(w - 1, len(x)):
        win = x[i - w + 1: i + 1]
        if fin(win).all():
            out[i] = f(win)
    return out


def rolling2(x, y, w, f):
    out = np.full(len(x), NAN)
    for i in range(w - 1, len(x)):
        a, b = x[i - w + 1: i + 1], y[i - w + 1: i + 1]
        if fin(a).all() and fin(b).all():
            out[i] = f(a, b)
    return out


def r_corr(a, b):
    va, vb = ((a - a.mean()) ** 2).sum(), ((b - b.mean()) ** 2).sum()
    return ((a - a.mean()) * (b - b.mean())).sum() / math.sqrt(va * vb) if va > 0 and vb > 0 else NAN


def ts_rank(x, w):
    out = np.full(len(x), NAN)
    for i in range(w - 1, len(x)):
        win = x[i - w + 1: i + 1]
        if fin(win).all():
            prev = win[:-1]
            out[i] = ((prev < x[i]).sum() + 0.5 * (prev == x[i]).sum()) / (w - 1)
    return out


def ema(x, w):
    a = 2 / (w + 1)
    e, out = NAN, np.full(len(x), NAN)
    for i, v in enumerate(x):
        if math.isfinite(v):
            e = v if math.isnan(e) else e + a * (v - e)
            out[i] = e
    return out


def cum(x, f, start):
    acc, out = start, np.full(len(x), NAN)
    for i, v in enumerate(x):
        if math.isfinite(v):
            acc = f(acc, v)
            out[i] = acc
    return out


def F(x):
    x = np.asarray(x, float)
    return x[fin(x)]


def rsum(x): return F(x).sum()
def rmean(x): v = F(x); return v.mean() if len(v) else NAN
def rstd(x): v = F(x); return v.std(ddof=1) if len(v) > 1 else NAN
def rvar(x): v = F(x); return v.var(ddof=1) if len(v) > 1 else NAN


def rskew(x):
    v = F(x); d = v - v.mean(); m2 = (d ** 2).mean(); m3 = (d ** 3).mean()
    return m3 / m2 ** 1.5 if len(v) > 2 and m2 > 0 else NAN


def rkurt(x):
    v = F(x); d = v - v.mean(); m2 = (d ** 2).mean(); m4 = (d ** 4).mean()
    return m4 / m2 ** 2 - 3 if len(v) > 3 and m2 > 0 else NAN


def rq(x, q): v = F(x); return float(np.quantile(v, q)) if len(v) else NAN
def rfirst(x): v = F(x); return v[0] if len(v) else NAN
def rlast(x): v = F(x); return v[-1] if len(v) else NAN


def rarg(x, f):
    x = np.asarray(x, float)
    idx = np.where(fin(x))[0]
    if len(idx) == 0:
        return NAN
    k = idx[f(x[idx])]
    return k / (len(x) - 1)


def pairs(x, y):
    ok = fin(x) & fin(y)
    return x[ok], y[ok]


def rcorr(x, y):
    a, b = pairs(x, y)
    return r_corr(a, b) if len(a) > 1 else NAN


def rcov(x, y):
    a, b = pairs(x, y)
    return ((a - a.mean()) * (b - b.mean())).sum() / (len(a) - 1) if len(a) > 1 else NAN


def rbeta(y, x):
    b, a = pairs(y, x)
    sxx = ((a - a.mean()) ** 2).sum()
    return ((a - a.mean()) * (b - b.mean())).sum() / sxx if len(a) > 1 and sxx > 0 else NAN


def rslope(y):
    idx = np.arange(len(y), dtype=float)
    return rbeta(y, np.where(fin(y), idx, NAN))


def rshare(a, b):
    sb = rsum(b)
    return rsum(a) / sb if sb != 0 else NAN


def where(c, x):
    c = np.asarray(c, float)
    return np.where(np.isfinite(c) & (c != 0), x, NAN)


def clock(m):
    return (9 * 60 + 30 + m) * 60000 if m <= 120 else (13 * 60 + m - 120) * 60000


def first_minutes(x, t, m): return np.where(t <= clock(m), x, NAN)
def last_minutes(x, t, m): return np.where(t > clock(240 - m), x, NAN)
def between(x, t, a, b): return np.where((t > (a // 100 * 60 + a % 100) * 60000) & (t <= (b // 100 * 60 + b % 100) * 60000), x, NAN)


# tick fields
def inc(c): return np.concatenate([[c[0]], np.diff(c)])
def pos(p): return np.where(p > 0, p, NAN)


TL = T["levels"]
last_ = pos(T["last"])
tvol = inc(T["volume"])
tamt = inc(T["amount"])
bp, ap = pos(T["bidPrice"]), pos(T["askPrice"])
# Quantities at an empty level (price 0 or NaN) count as 0 (the @hfq/bars rule).
bv, bo = (np.where(T["bidPrice"] > 0, T[k], 0.0) for k in ("bidVolume", "bidOrders"))
av, ao = (np.where(T["askPrice"] > 0, T[k], 0.0) for k in ("askVolume", "askOrders"))


def lvl(m, k): return m[:, k - 1] if k <= TL else np.full(m.shape[0], NAN)


def lsum(m, a, b):
    cols = [lvl(m, k) for k in range(a, b + 1)]
    s = np.stack(cols, axis=1)
    ok = fin(s)
    out = np.where(ok, s, 0).sum(axis=1)
    return np.where(ok.any(axis=1), out, NAN)


def lmean(m, a, b):
    s = np.stack([lvl(m, k) for k in range(a, b + 1)], axis=1)
    ok = fin(s)
    return np.where(ok.any(axis=1), np.where(ok, s, 0).sum(axis=1) / np.maximum(ok.sum(axis=1), 1), NAN)


def imb(a, b):
    return div(a - b, a + b)


mid = (lvl(bp, 1) + lvl(ap, 1)) / 2
spread = lvl(ap, 1) - lvl(bp, 1)

c, o, h, l, v, a, tr, tm = M["close"], M["open"], M["high"], M["low"], M["volume"], M["amount"], M["trades"], M["time"]
r = log(div(c, delay(c, 1)))
vw = div(a, np.where(v > 0, v, 0)) if False else np.where(v > 0, div(a, v), NAN)
vc, vv, vt, vmin = V["close"], V["volume"], V["endTime"], V["minutes"]
vr = log(div(vc, delay(vc, 1)))

cases = [
    # arithmetic, comparison, logic, math (minute)
    ("minute", "mean(close - open) + mean(high * low) / mean(volume)", rmean(c - o) + rmean(h * l) / rmean(v)),
    ("minute", "mean(volume / trades)", rmean(div(v, tr))),
    ("minute", "mean(close / delay(close, 1) - 1)", rmean(div(c, delay(c, 1)) - 1)),
    ("minute", "sum(log_return(close) ^ 2)", rsum(r ** 2)),
    ("minute", "mean(abs(log_return(close)) ^ 0.5)", rmean(np.abs(r) ** 0.5)),
    ("minute", "mean(-log_return(close))", rmean(-r)),
    ("minute", "mean(close > open) + 2 * mean(close >= open)", rmean(cmp(c, o, np.greater)) + 2 * rmean(cmp(c, o, np.greater_equal))),
    ("minute", "mean(close < open) - mean(close <= open)", rmean(cmp(c, o, np.less)) - rmean(cmp(c, o, np.less_equal))),
    ("minute", "mean(close == high) + mean(volume != 0)", rmean(cmp(c, h, np.equal)) + rmean(cmp(v, 0, np.not_equal))),
    ("minute", "mean(and(close > open, volume > 10000))", rmean(np.where(np.isnan(cmp(c, o, np.greater)), NAN, ((c > o) & (v > 10000)).astype(float)))),
    ("minute", "mean(or(close > open, volume > 10000))", rmean(np.where(np.isnan(cmp(c, o, np.greater)), NAN, ((c > o) | (v > 10000)).astype(float)))),
    ("minute", "mean(not(close > open))", rmean(np.where(np.isnan(c), NAN, (~(c > o)).astype(float)))),
    ("minute", "sum(if(close > open, volume, -volume))", rsum(np.where(np.isnan(c), NAN, np.where(c > o, v, -v)))),
    ("minute", "mean(where(volume > 20000, log_return(close)))", rmean(where(cmp(v, 20000, np.greater), r))),
    ("minute", "mean(fill_nan(log_return(close), 0))", rmean(np.where(fin(r), r, 0))),
    ("minute", "mean(sign(close - open))", rmean(np.sign(c - o))),
    ("minute", "log(sum(amount))", math.log(rsum(a))),
    ("minute", "mean(log1p(volume))", rmean(np.log1p(v))),
    ("minute", "slog(sum(sign(close - open) * volume))", (lambda s: math.copysign(math.log1p(abs(s)), s))(rsum(np.sign(c - o) * v))),
    ("minute", "exp(sum(log_return(close)))", math.exp(rsum(r))),
    ("minute", "sqrt(mean(volume))", math.sqrt(rmean(v))),
    ("minute", "mean(tanh(log_return(close) * 500))", rmean(np.tanh(r * 500))),
    ("minute", "mean(maximum(close - open, 0)) + mean(minimum(close - open, 0))", rmean(np.maximum(c - o, 0)) + rmean(np.minimum(c - o, 0))),
    ("minute", "mean(clip(log_return(close) * 1000, -1, 1))", rmean(np.clip(r * 1000, -1, 1))),
    ("minute", "mean(imbalance(high - close, close - low))", rmean(imb(h - c, c - l))),
    ("minute", "mean(vwap)", rmean(vw)),
    ("minute", "mean(trades)", rmean(tr)),
    ("minute", "mean(close / mean(close) - 1) * 1000", rmean(c / rmean(c) - 1) * 1000),
    ("minute", "mean(ts_mean(close, 5) > mean(close))", rmean(cmp(rolling(c, 5, np.mean), rmean(c), np.greater))),
    # rolling
    ("minute", "mean(delay(volume, 3))", rmean(delay(v, 3))),
    ("minute", "mean(shift(volume, 0))", rmean(v)),
    ("minute", "std(diff(close))", rstd(c - delay(c, 1))),
    ("minute", "std(diff(close, 5))", rstd(c - delay(c, 5))),
    ("minute", "mean(pct_change(close, 2))", rmean(div(c, delay(c, 2)) - 1)),
    ("minute", "sum(log_return(close, 10))", rsum(log(div(c, delay(c, 10))))),
    ("minute", "mean(ts_sum(volume, 7))", rmean(rolling(v, 7, np.sum))),
    ("minute", "mean(ts_mean(close, 12))", rmean(rolling(c, 12, np.mean))),
    ("minute", "mean(ts_std(log_return(close), 20))", rmean(rolling(r, 20, lambda w: w.std(ddof=1)))),
    ("minute", "mean(ts_var(close, 4))", rmean(rolling(c, 4, lambda w: w.var(ddof=1)))),
    ("minute", "mean(ts_zscore(volume, 15))", rmean((v - rolling(v, 15, np.mean)) / rolling(v, 15, lambda w: w.std(ddof=1)))),
    ("minute", "mean(ts_max(high, 9)) - mean(ts_min(low, 9))", rmean(rolling(h, 9, np.max)) - rmean(rolling(l, 9, np.min))),
    ("minute", "mean(ts_max(close, 1))", rmean(c)),
    ("minute", "mean(ts_min(close, 30))", rmean(rolling(c, 30, np.min))),
    ("minute", "mean(ts_rank(volume, 10))", rmean(ts_rank(v, 10))),
    ("minute", "mean(ts_rank(close, 25))", rmean(ts_rank(c, 25))),
    ("minute", "mean(ts_cov(log_return(close), volume, 20))", rmean(rolling2(r, v, 20, lambda x, y: ((x - x.mean()) * (y - y.mean())).sum() / (len(x) - 1)))),
    ("minute", "mean(ts_corr(close, volume, 30))", rmean(rolling2(c, v, 30, r_corr))),
    ("minute", "mean(ts_corr(volume, close, 30))", rmean(rolling2(c, v, 30, r_corr))),
    ("minute", "last(ema(close, 10)) + mean(ema(volume, 3))", rlast(ema(c, 10)) + rmean(ema(v, 3))),
    ("minute", "mean(decay_linear(log_return(close), 8))", rmean(rolling(r, 8, lambda w: (w * np.arange(1, 9)).sum() / 36))),
    ("minute", "last(cumsum(log_return(close))) + mean(cumsum(volume))", rlast(cum(r, lambda s, x: s + x, 0.0)) + rmean(cum(v, lambda s, x: s + x, 0.0))),
    ("minute", "max(1 - close / cummax(close))", np.nanmax(1 - c / cum(c, max, -math.inf))),
    ("minute", "max(close / cummin(close) - 1)", np.nanmax(c / cum(c, min, math.inf) - 1)),
    # reducers
    ("minute", "sum(volume)", rsum(v)),
    ("minute", "count(close) + count(trades)", float(fin(c).sum() + fin(tr).sum())),
    ("minute", "count(where(volume == 0, close))", float((fin(c) & (v == 0)).sum())),
    ("minute", "sum(where(volume > 1e12, close))", 0.0),
    ("minute", "mean(where(volume > 1e12, close))", NAN),
    ("minute", "std(log_return(close))", rstd(r)),
    ("minute", "var(volume)", rvar(v)),
    ("minute", "skew(log_return(close))", rskew(r)),
    ("minute", "kurt(log_return(close))", rkurt(r)),
    ("minute", "min(low) + max(high)", F(l).min() + F(h).max()),
    ("minute", "median(volume)", rq(v, 0.5)),
    ("minute", "median(close)", rq(c, 0.5)),
    ("minute", "quantile(log_return(close), 0.9) - quantile(log_return(close), 0.1)", rq(r, 0.9) - rq(r, 0.1)),
    ("minute", "quantile(volume, 0) + quantile(volume, 1)", rq(v, 0) + rq(v, 1)),
    ("minute", "first(close) + last(close)", rfirst(c) + rlast(c)),
    ("minute", "first(log_return(close))", rfirst(r)),
    ("minute", "argmax(volume) + argmin(close)", rarg(v, np.argmax) + rarg(c, np.argmin)),
    ("minute", "corr(close, volume)", rcorr(c, v)),
    ("minute", "corr(abs(log_return(close)), volume)", rcorr(np.abs(r), v)),
    ("minute", "cov(log_return(close), volume)", rcov(r, v)),
    ("minute", "beta(log_return(close), log_return(open))", rbeta(r, log(div(o, delay(o, 1))))),
    ("minute", "slope(close)", rslope(c)),
    ("minute", "share(first_minutes(volume, 30), volume)", rshare(first_minutes(v, tm, 30), v)),
    ("minute", "autocorr(log_return(close), 1)", rcorr(r, delay(r, 1))),
    ("minute", "autocorr(volume, 5)", rcorr(v, delay(v, 5))),
    # time filters
    ("minute", "share(last_minutes(volume, 30), volume)", rshare(last_minutes(v, tm, 30), v)),
    ("minute", "share(first_minutes(volume, 150), volume)", rshare(first_minutes(v, tm, 150), v)),
    ("minute", "share(between(volume, 1300, 1400), volume)", rshare(between(v, tm, 1300, 1400), v)),
    ("minute", "sum(log_return(morning(close)))", rsum(log(div(np.where(tm <= 41400000, c, NAN), delay(np.where(tm <= 41400000, c, NAN), 1))))),
    ("minute", "share(afternoon(volume), volume)", rshare(np.where(tm > 41400000, v, NAN), v)),
    ("minute", "count(first_minutes(close, 1))", float(fin(first_minutes(c, tm, 1)).sum())),
    # vbar source
    ("vbar", "std(log_return(close))", rstd(vr)),
    ("vbar", "skew(log_return(close))", rskew(vr)),
    ("vbar", "corr(minutes, abs(log_return(close)))", rcorr(vmin, np.abs(vr))),
    ("vbar", "mean(vwap / close - 1)", rmean(V["vwap"] / vc - 1)),
    ("vbar", "slope(close) / mean(close)", rslope(vc) / rmean(vc)),
    ("vbar", "count(close) + mean(minutes)", float(len(vc)) + rmean(vmin)),
    ("vbar", "share(first_minutes(volume, 60), volume)", rshare(first_minutes(vv, vt, 60), vv)),
    ("vbar", "mean(ts_mean(log_return(close), 3))", rmean(rolling(vr, 3, np.mean))),
    ("vbar", "max(high / low - 1)", np.nanmax(V["high"] / V["low"] - 1)),
    ("vbar", "last(amount) / mean(amount)", rlast(V["amount"]) / rmean(V["amount"])),
    # tick source
    ("tick", "mean(last)", rmean(last_)),
    ("tick", "sum(volume) + sum(amount) / 1000", rsum(tvol) + rsum(tamt) / 1000),
    ("tick", "mean(trades) + last(cum_trades)", rmean(inc(T["trades"])) + rlast(T["trades"])),
    ("tick", "last(cum_volume) - first(cum_volume) + last(cum_amount) / 1e6", rlast(T["volume"]) - rfirst(T["volume"]) + rlast(T["amount"]) / 1e6),
    ("tick", "mean(bid_volume[1] - ask_volume[1])", rmean(lvl(bv, 1) - lvl(av, 1))),
    ("tick", "mean(bid_price[5])", rmean(lvl(bp, 5))),
    ("tick", "count(ask_price[4])", float(fin(lvl(ap, 4)).sum())),
    ("tick", "mean(bid_volume[8])", NAN),
    ("tick", "mean(level_sum(bid_volume, 1, 5))", rmean(lsum(bv, 1, 5))),
    ("tick", "mean(level_sum(bid_volume, 3, 10))", rmean(lsum(bv, 3, 10))),
    ("tick", "mean(level_sum(ask_price * ask_volume, 1, 5) / level_sum(ask_volume, 1, 5))", rmean(div(lsum(ap * av, 1, 5), lsum(av, 1, 5)))),
    ("tick", "mean(level_mean(ask_orders, 1, 5)) + mean(level_mean(bid_orders, 2, 3))", rmean(lmean(ao, 1, 5)) + rmean(lmean(bo, 2, 3))),
    ("tick", "mean(level_mean(ask_price, 1, 5))", rmean(lmean(ap, 1, 5))),
    ("tick", "mean(level_diff(ask_price, 5, 1))", rmean(lvl(ap, 5) - lvl(ap, 1))),
    ("tick", "mean(level_diff(bid_volume, 1, 2))", rmean(lvl(bv, 1) - lvl(bv, 2))),
    ("tick", "mean((bid_price - mid())[2])", rmean(lvl(bp, 2) - mid)),
    ("tick", "mean(level_sum(bid_price - mean(mid()), 1, 3))", rmean(lsum(bp - rmean(mid), 1, 3))),
    ("tick", "mean(mid())", rmean(mid)),
    ("tick", "mean(spread())", rmean(spread)),
    ("tick", "mean(rel_spread())", rmean(spread / mid)),
    ("tick", "mean(micro_price() / mid() - 1)", rmean(div(lvl(bp, 1) * lvl(av, 1) + lvl(ap, 1) * lvl(bv, 1), lvl(bv, 1) + lvl(av, 1)) / mid - 1)),
    ("tick", "mean(book_imbalance(1)) + mean(book_imbalance(5))", rmean(imb(lsum(bv, 1, 1), lsum(av, 1, 1))) + rmean(imb(lsum(bv, 1, 5), lsum(av, 1, 5)))),
    ("tick", "mean(depth(3))", rmean(lsum(bv, 1, 3) + lsum(av, 1, 3))),
    ("tick", "sum(sign(last - delay(mid(), 1)) * volume) / sum(volume)", rsum(np.sign(last_ - delay(mid, 1)) * tvol) / rsum(tvol)),
    ("tick", "share(first_minutes(volume, 30), volume)", rshare(first_minutes(tvol, T["time"], 30), tvol)),
    ("tick", "mean(ts_mean(book_imbalance(3), 10))", rmean(rolling(imb(lsum(bv, 1, 3), lsum(av, 1, 3)), 10, np.mean))),
]


def enc(x):
    if isinstance(x, np.ndarray):
        return [enc(float(v)) for v in x.reshape(-1)]
    x = float(x)
    return x if math.isfinite(x) else None


frames = {
    "minute": {k: enc(v) for k, v in M.items()},
    "vbar": {k: enc(v) for k, v in V.items()},
    "tick": {k: (v if k == "levels" else enc(v)) for k, v in T.items()},
}
out = {"frames": frames, "cases": [{"source": s, "formula": f, "expected": enc(e)} for s, f, e in cases]}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "operators.json")
with open(path, "w") as fh:
    json.dump(out, fh, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {path}")
