"""The @hfq/models architectures in PyTorch, as a measuring stick for the GPU benchmark.

Never a dependency of the packages: this runs only on the GPU machine's Python (PyTorch there)
to give the ratio webgpu time / PyTorch time on the same GPU. Same shapes, same parameters (name,
shape and layout: every dense weight is `w [in, out]`, applied as `x @ w + b`), same forward
computation, same IC loss. Written as plain, idiomatic PyTorch: cuDNN's GRU,
`scaled_dot_product_attention`, `layer_norm`.

`parameter_list(model)` gives each parameter as the TypeScript side names it ("enc/layer0/attn/q/w"),
in TypeScript layout; the benchmark asserts it equals the list in params.json.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

LAYER_NORM_EPS = 1e-5


class Linear(nn.Module):
    """`x @ w + b` with `w [in, out]` (the TypeScript layout)."""

    def __init__(self, d_in, d_out, bias=True):
        super().__init__()
        self.w = nn.Parameter(torch.empty(d_in, d_out))
        self.b = nn.Parameter(torch.zeros(d_out)) if bias else None
        nn.init.xavier_uniform_(self.w)

    def forward(self, x):
        y = x @ self.w
        return y if self.b is None else y + self.b


class LayerNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(d))
        self.beta = nn.Parameter(torch.zeros(d))

    def forward(self, x):
        return F.layer_norm(x, (x.shape[-1],), self.gamma, self.beta, LAYER_NORM_EPS)


class Attention(nn.Module):
    """Multi-head attention: q, k, v, o projections; softmax(q k^T / sqrt(dk)) v; dropout on the weights."""

    def __init__(self, d, n_heads, dropout):
        super().__init__()
        self.q, self.k, self.v, self.o = Linear(d, d), Linear(d, d), Linear(d, d), Linear(d, d)
        self.n_heads = n_heads
        self.dropout = dropout

    def forward(self, query, memory, causal=False):
        b, tq, d = query.shape
        tk = memory.shape[1]
        h = self.n_heads

        def heads(x, t):
            return x.reshape(b, t, h, d // h).transpose(1, 2)

        q, k, v = heads(self.q(query), tq), heads(self.k(memory), tk), heads(self.v(memory), tk)
        p = self.dropout if self.training else 0.0
        out = F.scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=causal)
        return self.o(out.transpose(1, 2).reshape(b, tq, d))


class FeedForward(nn.Module):
    def __init__(self, d, d_ff, activation, dropout):
        super().__init__()
        self.fc1, self.fc2 = Linear(d, d_ff), Linear(d_ff, d)
        self.act = F.relu if activation == "relu" else F.gelu
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        return self.fc2(self.drop(self.act(self.fc1(x))))


class EncoderLayer(nn.Module):
    """Post-norm encoder layer; `last_only` computes the last token's output only."""

    def __init__(self, c):
        super().__init__()
        d = c["dModel"]
        self.attn = Attention(d, c["nHeads"], c["dropout"])
        self.norm1 = LayerNorm(d)
        self.ffn = FeedForward(d, c["dFF"], c["activation"], c["dropout"])
        self.norm2 = LayerNorm(d)
        self.drop = nn.Dropout(c["dropout"])

    def forward(self, x, last_only=False):
        q = x[:, -1:] if last_only else x
        h = self.norm1(q + self.drop(self.attn(q, x)))
        return self.norm2(h + self.drop(self.ffn(h)))


def sinusoidal(length, d):
    """Sinusoidal positions [length, d]: sin on even features, cos on odd ones."""
    pe = torch.zeros(length, d)
    pos = torch.arange(length, dtype=torch.float64)[:, None]
    i = torch.arange(0, d, 2, dtype=torch.float64)
    angle = pos / 10000 ** (i / d)
    pe[:, 0::2] = torch.sin(angle).float()
    pe[:, 1::2] = torch.cos(angle[:, : d // 2]).float()
    return pe


class DayEncoder(nn.Module):
    """Linear embedding of each day's factors + positions + dropout + encoder layers."""

    def __init__(self, c, n_layers):
        super().__init__()
        self.embed = Linear(c["nFeatures"], c["dModel"])
        self.n_layers = n_layers
        for i in range(n_layers):
            self.add_module(f"layer{i}", EncoderLayer(c))
        self.drop = nn.Dropout(c["dropout"])
        self.register_buffer("pe", sinusoidal(c["window"], c["dModel"]), persistent=False)

    def forward(self, x, last_only=False):
        h = self.drop(self.embed(x) + self.pe)
        for i in range(self.n_layers):
            h = getattr(self, f"layer{i}")(h, last_only and i == self.n_layers - 1)
        return h


class Transformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.enc = DayEncoder(c, c["nLayers"])
        head_in = c["window"] * c["dModel"] if c["pooling"] == "flatten" else c["dModel"]
        self.head = Linear(head_in, 1)
        self.drop = nn.Dropout(c["dropout"])

    def forward(self, x, teacher=None):
        h = self.enc(x, last_only=self.c["pooling"] == "last")
        if self.c["pooling"] == "last":
            pooled = h[:, -1]
        elif self.c["pooling"] == "mean":
            pooled = h.mean(1)
        else:
            pooled = h.reshape(h.shape[0], -1)
        return self.head(self.drop(pooled)).reshape(-1)


class GRU(nn.Module):
    """cuDNN's GRU (PyTorch's gate layout r, z, n, as the TypeScript model), last hidden state -> linear."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        self.rnn = nn.GRU(c["nFeatures"], c["hidden"], num_layers=c["nLayers"], batch_first=True,
                          dropout=c["dropout"] if c["nLayers"] > 1 else 0.0)
        self.head = Linear(c["hidden"], 1)
        self.drop = nn.Dropout(c["dropout"])

    def forward(self, x, teacher=None):
        out, _ = self.rnn(x)
        return self.head(self.drop(out[:, -1])).reshape(-1)

    def ts_layout(self):
        """(TypeScript name, tensor in TypeScript layout) for the GRU weights: w [in, 3H] = weight.T."""
        out = []
        for i in range(self.c["nLayers"]):
            out += [
                (f"gru{i}/wi", getattr(self.rnn, f"weight_ih_l{i}").t()),
                (f"gru{i}/wh", getattr(self.rnn, f"weight_hh_l{i}").t()),
                (f"gru{i}/bi", getattr(self.rnn, f"bias_ih_l{i}")),
                (f"gru{i}/bh", getattr(self.rnn, f"bias_hh_l{i}")),
            ]
        return out


class ITransformer(nn.Module):
    """One token per factor (its window embedded by one linear map), attention across factors."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        d = c["dModel"]
        self.embed = Linear(c["window"], d)
        for i in range(c["nLayers"]):
            self.add_module(f"layer{i}", EncoderLayer(c))
        self.norm = LayerNorm(d)
        self.proj = Linear(d, 1)
        self.head = Linear(c["nFeatures"], 1)
        self.drop = nn.Dropout(c["dropout"])

    def forward(self, x, teacher=None):
        h = self.drop(self.embed(x.transpose(1, 2)))
        for i in range(self.c["nLayers"]):
            h = getattr(self, f"layer{i}")(h)
        per_factor = self.proj(self.norm(h)).reshape(x.shape[0], -1)
        return self.head(self.drop(per_factor)).reshape(-1)


def crossformer_scales(c):
    segs = [math.ceil(c["window"] / c["segLen"])]
    for _ in range(1, c["nScales"]):
        segs.append(math.ceil(segs[-1] / c["mergeWin"]))
    return segs


class TwoStageAttention(nn.Module):
    """Crossformer's TSA on [B, F, S, d]: attention across segments, then across factors through routers."""

    def __init__(self, c, segs):
        super().__init__()
        d = c["dModel"]
        self.c, self.segs = c, segs
        self.time_attn = Attention(d, c["nHeads"], c["dropout"])
        self.norm1 = LayerNorm(d)
        self.mlp1 = FeedForward(d, c["dFF"], c["activation"], c["dropout"])
        self.norm2 = LayerNorm(d)
        self.router = nn.Parameter(torch.randn(segs, c["routers"], d))
        self.dim_sender = Attention(d, c["nHeads"], c["dropout"])
        self.dim_receiver = Attention(d, c["nHeads"], c["dropout"])
        self.norm3 = LayerNorm(d)
        self.mlp2 = FeedForward(d, c["dFF"], c["activation"], c["dropout"])
        self.norm4 = LayerNorm(d)
        self.drop = nn.Dropout(c["dropout"])

    def forward(self, x):
        b, f, s, d = x.shape
        time_in = x.reshape(b * f, s, d)
        dim_in = self.norm1(time_in + self.drop(self.time_attn(time_in, time_in)))
        dim_in = self.norm2(dim_in + self.drop(self.mlp1(dim_in)))
        dim_send = dim_in.reshape(b, f, s, d).transpose(1, 2).reshape(b * s, f, d)
        router = self.router[None].expand(b, s, self.c["routers"], d).reshape(b * s, self.c["routers"], d)
        buffer = self.dim_sender(router, dim_send)
        receive = self.dim_receiver(dim_send, buffer)
        dim_enc = self.norm3(dim_send + self.drop(receive))
        dim_enc = self.norm4(dim_enc + self.drop(self.mlp2(dim_enc)))
        return dim_enc.reshape(b, s, f, d).transpose(1, 2)


class SegmentMerge(nn.Module):
    def __init__(self, c):
        super().__init__()
        w, d = c["mergeWin"], c["dModel"]
        self.w = w
        self.norm = LayerNorm(w * d)
        self.linear = Linear(w * d, d)

    def forward(self, x):
        b, f, s, d = x.shape
        pad = (self.w - s % self.w) % self.w
        if pad > 0:
            x = torch.cat([x, x[:, :, s - pad:]], 2)
        return self.linear(self.norm(x.reshape(b, f, (s + pad) // self.w, self.w * d)))


class Scale(nn.Module):
    def __init__(self, c, i, segs):
        super().__init__()
        self.depth = c["depth"]
        if i > 0:
            self.merge = SegmentMerge(c)
        for k in range(c["depth"]):
            self.add_module(f"tsa{k}", TwoStageAttention(c, segs))

    def forward(self, x):
        if hasattr(self, "merge"):
            x = self.merge(x)
        for k in range(self.depth):
            x = getattr(self, f"tsa{k}")(x)
        return x


class Crossformer(nn.Module):
    """DSW embedding, scales of two-stage attention with segment merging, a linear head per scale, summed."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        d, nf = c["dModel"], c["nFeatures"]
        self.segs = crossformer_scales(c)
        self.embed = Linear(c["segLen"], d)
        self.pos = nn.Parameter(torch.randn(1, nf, self.segs[0], d))
        self.prenorm = LayerNorm(d)
        for i in range(c["nScales"]):
            self.add_module(f"scale{i}", Scale(c, i, self.segs[i]))
        for k, n in enumerate([self.segs[0]] + self.segs):
            self.add_module(f"head{k}", Linear(nf * n * d, 1))
        self.drop = nn.Dropout(c["dropout"])

    def forward(self, x, teacher=None):
        c = self.c
        b = x.shape[0]
        s0 = self.segs[0]
        pad = s0 * c["segLen"] - c["window"]
        if pad > 0:
            x = torch.cat([x[:, :1]] * pad + [x], 1)
        h = self.embed(x.transpose(1, 2).reshape(b, c["nFeatures"], s0, c["segLen"]))
        h = self.prenorm(h + self.pos)
        outs = [h]
        for i in range(c["nScales"]):
            h = getattr(self, f"scale{i}")(h)
            outs.append(h)
        score = 0
        for k, o in enumerate(outs):
            score = score + getattr(self, f"head{k}")(self.drop(o.reshape(b, -1)))
        return score.reshape(-1)


class DecoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["dModel"]
        self.self_attn = Attention(d, c["nHeads"], c["dropout"])
        self.norm1 = LayerNorm(d)
        self.cross_attn = Attention(d, c["nHeads"], c["dropout"])
        self.norm2 = LayerNorm(d)
        self.ffn = FeedForward(d, c["dFF"], c["activation"], c["dropout"])
        self.norm3 = LayerNorm(d)
        self.drop = nn.Dropout(c["dropout"])

    def forward(self, h, memory):
        h = self.norm1(h + self.drop(self.self_attn(h, h, causal=True)))
        h = self.norm2(h + self.drop(self.cross_attn(h, memory)))
        return self.norm3(h + self.drop(self.ffn(h)))


class Decoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed = Linear(1, c["dModel"])
        for i in range(c["decLayers"]):
            self.add_module(f"layer{i}", DecoderLayer(c))
        self.drop = nn.Dropout(c["dropout"])
        self.register_buffer("pe", sinusoidal(c["horizon"], c["dModel"]), persistent=False)

    def forward(self, inputs, memory):
        t = inputs.shape[1]
        h = self.drop(self.embed(inputs[:, :, None]) + self.pe[:t])
        for i in range(self.c["decLayers"]):
            h = getattr(self, f"layer{i}")(h, memory)
        return h


class Seq2Seq(nn.Module):
    """Encoder over the window's days; decoder over [0, r1..r9]: teacher forcing in training, autoregressive otherwise."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        self.enc = DayEncoder(c, c["encLayers"])
        self.dec = Decoder(c)
        self.out = Linear(c["dModel"], 1)

    def decode(self, inputs, memory):
        return self.out(self.dec(inputs, memory)).squeeze(-1)

    def forward(self, x, teacher=None):
        memory = self.enc(x)
        start = x.new_zeros(x.shape[0], 1)
        if teacher is not None:
            return self.decode(torch.cat([start, teacher[:, :-1]], 1), memory)
        preds = []
        for k in range(1, self.c["horizon"] + 1):
            preds.append(self.decode(torch.cat([start] + preds, 1), memory)[:, k - 1:k])
        return torch.cat(preds, 1)


class ToyBlock(nn.Module):
    """The toy attention block of the first H100 measurement (scripts/gpu/toy.ts)."""

    def __init__(self, c):
        super().__init__()
        d = c["dModel"]
        self.embed = Linear(c["nFeatures"], d)
        self.attn = nn.Module()
        for n in "qkvo":
            self.attn.add_module(n, Linear(d, d))
        self.norm = LayerNorm(d)
        self.head = Linear(d, 1)

    def forward(self, x, teacher=None):
        h = self.embed(x)
        a = F.scaled_dot_product_attention(self.attn.q(h), self.attn.k(h), self.attn.v(h))
        r = self.norm(h + self.attn.o(a))
        return self.head(r.mean(1)).reshape(-1)


ARCHITECTURES = {
    "toy": ToyBlock,
    "transformer": Transformer,
    "gru": GRU,
    "itransformer": ITransformer,
    "crossformer": Crossformer,
    "seq2seq": Seq2Seq,
}


def build(config):
    return ARCHITECTURES[config["kind"]](config)


def parameter_list(model):
    """[(TypeScript name, tensor in TypeScript layout)] of every trainable parameter."""
    if isinstance(model, GRU):
        return model.ts_layout() + [("head/w", model.head.w), ("head/b", model.head.b)]
    return [(name.replace(".", "/"), p) for name, p in model.named_parameters()]


def check_parameters(model, expected):
    """Raises unless the model's parameters (name -> shape) equal `expected` ([{name, shape}])."""
    ours = {name: list(t.shape) for name, t in parameter_list(model)}
    theirs = {p["name"]: list(p["shape"]) for p in expected}
    if ours != theirs:
        missing = sorted(set(theirs) - set(ours))
        extra = sorted(set(ours) - set(theirs))
        wrong = sorted(n for n in set(ours) & set(theirs) if ours[n] != theirs[n])
        raise AssertionError(
            f"parameters differ from the TypeScript model: missing {missing[:5]}, extra {extra[:5]}, "
            f"wrong shape {[(n, ours[n], theirs[n]) for n in wrong[:5]]}"
        )
    return sum(math.prod(s) for s in ours.values())


def load_weights(model, weights):
    """Copies {TypeScript name: array in TypeScript layout} into the model."""
    with torch.no_grad():
        for name, t in parameter_list(model):
            t.copy_(torch.as_tensor(weights[name], dtype=t.dtype).reshape(t.shape))


def ic_loss(pred, label, weights, mask):
    """Minus the mean Pearson IC per (date, horizon) over the masked cross-section (as @hfq/models' icLoss)."""
    p = pred[:, None] if pred.dim() == 1 else pred
    y = label[:, None] if label.dim() == 1 else label
    m = mask[:, None] if mask.dim() == 1 else mask
    w3 = weights[:, :, None] * m[None]
    count = w3.sum(1)
    safe = count.clamp_min(1)
    y0 = torch.where(m > 0, y, torch.zeros_like(y))
    mean_p = (w3 * p[None]).sum(1) / safe
    mean_y = (w3 * y0[None]).sum(1) / safe
    pc = (p[None] - mean_p[:, None]) * w3
    yc = (y0[None] - mean_y[:, None]) * w3
    cov = (pc * yc).sum(1)
    ic = cov / (torch.sqrt((pc * pc).sum(1) + 1e-12) * torch.sqrt((yc * yc).sum(1) + 1e-12))
    valid = (count >= 3).float()
    return -(ic * valid).sum() / valid.sum().clamp_min(1)


def masked_mse(pred, label, mask):
    y0 = torch.where(mask > 0, label, torch.zeros_like(label))
    return ((pred - y0) ** 2 * mask).sum() / mask.sum().clamp_min(1)


def batch_loss(pred, label, weights, mask, aux):
    loss = ic_loss(pred, label, weights, mask)
    return loss + aux * masked_mse(pred, label, mask) if aux > 0 else loss


def segment_matrix(segments, n_dates):
    """[D, N] date membership of the stacked rows."""
    w = torch.zeros(n_dates, segments.shape[0], device=segments.device)
    w[segments.long(), torch.arange(segments.shape[0], device=segments.device)] = 1
    return w
