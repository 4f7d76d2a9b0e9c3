"""Reference values for packages/core/src/cross-section (numpy + scipy, independent of the TS code).

Regenerate:  python3 packages/core/src/cross-section/__fixtures__/make_preprocess_fixtures.py
Writes preprocess.json beside this script. NaN is written as null, +-Infinity as the strings
"Infinity" / "-Infinity". Every reference treats +-Infinity as missing, like the TS code.
"""

import json
import math
import os

import numpy as np
from scipy import special, stats

rng = np.random.default_rng(20260501)


def enc(a):
    out = []
    for v in np.asarray(a, dtype=np.float64).ravel():
        if math.isnan(v):
            out.append(None)
        elif math.isinf(v):
            out.append("Infinity" if v > 0 else "-Infinity")
        else:
            out.append(float(v))
    return out


def finite_mask(x):
    return np.isfinite(x)


# ---------------------------------------------------------------- vectors
vectors = {
    "random": np.round(rng.standard_t(3, size=24), 6),
    "ties": np.array([1.0, 2, 2, 3, 3, 3, np.nan, 10, -4, 2]),
    "constant": np.array([5.0, 5, 5, np.nan, 5]),
    "empty": np.array([], dtype=np.float64),
    "allNaN": np.array([np.nan, np.nan, np.nan]),
    "single": np.array([np.nan, 3.5]),
    "pair": np.array([1.0, 4.0]),
    "madZero": np.array([0.0, 0, 0, 0, 100, 1, np.nan]),
    "infinite": np.array([1.0, np.inf, 2, -np.inf, 3, 50, np.nan, 4]),
    "evenOutliers": np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 30.0, -40.0]),
    "nearConstant": np.array([0.1, 0.1, 0.1, 0.1 + 1e-9, 0.1 - 1e-9]),
}
vectors["random"][[3, 11]] = np.nan
vectors["random"][7] = 40.0


def winsorize(x, k, scale):
    x = x.astype(np.float64).copy()
    m = finite_mask(x)
    out = np.full_like(x, np.nan)
    if m.sum() == 0:
        return out
    f = x[m]
    med = np.median(f)
    mad = stats.median_abs_deviation(f, scale=1.0)
    if mad == 0:
        out[m] = f
        return out
    half = k * scale * mad
    out[m] = np.clip(f, med - half, med + half)
    return out


def zscore(x, ddof):
    x = x.astype(np.float64)
    m = finite_mask(x)
    out = np.full_like(x, np.nan)
    f = x[m]
    if f.size - ddof < 1 or f.size == 0 or f.min() == f.max():
        return out
    out[m] = stats.zscore(f, ddof=ddof)
    return out


def rank_gauss(x):
    x = x.astype(np.float64)
    m = finite_mask(x)
    out = np.full_like(x, np.nan)
    f = x[m]
    if f.size == 0:
        return out
    r = stats.rankdata(f, method="average")
    out[m] = stats.norm.ppf((r - 0.5) / f.size)
    return out


def fill(x, method, industry=None):
    x = x.astype(np.float64).copy()
    m = finite_mask(x)
    if method == "zero":
        x[~m] = 0.0
        return x
    f = x[m]
    if f.size == 0:
        x[~m] = np.nan
        return x
    overall = f.mean() if method == "mean" else np.median(f)
    if method != "industryMedian":
        x[~m] = overall
        return x
    res = x.copy()
    for i in np.where(~m)[0]:
        c = industry[i]
        if math.isnan(c) or c < 0:
            res[i] = overall
            continue
        same = (industry == c) & m
        res[i] = np.median(x[same]) if same.any() else overall
    return res


mad_scale = 1.0 / special.ndtri(0.75)
vec_out = {}
for name, x in vectors.items():
    vec_out[name] = {
        "x": enc(x),
        "winsorize_k5": enc(winsorize(x, 5.0, mad_scale)),
        "winsorize_k2_raw": enc(winsorize(x, 2.0, 1.0)),
        "zscore_ddof1": enc(zscore(x, 1)),
        "zscore_ddof0": enc(zscore(x, 0)),
        "rankGauss": enc(rank_gauss(x)),
        "fill_zero": enc(fill(x, "zero")),
        "fill_mean": enc(fill(x, "mean")),
        "fill_median": enc(fill(x, "median")),
    }

# industry-median fill: industry 2 has no finite value, asset 7 has an unknown industry
fx = np.array([1.0, np.nan, 3, 10, np.nan, 12, np.nan, np.nan, 5, 11, 14])
fi = np.array([0.0, 0, 0, 1, 1, 1, 2, np.nan, 0, 1, 1])
fill_industry = {"x": enc(fx), "industry": enc(fi), "expected": enc(fill(fx, "industryMedian", fi))}


# ---------------------------------------------------------------- neutralisation
def neutralize(y, industry, cap, covs=(), min_dof=1):
    y = y.astype(np.float64)
    n = y.size
    ok = np.isfinite(y)
    if industry is not None:
        ok &= np.isfinite(industry) & (np.nan_to_num(industry, nan=-1) >= 0)
    if cap is not None:
        ok &= np.isfinite(cap)
    for c in covs:
        ok &= np.isfinite(c)
    out = np.full(n, np.nan)
    idx = np.where(ok)[0]
    if idx.size == 0:
        return out, 0
    cols = []
    if industry is not None:
        for g in np.unique(industry[idx]):
            cols.append((industry[idx] == g).astype(np.float64))
    else:
        cols.append(np.ones(idx.size))
    if cap is not None:
        cols.append(np.log(cap[idx]))
    for c in covs:
        cols.append(c[idx])
    X = np.column_stack(cols)
    beta, _, rank, _ = np.linalg.lstsq(X, y[idx], rcond=None)
    dof = idx.size - rank
    if dof < min_dof:
        return out, int(dof)
    out[idx] = y[idx] - X @ beta
    return out, int(dof)


neut_cases = {}
n = 40
ind = rng.integers(0, 5, size=n).astype(np.float64)
ind[[4, 9]] = np.nan  # unknown industry
ind[13] = 7  # an industry with a single member
cap = np.exp(rng.normal(22.5, 1.0, size=n))
cap[17] = np.nan  # unknown size
y = 0.3 * np.log(cap) + ind * 0.2 + rng.normal(0, 1, size=n)
y = np.where(np.isnan(y), rng.normal(0, 1, size=n), y)
y[[2, 21]] = np.nan
style = rng.normal(0, 1, size=n)
r, dof = neutralize(y, ind, cap)
neut_cases["industrySize"] = {"y": enc(y), "industry": enc(ind), "cap": enc(cap), "expected": enc(r), "dof": dof}
r, dof = neutralize(y, None, cap)
neut_cases["sizeOnly"] = {"y": enc(y), "cap": enc(cap), "expected": enc(r), "dof": dof}
r, dof = neutralize(y, ind, None)
neut_cases["industryOnly"] = {"y": enc(y), "industry": enc(ind), "expected": enc(r), "dof": dof}
r, dof = neutralize(y, ind, cap, covs=(style,))
neut_cases["industrySizeStyle"] = {
    "y": enc(y), "industry": enc(ind), "cap": enc(cap), "styles": [enc(style)], "expected": enc(r), "dof": dof,
}
# rank deficient: size constant within each industry (collinear with the dummies)
ind2 = np.array([0.0, 0, 0, 1, 1, 1, 2, 2, 2, 2])
cap2 = np.array([1e9, 1e9, 1e9, 5e9, 5e9, 5e9, 2e10, 2e10, 2e10, 2e10])
y2 = np.array([0.5, -1.0, 2.0, 0.3, 0.1, -0.2, 1.0, 1.5, -0.5, 0.0])
r, dof = neutralize(y2, ind2, cap2)
neut_cases["collinearSize"] = {"y": enc(y2), "industry": enc(ind2), "cap": enc(cap2), "expected": enc(r), "dof": dof}
# duplicated style column (collinear covariates)
r, dof = neutralize(y, ind, cap, covs=(style, 2.0 * style))
neut_cases["duplicateStyle"] = {
    "y": enc(y), "industry": enc(ind), "cap": enc(cap), "styles": [enc(style), enc(2.0 * style)], "expected": enc(r),
    "dof": dof,
}
# tiny: 3 stocks in 3 industries + size -> no residual degrees of freedom -> all NaN
ind3 = np.array([0.0, 1, 2, 2])
cap3 = np.array([1e9, 2e9, 3e9, 4e9])
y3 = np.array([1.0, 2.0, 3.0, 5.0])
r, dof = neutralize(y3, ind3, cap3)
neut_cases["noDof"] = {"y": enc(y3), "industry": enc(ind3), "cap": enc(cap3), "expected": enc(r), "dof": dof}
# large size level with tiny spread (conditioning): caps 1e12 * (1 + 1e-4 * z)
ind4 = rng.integers(0, 3, size=30).astype(np.float64)
cap4 = 1e12 * (1 + 1e-4 * rng.normal(size=30))
y4 = rng.normal(size=30) + 1e4 * (cap4 / 1e12 - 1)
r, dof = neutralize(y4, ind4, cap4)
neut_cases["illConditioned"] = {"y": enc(y4), "industry": enc(ind4), "cap": enc(cap4), "expected": enc(r), "dof": dof}

# ---------------------------------------------------------------- normal quantile
ps = np.array([1e-300, 1e-100, 1e-20, 1e-12, 1e-6, 0.001, 0.02425, 0.075, 0.0749, 0.3, 0.5, 0.5 + 1e-12, 0.7, 0.925,
               0.999, 1 - 1e-10])
quantiles = {"p": enc(ps), "z": enc(special.ndtri(ps))}

# ---------------------------------------------------------------- panel pipeline
dates = [20240102, 20240103, 20240104, 20240105]
assets = [f"S{i:02d}" for i in range(14)]
P = rng.normal(size=(len(dates), len(assets)))
P[0, 3] = 25.0
P[1, [0, 5]] = np.nan
P[2, :] = np.where(np.arange(len(assets)) < 2, np.nan, P[2, :])
P[3, 7] = -30.0
ind_static = np.array([0.0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3])
capP = np.exp(rng.normal(22.0, 0.8, size=P.shape))
capP[1, 9] = np.nan


def pipeline_day(x, cap_row):
    x = winsorize(x, 3.0, mad_scale)
    x, _ = neutralize(x, ind_static, cap_row)
    x = zscore(x, 1)
    x = fill(x, "zero")
    return x


expected_panel = np.vstack([pipeline_day(P[t], capP[t]) for t in range(len(dates))])
panel_case = {
    "dates": dates,
    "assets": assets,
    "values": enc(P),
    "industry": enc(ind_static),
    "marketCap": enc(capP),
    "expected": enc(expected_panel),
}

# rank-gauss then industry-median fill on a float32 cube of 2 factors (factor 1 untouched)
P32 = P.astype(np.float32).astype(np.float64)


def cube_day(x):
    return fill(rank_gauss(x), "industryMedian", ind_static)


expected_cube = np.vstack([cube_day(P32[t]) for t in range(len(dates))]).astype(np.float32).astype(np.float64)
cube_case = {"expected": enc(expected_cube)}

out = {
    "madScale": mad_scale,
    "vectors": vec_out,
    "fillIndustry": fill_industry,
    "neutralize": neut_cases,
    "normalQuantile": quantiles,
    "panel": panel_case,
    "cube": cube_case,
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "preprocess.json"), "w") as fh:
    json.dump(out, fh, indent=1, allow_nan=False)
    fh.write("\n")
print("wrote preprocess.json")
