"""JSON encoding shared by the @hfq/metrics fixture generators in this folder.

JSON has no NaN or infinities: `enc` writes them as the strings "NaN", "Infinity", "-Infinity"
(the tests decode them) and turns numpy arrays and scalars into plain lists and numbers.
"""
import math

import numpy as np


def enc(x):
    if isinstance(x, dict):
        return {k: enc(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [enc(v) for v in x]
    if isinstance(x, np.ndarray):
        return [enc(v) for v in x.tolist()]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if math.isnan(x):
            return "NaN"
        if math.isinf(x):
            return "Infinity" if x > 0 else "-Infinity"
        return x
    return x
