"""What the daily fixture generators share: NaN-as-null encoding and writing a fixture beside them."""
import json
import math
import os

import numpy as np


def enc(a):
    """A flat list of floats, NaN and infinities written as null (JSON has neither)."""
    return [None if not math.isfinite(float(x)) else float(x) for x in np.asarray(a, dtype=float).ravel()]


def write_fixture(name, obj):
    """Writes `obj` as compact JSON to `name` in this folder."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), name), "w") as fh:
        json.dump(obj, fh, separators=(",", ":"))
