#!/usr/bin/env python3
"""Times scipy.stats.spearmanr per date over the benchmark panels (for the record).

Usage: scipy_ic_series.py <factor.f64> <forward.f64> <ours.f64> <n_dates> <n_assets>
Prints one JSON object: seconds, and the largest difference from our series.
"""
import json
import sys
import time
import warnings

import numpy as np
from scipy import stats

warnings.simplefilter("ignore")
f_path, r_path, ours_path, nd, na = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
F = np.fromfile(f_path, dtype="<f8").reshape(nd, na)
R = np.fromfile(r_path, dtype="<f8").reshape(nd, na)
ours = np.fromfile(ours_path, dtype="<f8")
out = np.full(nd, np.nan)
t0 = time.perf_counter()
for t in range(nd):
    x = F[t]
    y = R[t]
    keep = np.isfinite(x) & np.isfinite(y)
    if keep.sum() >= 2:
        out[t] = stats.spearmanr(x[keep], y[keep]).statistic
seconds = time.perf_counter() - t0
both = np.isfinite(out) & np.isfinite(ours)
print(json.dumps({
    "seconds": seconds,
    "maxAbsDiff": float(np.max(np.abs(out[both] - ours[both]))) if both.any() else None,
    "nanMismatch": int(np.sum(np.isfinite(out) != np.isfinite(ours))),
    "numpy": np.__version__,
    "scipy": __import__("scipy").__version__,
}))
