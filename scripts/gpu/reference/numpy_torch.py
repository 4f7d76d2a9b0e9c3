"""A forward-only stand-in for the small part of PyTorch that models.py uses, on numpy.

Not PyTorch and not for timing: it lets machines without PyTorch (CI, the development machines)
run the reference models' forward pass and IC loss, so that their parameters and their outputs can
be checked against @hfq/models before the GPU machine runs them with the real PyTorch
(selftest.py). No autograd, no devices, dropout is the identity.
"""

import math
import sys
import types

import numpy as np
from scipy.special import erf

float32, float64, int64, bool_ = np.float32, np.float64, np.int64, np.bool_


def _a(x):
    return x.a if isinstance(x, Tensor) else x


def _idx(i):
    if isinstance(i, tuple):
        return tuple(_idx(j) for j in i)
    return _a(i)


class Tensor:
    def __init__(self, a):
        self.a = np.asarray(a)

    # shape and conversion
    @property
    def shape(self):
        return tuple(self.a.shape)

    @property
    def dtype(self):
        return self.a.dtype.type

    @property
    def device(self):
        return "cpu"

    def dim(self):
        return self.a.ndim

    def numpy(self):
        return self.a

    def item(self):
        return self.a.item()

    def float(self):
        return Tensor(self.a.astype(np.float32))

    def double(self):
        return Tensor(self.a.astype(np.float64))

    def long(self):
        return Tensor(self.a.astype(np.int64))

    def to(self, *args, **kwargs):
        return self

    def cpu(self):
        return self

    def new_zeros(self, *shape):
        return Tensor(np.zeros(shape, dtype=self.a.dtype))

    # views
    def reshape(self, *shape):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        return Tensor(self.a.reshape(shape))

    def transpose(self, i, j):
        return Tensor(np.swapaxes(self.a, i, j))

    def t(self):
        return Tensor(self.a.T)

    def expand(self, *shape):
        return Tensor(np.broadcast_to(self.a, shape))

    def squeeze(self, dim):
        return Tensor(np.squeeze(self.a, dim))

    def __getitem__(self, i):
        return Tensor(self.a[_idx(i)])

    def __setitem__(self, i, v):
        self.a[_idx(i)] = _a(v)

    def copy_(self, src):
        self.a[...] = _a(src)
        return self

    # reductions
    def sum(self, dim=None):
        return Tensor(self.a.sum(axis=dim))

    def mean(self, dim=None):
        return Tensor(self.a.mean(axis=dim))

    def clamp_min(self, m):
        return Tensor(np.maximum(self.a, m))

    # arithmetic
    def __add__(self, o):
        return Tensor(self.a + _a(o))

    __radd__ = __add__

    def __sub__(self, o):
        return Tensor(self.a - _a(o))

    def __rsub__(self, o):
        return Tensor(_a(o) - self.a)

    def __mul__(self, o):
        return Tensor(self.a * _a(o))

    __rmul__ = __mul__

    def __truediv__(self, o):
        return Tensor(self.a / _a(o))

    def __rtruediv__(self, o):
        return Tensor(_a(o) / self.a)

    def __pow__(self, o):
        return Tensor(self.a ** _a(o))

    def __rpow__(self, o):
        return Tensor(_a(o) ** self.a)

    def __matmul__(self, o):
        return Tensor(self.a @ _a(o))

    def __neg__(self):
        return Tensor(-self.a)

    def __gt__(self, o):
        return Tensor(self.a > _a(o))

    def __ge__(self, o):
        return Tensor(self.a >= _a(o))


class Parameter(Tensor):
    def __init__(self, t):
        super().__init__(_a(t))


# factories
def empty(*shape):
    return Tensor(np.zeros(shape, dtype=np.float32))


def zeros(*shape, dtype=np.float32, device=None):
    return Tensor(np.zeros(shape, dtype=dtype))


def ones(*shape, dtype=np.float32, device=None):
    return Tensor(np.ones(shape, dtype=dtype))


_rng = np.random.default_rng(0)


def randn(*shape):
    return Tensor(_rng.standard_normal(shape).astype(np.float32))


def arange(*args, dtype=np.int64, device=None):
    return Tensor(np.arange(*args).astype(dtype))


def as_tensor(a, dtype=None):
    a = np.asarray(_a(a))
    return Tensor(a if dtype is None else a.astype(dtype))


def from_numpy(a):
    return Tensor(a)


def cat(ts, dim):
    return Tensor(np.concatenate([_a(t) for t in ts], axis=dim))


def where(c, a, b):
    return Tensor(np.where(_a(c), _a(a), _a(b)))


def zeros_like(t):
    return Tensor(np.zeros_like(_a(t)))


def sqrt(t):
    return Tensor(np.sqrt(_a(t)))


def sin(t):
    return Tensor(np.sin(_a(t)))


def cos(t):
    return Tensor(np.cos(_a(t)))


def sigmoid(t):
    return Tensor(1 / (1 + np.exp(-_a(t))))


def tanh(t):
    return Tensor(np.tanh(_a(t)))


def manual_seed(_):
    return None


class no_grad:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# nn
class Module:
    def __init__(self):
        object.__setattr__(self, "_params", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        if isinstance(value, Parameter):
            self._params[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def add_module(self, name, m):
        setattr(self, name, m)

    def register_buffer(self, name, t, persistent=True):
        self._buffers[name] = t
        object.__setattr__(self, name, t)

    def named_parameters(self, prefix=""):
        for n, p in self._params.items():
            yield prefix + n, p
        for n, m in self._modules.items():
            yield from m.named_parameters(prefix + n + ".")

    def parameters(self):
        return [p for _, p in self.named_parameters()]

    def _apply(self, f):
        for p in self._params.values():
            p.a = f(p.a)
        for n, b in self._buffers.items():
            b.a = f(b.a)
        for m in self._modules.values():
            m._apply(f)
        return self

    def double(self):
        return self._apply(lambda a: a.astype(np.float64))

    def float(self):
        return self._apply(lambda a: a.astype(np.float32))

    def to(self, *args, **kwargs):
        return self

    def train(self, mode=True):
        object.__setattr__(self, "training", mode)
        for m in self._modules.values():
            m.train(mode)
        return self

    def eval(self):
        return self.train(False)

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)


class Dropout(Module):
    def __init__(self, p=0.5):
        super().__init__()

    def forward(self, x):
        return x


class GRU(Module):
    def __init__(self, input_size, hidden_size, num_layers=1, batch_first=True, dropout=0.0):
        super().__init__()
        self.hidden, self.layers = hidden_size, num_layers
        bound = 1 / math.sqrt(hidden_size)
        for i in range(num_layers):
            d_in = input_size if i == 0 else hidden_size
            for name, shape in ((f"weight_ih_l{i}", (3 * hidden_size, d_in)), (f"weight_hh_l{i}", (3 * hidden_size, hidden_size)),
                                (f"bias_ih_l{i}", (3 * hidden_size,)), (f"bias_hh_l{i}", (3 * hidden_size,))):
                setattr(self, name, Parameter(_rng.uniform(-bound, bound, shape).astype(np.float32)))

    def forward(self, x):
        seq = x.a
        h_n = []
        hid = self.hidden
        for i in range(self.layers):
            wi, wh = getattr(self, f"weight_ih_l{i}").a, getattr(self, f"weight_hh_l{i}").a
            bi, bh = getattr(self, f"bias_ih_l{i}").a, getattr(self, f"bias_hh_l{i}").a
            h = np.zeros((seq.shape[0], hid), dtype=seq.dtype)
            outs = []
            for t in range(seq.shape[1]):
                gi = seq[:, t] @ wi.T + bi
                gh = h @ wh.T + bh
                r = 1 / (1 + np.exp(-(gi[:, :hid] + gh[:, :hid])))
                z = 1 / (1 + np.exp(-(gi[:, hid:2 * hid] + gh[:, hid:2 * hid])))
                n = np.tanh(gi[:, 2 * hid:] + r * gh[:, 2 * hid:])
                h = (1 - z) * n + z * h
                outs.append(h)
            seq = np.stack(outs, 1)
            h_n.append(h)
        return Tensor(seq), Tensor(np.stack(h_n))


def _xavier_uniform_(t):
    fan_out, fan_in = t.shape[0], t.shape[1]
    bound = math.sqrt(6 / (fan_in + fan_out))
    t.a[...] = _rng.uniform(-bound, bound, t.shape)
    return t


# functional
def layer_norm(x, shape, gamma, beta, eps):
    a = x.a
    mean = a.mean(-1, keepdims=True)
    var = ((a - mean) ** 2).mean(-1, keepdims=True)
    return Tensor((a - mean) / np.sqrt(var + eps) * gamma.a + beta.a)


def relu(x):
    return Tensor(np.maximum(x.a, 0))


def gelu(x):
    return Tensor(0.5 * x.a * (1 + erf(x.a / math.sqrt(2))))


def scaled_dot_product_attention(q, k, v, dropout_p=0.0, is_causal=False):
    s = q.a @ np.swapaxes(k.a, -1, -2) / math.sqrt(q.shape[-1])
    if is_causal:
        tq, tk = s.shape[-2], s.shape[-1]
        s = np.where(np.tril(np.ones((tq, tk), dtype=bool)), s, -np.inf)
    s = np.exp(s - s.max(-1, keepdims=True))
    return Tensor((s / s.sum(-1, keepdims=True)) @ v.a)


def install():
    """Makes `import torch`, `torch.nn`, `torch.nn.functional` resolve to this module's stand-ins."""
    this = sys.modules[__name__]
    nn = types.ModuleType("torch.nn")
    nn.Module, nn.Parameter, nn.Dropout, nn.GRU = Module, Parameter, Dropout, GRU
    nn.init = types.SimpleNamespace(xavier_uniform_=_xavier_uniform_)
    functional = types.ModuleType("torch.nn.functional")
    for f in (layer_norm, relu, gelu, scaled_dot_product_attention):
        setattr(functional, f.__name__, f)
    nn.functional = functional
    this.nn = nn
    sys.modules["torch"] = this
    sys.modules["torch.nn"] = nn
    sys.modules["torch.nn.functional"] = functional
