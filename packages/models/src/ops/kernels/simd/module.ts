import {
  buildModule,
  type Expr,
  F,
  F4,
  Func,
  f32,
  forRange,
  get,
  I,
  I4,
  i32,
  ifElse,
  type Local,
  type Stmt,
  seq,
  set,
  V,
  type ValType,
} from './asm.js';

/**
 * The package's WebAssembly SIMD kernels (f32x4), working in place on the memory they are given
 * (the tfjs wasm backend's heap). Pointers are byte addresses; counts are elements. Each export
 * processes whole vectors of 4 where noted; the callers in `simd/index.ts` handle tails and
 * shapes the code does not cover.
 */

/** `e^x` per lane: `2^n * e^r`, `n = round(x / ln 2)`, `|r| <= ln2 / 2`, Taylor degree 7 (relative error < 1e-8 before rounding); 0 below -87. */
function exp4(f: Func, dst: Local, x: Expr): Stmt {
  const xin = f.local('v128');
  const v = f.local('v128');
  const n = f.local('v128');
  const r = f.local('v128');
  const p = f.local('v128');
  const C = (c: number) => F4.const(c);
  let poly: Expr = C(1 / 5040);
  for (const c of [1 / 720, 1 / 120, 1 / 24, 1 / 6, 1 / 2, 1, 1]) poly = F4.add(F4.mul(poly, get(r)), C(c));
  return seq(
    set(xin, x),
    set(v, F4.min(F4.max(get(xin), C(-87)), C(88))),
    set(n, F4.nearest(F4.mul(get(v), C(Math.LOG2E)))),
    // Two-part ln 2 (0.693359375 is exact in 9 bits) keeps r accurate.
    set(r, F4.sub(F4.sub(get(v), F4.mul(get(n), C(0.693359375))), F4.mul(get(n), C(-2.1219444005469057e-4)))),
    set(p, poly),
    set(p, F4.mul(get(p), I4.shl(I4.add(I4.truncSatF32x4(get(n)), I4.const(127)), i32(23)))),
    // x < -87 (including -inf from masked logits) gives exactly 0.
    set(dst, V.and(get(p), F4.ge(get(xin), C(-87)))),
  );
}

/** One round of the 32-bit mixer of `hash.ts` on each i32 lane of `h`. */
function mix4(h: Local): Stmt {
  return seq(
    set(h, V.xor(get(h), I4.shr_u(get(h), i32(16)))),
    set(h, I4.mul(get(h), I4.const(0x7feb352d))),
    set(h, V.xor(get(h), I4.shr_u(get(h), i32(15)))),
    set(h, I4.mul(get(h), I4.const(0x846ca68b | 0))),
    set(h, V.xor(get(h), I4.shr_u(get(h), i32(16)))),
  );
}

/** `dst` = all-ones lanes where element indices `idx..idx+3` are kept by dropout (keys k1, k2). */
function keep4(dst: Local, idx: Expr, k1: Expr, k2: Expr, thr: Expr): Stmt {
  return seq(
    set(dst, V.xor(I4.iota(idx), I4.splat(k1))),
    mix4(dst),
    set(dst, I4.add(get(dst), I4.splat(k2))),
    mix4(dst),
    set(dst, I4.ge_u(get(dst), I4.splat(thr))),
  );
}

const addr = (base: Expr, elem: Expr) => I.add(base, I.shl(elem, i32(2)));

/** `n` parameters of type i32. */
const i32s = (n: number): ValType[] => Array.from({ length: n }, () => 'i32');

/** `for (i = 0; i < n4; i += 4) body...`: one vector of 4 elements per iteration. */
const perVector = (i: Local, n4: Local, ...body: Stmt[]): Stmt =>
  forRange(i, i32(0), get(n4), 4, seq(...body));

/** The dropout parameters of an export: `dropOn, k1, k2, thr, keepScale`. */
const DROP_PARAMS: ValType[] = [...i32s(4), 'f32'];

/** `dropout(src, dst, n4, k1, k2, thr, scale)`: the first `n4` (multiple of 4) elements. */
function dropout(): Func {
  const f = new Func('dropout', [...i32s(6), 'f32']);
  const [src, dst, n4, k1, k2, thr, scale] = f.params;
  const i = f.local('i32');
  const m = f.local('v128');
  return f.define(
    perVector(
      i,
      n4!,
      keep4(m, get(i), get(k1!), get(k2!), get(thr!)),
      V.store(
        addr(get(dst!), get(i)),
        V.and(F4.mul(V.load(addr(get(src!), get(i))), F4.splat(get(scale!))), get(m)),
      ),
    ),
  );
}

/**
 * The standard normal CDF per lane, `Phi(x) = 0.5 erfc(-x / sqrt 2)`, with erfc from
 * Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7); also leaves `exp(-x^2 / 2)` in `g`.
 */
function normalCdf4(f: Func, dst: Local, g: Local, x: Expr): Stmt {
  const z = f.local('v128');
  const t = f.local('v128');
  const e = f.local('v128');
  const C = (c: number) => F4.const(c);
  let poly: Expr = C(1.061405429);
  for (const c of [-1.453152027, 1.421413741, -0.284496736, 0.254829592])
    poly = F4.add(F4.mul(poly, get(t)), C(c));
  return seq(
    set(z, F4.mul(F4.abs(x), C(Math.SQRT1_2))),
    set(t, F4.div(C(1), F4.add(C(1), F4.mul(get(z), C(0.3275911))))),
    exp4(f, g, F4.neg(F4.mul(get(z), get(z)))),
    // e = 0.5 erfc(|x| / sqrt 2)
    set(e, F4.mul(F4.mul(F4.mul(poly, get(t)), get(g)), C(0.5))),
    set(dst, V.bitselect(F4.sub(C(1), get(e)), get(e), F4.ge(x, C(0)))),
  );
}

/** Dropout multiplier of elements `idx..idx+3` into `m` (keep scale or 0; 1 when off). */
function dropMult(m: Local, idx: Expr, drop: Local[]): Stmt {
  const [dropOn, k1, k2, thr, keepScale] = drop;
  return ifElse(
    get(dropOn!),
    seq(keep4(m, idx, get(k1!), get(k2!), get(thr!)), set(m, V.and(F4.splat(get(keepScale!)), get(m)))),
    set(m, F4.const(1)),
  );
}

/**
 * `gelu(src, dst, n4, dropOn, k1, k2, thr, keepScale)`: `dropout(x Phi(x))`; or (`backward`)
 * `gelu_grad(dy, x, dx, n4, dropOn, k1, k2, thr, keepScale)`: `dy m (Phi(x) + x phi(x))`.
 */
function gelu(backward: boolean): Func {
  const f = new Func(backward ? 'gelu_grad' : 'gelu', [...i32s(backward ? 4 : 3), ...DROP_PARAMS]);
  const [dy, src, dst, n4] = backward ? f.params : [undefined, ...f.params];
  const drop = f.params.slice(-DROP_PARAMS.length);
  const i = f.local('i32');
  const x = f.local('v128');
  const phi = f.local('v128');
  const g = f.local('v128');
  const m = f.local('v128');
  return f.define(
    perVector(
      i,
      n4!,
      set(x, V.load(addr(get(src!), get(i)))),
      normalCdf4(f, phi, g, get(x)),
      dropMult(m, get(i), drop),
      V.store(
        addr(get(dst!), get(i)),
        backward
          ? F4.mul(
              F4.mul(V.load(addr(get(dy!), get(i))), get(m)),
              F4.add(get(phi), F4.mul(F4.mul(get(x), get(g)), F4.const(1 / Math.sqrt(2 * Math.PI)))),
            )
          : F4.mul(F4.mul(get(x), get(phi)), get(m)),
      ),
    ),
  );
}

/** Sum of the lanes of local `v`. */
const hsum = (v: Local) => F4.hsum(get(v));
/** Max of the lanes of local `v`. */
const hmax = (v: Local) =>
  F.max(
    F.max(F4.extract(get(v), 0), F4.extract(get(v), 1)),
    F.max(F4.extract(get(v), 2), F4.extract(get(v), 3)),
  );

/** Byte address of row `r` of a row-major matrix of `d` columns at `base`. */
const rowAddr = (base: Local, r: Local, d: Local) => addr(get(base), I.mul(get(r), get(d)));

/** `for (r = 0; r < rows; r++) body...`. */
const perRow = (r: Local, rows: Local, ...body: Stmt[]): Stmt =>
  forRange(r, i32(0), get(rows), 1, seq(...body));

/** Index of element `c` of row `r` in the residual's dropout mask: `(rowOffset + r) * d + c`. */
const maskIndex = (rowOffset: Local, r: Local, d: Local, c: Local) =>
  I.add(I.mul(I.add(get(rowOffset), get(r)), get(d)), get(c));

/** `(x - mean) * rstd` of columns `c..c+3` of the row at `row`. */
const xhat4 = (row: Local, c: Local, mean: Local, rstd: Local) =>
  F4.mul(F4.sub(V.load(addr(get(row), get(c))), F4.splat(get(mean))), F4.splat(get(rstd)));

/**
 * Row mean and `1/sqrt(var + eps)` of the `d` (multiple of 4) floats at `row` into `mean`,
 * `rstd` (biased variance, two passes, float32 like the composed version).
 */
function rowStats(f: Func, row: Local, d: Local, eps: Expr, mean: Local, rstd: Local): Stmt {
  const c = f.local('i32');
  const acc = f.local('v128');
  const t = f.local('v128');
  return seq(
    set(acc, F4.const(0)),
    forRange(c, i32(0), get(d), 4, set(acc, F4.add(get(acc), V.load(addr(get(row), get(c)))))),
    set(mean, F.div(hsum(acc), F.fromI32(get(d)))),
    set(acc, F4.const(0)),
    forRange(
      c,
      i32(0),
      get(d),
      4,
      seq(
        set(t, F4.sub(V.load(addr(get(row), get(c))), F4.splat(get(mean)))),
        set(acc, F4.add(get(acc), F4.mul(get(t), get(t)))),
      ),
    ),
    set(rstd, F.div(f32(1), F.sqrt(F.add(F.div(hsum(acc), F.fromI32(get(d))), eps)))),
  );
}

/** `u = x + a * dropout multiplier` of row `r` into `dst` (mask indices from `maskIndex`). */
function residualRow(
  f: Func,
  dst: Local,
  x: Local,
  a: Local,
  r: Local,
  d: Local,
  rowOffset: Local,
  drop: Local[],
): Stmt {
  const c = f.local('i32');
  const m = f.local('v128');
  const at = (base: Local) => addr(get(base), I.add(I.mul(get(r), get(d)), get(c)));
  return forRange(
    c,
    i32(0),
    get(d),
    4,
    seq(
      dropMult(m, maskIndex(rowOffset, r, d, c), drop),
      V.store(addr(get(dst), get(c)), F4.add(V.load(at(x)), F4.mul(V.load(at(a)), get(m)))),
    ),
  );
}

/**
 * `layer_norm(x, gamma, beta, y, rows, d, eps)`: `y = layerNorm(x)` per row; or (`residual`)
 * `add_norm(x, a, gamma, beta, y, rows, d, eps, rowOffset, dropOn, k1, k2, thr, keepScale)`:
 * `y = layerNorm(x + dropout(a))` per row, the sum built in `y` (`residualRow`). `d` a multiple
 * of 4.
 */
function layerNorm(residual: boolean): Func {
  const f = new Func(
    residual ? 'add_norm' : 'layer_norm',
    residual ? [...i32s(7), 'f32', 'i32', ...DROP_PARAMS] : [...i32s(6), 'f32'],
  );
  const P = f.params;
  const [x, a, gamma, beta, y, rows, d, eps, rowOffset] = residual ? P : [P[0], undefined, ...P.slice(1)];
  const r = f.local('i32');
  const c = f.local('i32');
  // The row normalised (x, or the sum in y) and the row written (y).
  const row = f.local('i32');
  const out = residual ? row : f.local('i32');
  const mean = f.local('f32');
  const rstd = f.local('f32');
  return f.define(
    perRow(
      r,
      rows!,
      residual
        ? seq(set(row, rowAddr(y!, r, d!)), residualRow(f, row, x!, a!, r, d!, rowOffset!, P.slice(9)))
        : seq(set(row, rowAddr(x!, r, d!)), set(out, rowAddr(y!, r, d!))),
      rowStats(f, row, d!, get(eps!), mean, rstd),
      forRange(
        c,
        i32(0),
        get(d!),
        4,
        V.store(
          addr(get(out), get(c)),
          F4.add(
            F4.mul(xhat4(row, c, mean, rstd), V.load(addr(get(gamma!), get(c)))),
            V.load(addr(get(beta!), get(c))),
          ),
        ),
      ),
    ),
  );
}

/**
 * `layer_norm_grad(dy, x, gamma, dx, dgamma, dbeta, rows, d, eps)`: writes `dx` and adds this
 * block's `sum dy * xhat`, `sum dy` into `dgamma`, `dbeta` (float32; the caller keeps blocks
 * short and sums them in float64). Or (`residual`) `add_norm_grad(dy, x, a, gamma, dx, da,
 * dgamma, dbeta, rows, d, eps, rowOffset, dropOn, k1, k2, thr, keepScale)`: the sum is rebuilt
 * in `dx` (`residualRow`), then `dx = d/du`, `da = dx * multiplier`; `dgamma`, `dbeta` alike.
 */
function layerNormGrad(residual: boolean): Func {
  const f = new Func(
    residual ? 'add_norm_grad' : 'layer_norm_grad',
    residual ? [...i32s(10), 'f32', 'i32', ...DROP_PARAMS] : [...i32s(8), 'f32'],
  );
  const P = f.params;
  const [dy, x, a, gamma, dx, da, dg, db, rows, d, eps, rowOffset] = residual
    ? P
    : [P[0], P[1], undefined, P[2], P[3], undefined, ...P.slice(4)];
  const r = f.local('i32');
  const c = f.local('i32');
  // Rows of what was normalised (x, or the sum rebuilt in dx), of dy, and of dx or da.
  const row = f.local('i32');
  const grow = f.local('i32');
  const orow = f.local('i32');
  const mean = f.local('f32');
  const rstd = f.local('f32');
  const [sg, sgx, xh, gy, gg] = Array.from({ length: 5 }, () => f.local('v128'));
  const [m, du] = residual ? [f.local('v128'), f.local('v128')] : [];
  const mg = f.local('f32');
  const mgx = f.local('f32');
  // d/du of columns c..c+3: rstd (dy gamma - mean(dy gamma) - xhat mean(dy gamma xhat)).
  const dxhat = F4.mul(
    F4.splat(get(rstd)),
    F4.sub(
      F4.sub(F4.mul(V.load(addr(get(grow), get(c))), V.load(addr(get(gamma!), get(c)))), F4.splat(get(mg))),
      F4.mul(xhat4(row, c, mean, rstd), F4.splat(get(mgx))),
    ),
  );
  return f.define(
    perRow(
      r,
      rows!,
      set(row, rowAddr(residual ? dx! : x!, r, d!)),
      set(grow, rowAddr(dy!, r, d!)),
      set(orow, rowAddr(residual ? da! : dx!, r, d!)),
      residual ? residualRow(f, row, x!, a!, r, d!, rowOffset!, P.slice(12)) : seq(),
      rowStats(f, row, d!, get(eps!), mean, rstd),
      set(sg, F4.const(0)),
      set(sgx, F4.const(0)),
      forRange(
        c,
        i32(0),
        get(d!),
        4,
        seq(
          set(xh, xhat4(row, c, mean, rstd)),
          set(gy, V.load(addr(get(grow), get(c)))),
          set(gg, F4.mul(get(gy), V.load(addr(get(gamma!), get(c))))),
          set(sg, F4.add(get(sg), get(gg))),
          set(sgx, F4.add(get(sgx), F4.mul(get(gg), get(xh)))),
          V.store(addr(get(dg!), get(c)), F4.add(V.load(addr(get(dg!), get(c))), F4.mul(get(gy), get(xh)))),
          V.store(addr(get(db!), get(c)), F4.add(V.load(addr(get(db!), get(c))), get(gy))),
        ),
      ),
      set(mg, F.div(hsum(sg), F.fromI32(get(d!)))),
      set(mgx, F.div(hsum(sgx), F.fromI32(get(d!)))),
      forRange(
        c,
        i32(0),
        get(d!),
        4,
        residual
          ? seq(
              set(du!, dxhat),
              dropMult(m!, maskIndex(rowOffset!, r, d!, c), P.slice(12)),
              V.store(addr(get(orow), get(c)), F4.mul(get(du!), get(m!))),
              V.store(addr(get(row), get(c)), get(du!)),
            )
          : V.store(addr(get(orow), get(c)), dxhat),
      ),
    ),
  );
}

/** `column_sum(x, acc, rows, d)`: adds each of `rows` rows of `d` (multiple of 4) floats into `acc`. */
function columnSum(): Func {
  const f = new Func('column_sum', i32s(4));
  const [x, acc, rows, d] = f.params;
  const r = f.local('i32');
  const c = f.local('i32');
  const row = f.local('i32');
  return f.define(
    perRow(
      r,
      rows!,
      set(row, rowAddr(x!, r, d!)),
      forRange(
        c,
        i32(0),
        get(d!),
        4,
        V.store(
          addr(get(acc!), get(c)),
          F4.add(V.load(addr(get(acc!), get(c))), V.load(addr(get(row), get(c)))),
        ),
      ),
    ),
  );
}

/**
 * `matmul_tn(x, y, c, t0, t1, m, n)`: `c[m, n] += x[t0:t1]^T y[t0:t1]` for row-major `x [T, m]`,
 * `y [T, n]` (m a multiple of 4, n of 8): the weight gradient of a linear layer without
 * transposing either operand. Tiles of 4 x 8 outputs stay in registers while the rows stream;
 * the caller splits T into blocks that fit in cache.
 */
function matMulTN(): Func {
  const f = new Func('matmul_tn', i32s(7));
  const [x, y, c, t0, t1, m, n] = f.params;
  const [i0, j0, t, xp, yp, cp, xStride, yStride] = Array.from({ length: 8 }, () => f.local('i32'));
  const acc = Array.from({ length: 8 }, () => f.local('v128'));
  const [y0, y1, xs] = [f.local('v128'), f.local('v128'), f.local('v128')];
  const B = (e: Expr) => I.shl(e, i32(2));
  const rowStep: Stmt[] = [set(y0, V.load(get(yp))), set(y1, V.load(get(yp), 16))];
  for (let u = 0; u < 4; u++) {
    rowStep.push(
      set(xs, V.load32Splat(get(xp), 4 * u)),
      set(acc[2 * u]!, F4.add(get(acc[2 * u]!), F4.mul(get(xs), get(y0)))),
      set(acc[2 * u + 1]!, F4.add(get(acc[2 * u + 1]!), F4.mul(get(xs), get(y1)))),
    );
  }
  rowStep.push(set(xp, I.add(get(xp), get(xStride))), set(yp, I.add(get(yp), get(yStride))));
  const cRow = (u: number) => I.add(get(cp), I.mul(i32(u), get(yStride)));
  const loadTile: Stmt[] = [];
  const storeTile: Stmt[] = [];
  for (let u = 0; u < 4; u++) {
    loadTile.push(set(acc[2 * u]!, V.load(cRow(u))), set(acc[2 * u + 1]!, V.load(cRow(u), 16)));
    storeTile.push(V.store(cRow(u), get(acc[2 * u]!)), V.store(cRow(u), get(acc[2 * u + 1]!), 16));
  }
  return f.define(
    set(xStride, B(get(m!))),
    set(yStride, B(get(n!))),
    forRange(
      i0,
      i32(0),
      get(m!),
      4,
      forRange(
        j0,
        i32(0),
        get(n!),
        8,
        seq(
          set(cp, I.add(get(c!), B(I.add(I.mul(get(i0), get(n!)), get(j0))))),
          ...loadTile,
          set(xp, I.add(get(x!), B(I.add(I.mul(get(t0!), get(m!)), get(i0))))),
          set(yp, I.add(get(y!), B(I.add(I.mul(get(t0!), get(n!)), get(j0))))),
          forRange(t, get(t0!), get(t1!), 1, seq(...rowStep)),
          ...storeTile,
        ),
      ),
    ),
  );
}

/** Parameters shared by the attention forward and backward exports (see `attention.ts`). */
const ATTN_PARAMS: ValType[] = [
  // q, kv, mask (padded [tq, tk4], -inf in the padding), out or dy, dq, dkv, scratch
  ...i32s(7),
  // n, tq, tk, heads, dk
  ...i32s(5),
  // q layout: stride, off, nIn, sOut, sIn, sTok
  ...i32s(6),
  // k layout: stride, off, vOff, nIn, sOut, sIn, sTok
  ...i32s(7),
  // o layout: stride, off, nIn, sOut, sIn, sTok
  ...i32s(6),
  // scale, then the dropout parameters
  'f32',
  ...DROP_PARAMS,
];

/**
 * Attention forward (`backward = false`) or backward. Per sequence and head, the keys and values
 * are first copied into scratch: row-major (`KH`, `VH`, `[tk4, dk]`) and in blocks of four keys
 * (`KB`, `VB`, `[tk4 / 4, dk, 4]`, zero padded), so that a query's logits come out 4 keys per
 * vector and the weighted sums 4 (or 8) features per vector, with unit-stride loads only.
 * Softmax with `exp4`; dropout mask from `keep4` (element index
 * `((n * heads + h) * tq + i) * tk + j`). Backward: recompute the weights, `dW = dO . v`,
 * `dS = P (dP - sum P dP) scale`, `dq += dS k` (into the output), `dk += dS q` and `dv += W dO`
 * (into scratch `dKH`, `dVH`, added to the output once per sequence and head). The caller zeroes
 * the gradient outputs.
 */
function attention(backward: boolean): Func {
  const f = new Func(backward ? 'attention_grad' : 'attention', [...ATTN_PARAMS]);
  const P = f.params;
  const [q, kv, mask, od, dq, dkv, scratch] = P;
  const [N, tq, tk, H, D] = P.slice(7, 12);
  const [qS, qOff, qIn, qOut, qSin, qTok] = P.slice(12, 18);
  const [kS, kOff, vOff, kIn, kOut, kSin, kTok] = P.slice(18, 25);
  const [oS, oOff, oIn, oOut, oSin, oTok] = P.slice(25, 31);
  const [scale, dropOn, k1, k2, thr, keepScale] = P.slice(31, 37);
  const L = (t: 'i32' | 'f32' | 'v128') => f.local(t);
  const [n, h, i, j, c, jb, tk4, hd] = Array.from({ length: 8 }, () => L('i32'));
  const [qBase, kBase, oBase] = [L('i32'), L('i32'), L('i32')];
  const [qrow, orow, dqrow, krow, vrow, ptr, ptr2, rowBytes] = Array.from({ length: 8 }, () => L('i32'));
  const [KB, VB, KH, VH, dKH, dVH, QS, OS, S, DP, W] = Array.from({ length: 11 }, () => L('i32'));
  const [acc, acc1, mx, sum, e, m, p, dp, dotv, qv0, qv1, ov0, ov1, sv, wv] = Array.from({ length: 15 }, () =>
    L('v128'),
  );
  const [fmx, inv, dot] = [L('f32'), L('f32'), L('f32')];
  const base = L('i32');
  const B = (x: Expr) => I.shl(x, i32(2)); // elements -> bytes
  const at = (buf: Local, idx: Expr) => I.add(get(buf), B(idx));
  const elemRow = (b: Local, t: Expr, tok: Local, stride: Local, off: Local) =>
    I.add(I.add(I.mul(I.add(get(b), I.mul(t, get(tok))), get(stride)), get(off)), get(hd));
  const seqBase = (dst: Local, nIn: Local, sOut: Local, sIn: Local) =>
    set(dst, I.add(I.mul(I.div_u(get(n), get(nIn)), get(sOut)), I.mul(I.rem_u(get(n), get(nIn)), get(sIn))));
  const inc = (l: Local, by: Expr) => set(l, I.add(get(l), by));
  const D8 = I.eqz(I.and(get(D!), i32(7)));
  /** Address of feature `c` of key `j` in a row-major head copy (`KH`, `VH`, `dKH`, `dVH`). */
  const headAt = (buf: Local) => at(buf, I.add(I.mul(get(j), get(D!)), get(c)));
  /** Address of feature `c` of key `j` in a copy in blocks of four keys (`KB`, `VB`). */
  const blockAt = (buf: Local) =>
    at(
      buf,
      I.add(I.add(I.mul(I.and(get(j), i32(-4)), get(D!)), I.shl(get(c), i32(2))), I.and(get(j), i32(3))),
    );
  /** `orow` = query i's row of the output (forward) or of its gradient (backward). */
  const setOutRow = set(orow, I.add(get(od!), B(elemRow(oBase, get(i), oTok!, oS!, oOff!))));

  /** Splat row `row` (byte address, D floats) into `dst` (D vectors). */
  const splatRow = (dst: Local, row: Local) =>
    forRange(
      c,
      i32(0),
      get(D!),
      1,
      V.store(I.add(get(dst), I.shl(get(c), i32(4))), V.load32Splat(at(row, get(c)))),
    );
  /** `acc = sum_c splats[c] * blocks[jb][c]` (4 keys), unrolled by 4 over c. */
  const blockDot = (splats: Local, blocks: Local) =>
    seq(
      set(acc, F4.const(0)),
      set(ptr, I.add(get(blocks), I.shl(I.mul(get(jb), get(D!)), i32(4)))),
      set(ptr2, get(splats)),
      forRange(
        c,
        i32(0),
        get(D!),
        4,
        seq(
          set(acc, F4.add(get(acc), F4.mul(V.load(get(ptr2)), V.load(get(ptr))))),
          set(acc, F4.add(get(acc), F4.mul(V.load(get(ptr2), 16), V.load(get(ptr), 16)))),
          set(acc, F4.add(get(acc), F4.mul(V.load(get(ptr2), 32), V.load(get(ptr), 32)))),
          set(acc, F4.add(get(acc), F4.mul(V.load(get(ptr2), 48), V.load(get(ptr), 48)))),
          inc(ptr, i32(64)),
          inc(ptr2, i32(64)),
        ),
      ),
    );
  /**
   * `dst[c..] (+)= sum_{j < tk} weights[j] * rows[j][c..]` for every feature, 8 (or 4) per
   * pass; `accumulate` adds to what `dst` holds.
   */
  const weightedRows = (dst: Local, weights: Local, rows: Local, accumulate: boolean) => {
    const pass = (width: 4 | 8) =>
      forRange(
        c,
        i32(0),
        get(D!),
        width,
        seq(
          set(acc, accumulate ? V.load(at(dst, get(c))) : F4.const(0)),
          set(acc1, width === 8 ? (accumulate ? V.load(at(dst, get(c)), 16) : F4.const(0)) : F4.const(0)),
          set(ptr, at(rows, get(c))),
          set(ptr2, get(weights)),
          forRange(
            j,
            i32(0),
            get(tk!),
            1,
            seq(
              set(wv, V.load32Splat(get(ptr2))),
              set(acc, F4.add(get(acc), F4.mul(get(wv), V.load(get(ptr))))),
              width === 8 ? set(acc1, F4.add(get(acc1), F4.mul(get(wv), V.load(get(ptr), 16)))) : seq(),
              inc(ptr, get(rowBytes)),
              inc(ptr2, i32(4)),
            ),
          ),
          V.store(at(dst, get(c)), get(acc)),
          width === 8 ? V.store(at(dst, get(c)), get(acc1), 16) : seq(),
        ),
      );
    return ifElse(D8, pass(8), pass(4));
  };
  // Query i's logits into S (4 keys per vector), then softmax numerators in S and 1/sum in inv.
  const logitsSoftmax = seq(
    set(qrow, I.add(get(q!), B(elemRow(qBase, get(i), qTok!, qS!, qOff!)))),
    splatRow(QS, qrow),
    forRange(
      jb,
      i32(0),
      I.shr_u(get(tk4), i32(2)),
      1,
      seq(
        blockDot(QS, KB),
        V.store(
          at(S, I.shl(get(jb), i32(2))),
          F4.add(
            F4.mul(get(acc), F4.splat(get(scale!))),
            V.load(I.add(get(mask!), B(I.add(I.mul(get(i), get(tk4)), I.shl(get(jb), i32(2)))))),
          ),
        ),
      ),
    ),
    set(mx, F4.const(-Infinity)),
    forRange(j, i32(0), get(tk4), 4, set(mx, F4.max(get(mx), V.load(at(S, get(j)))))),
    set(fmx, hmax(mx)),
    set(sum, F4.const(0)),
    forRange(
      j,
      i32(0),
      get(tk4),
      4,
      seq(
        exp4(f, e, F4.sub(V.load(at(S, get(j))), F4.splat(get(fmx)))),
        V.store(at(S, get(j)), get(e)),
        set(sum, F4.add(get(sum), get(e))),
      ),
    ),
    set(inv, F.div(f32(1), hsum(sum))),
    set(base, I.mul(I.add(I.mul(I.add(I.mul(get(n), get(H!)), get(h)), get(tq!)), get(i)), get(tk!))),
  );
  // Dropout multiplier of keys j..j+3 into m (keepScale or 0; 1 without dropout).
  const mult = dropMult(m, I.add(get(base), get(j)), [dropOn!, k1!, k2!, thr!, keepScale!]);
  // Copies of this head's keys or values: row-major and/or in blocks of 4 keys (zero padded).
  const gather = (row: Local, off: Local, rowMajor: Local | null, blocks: Local | null) =>
    seq(
      set(row, I.add(get(kv!), B(elemRow(kBase, get(j), kTok!, kS!, off)))),
      rowMajor === null
        ? seq()
        : forRange(c, i32(0), get(D!), 4, V.store(headAt(rowMajor), V.load(at(row, get(c))))),
      blocks === null
        ? seq()
        : forRange(c, i32(0), get(D!), 1, F.store(blockAt(blocks), F.load(at(row, get(c))))),
    );
  const zeroBlock = (blocks: Local) => forRange(c, i32(0), get(D!), 1, F.store(blockAt(blocks), f32(0)));
  const setupHead = forRange(
    j,
    i32(0),
    get(tk4),
    1,
    ifElse(
      I.lt_s(get(j), get(tk!)),
      seq(
        gather(krow, kOff!, backward ? KH : null, KB),
        gather(vrow, vOff!, backward ? null : VH, backward ? VB : null),
        backward
          ? forRange(
              c,
              i32(0),
              get(D!),
              4,
              seq(V.store(headAt(dKH), F4.const(0)), V.store(headAt(dVH), F4.const(0))),
            )
          : seq(),
      ),
      seq(zeroBlock(KB), zeroBlock(VB)),
    ),
  );
  const forward = seq(
    logitsSoftmax,
    forRange(
      j,
      i32(0),
      get(tk4),
      4,
      seq(mult, V.store(at(S, get(j)), F4.mul(F4.mul(V.load(at(S, get(j))), F4.splat(get(inv))), get(m)))),
    ),
    setOutRow,
    weightedRows(orow, S, VH, false),
  );
  /** dK/dV scratch updates for query i: `dKH[j] += dS_j q_i`, `dVH[j] += W_j dO_i`. */
  const kvUpdates = (width: 4 | 8) =>
    forRange(
      c,
      i32(0),
      get(D!),
      width,
      seq(
        set(qv0, V.load(at(qrow, get(c)))),
        set(ov0, V.load(at(orow, get(c)))),
        width === 8 ? set(qv1, V.load(at(qrow, get(c)), 16)) : seq(),
        width === 8 ? set(ov1, V.load(at(orow, get(c)), 16)) : seq(),
        set(ptr, at(dKH, get(c))),
        set(ptr2, at(dVH, get(c))),
        forRange(
          j,
          i32(0),
          get(tk!),
          1,
          seq(
            set(sv, V.load32Splat(at(DP, get(j)))),
            set(wv, V.load32Splat(at(W, get(j)))),
            V.store(get(ptr), F4.add(V.load(get(ptr)), F4.mul(get(sv), get(qv0)))),
            V.store(get(ptr2), F4.add(V.load(get(ptr2)), F4.mul(get(wv), get(ov0)))),
            width === 8
              ? V.store(get(ptr), F4.add(V.load(get(ptr), 16), F4.mul(get(sv), get(qv1))), 16)
              : seq(),
            width === 8
              ? V.store(get(ptr2), F4.add(V.load(get(ptr2), 16), F4.mul(get(wv), get(ov1))), 16)
              : seq(),
            inc(ptr, get(rowBytes)),
            inc(ptr2, get(rowBytes)),
          ),
        ),
      ),
    );
  const backwardBody = seq(
    logitsSoftmax,
    setOutRow,
    set(dqrow, I.add(get(dq!), B(elemRow(qBase, get(i), qTok!, qS!, qOff!)))),
    splatRow(OS, orow),
    set(dotv, F4.const(0)),
    forRange(
      jb,
      i32(0),
      I.shr_u(get(tk4), i32(2)),
      1,
      seq(
        blockDot(OS, VB),
        set(j, I.shl(get(jb), i32(2))),
        mult,
        set(p, F4.mul(V.load(at(S, get(j))), F4.splat(get(inv)))),
        set(dp, F4.mul(get(acc), get(m))),
        V.store(at(DP, get(j)), get(dp)),
        V.store(at(W, get(j)), F4.mul(get(p), get(m))),
        V.store(at(S, get(j)), get(p)),
        set(dotv, F4.add(get(dotv), F4.mul(get(p), get(dp)))),
      ),
    ),
    set(dot, hsum(dotv)),
    forRange(
      j,
      i32(0),
      get(tk4),
      4,
      V.store(
        at(DP, get(j)),
        F4.mul(
          F4.mul(V.load(at(S, get(j))), F4.sub(V.load(at(DP, get(j))), F4.splat(get(dot)))),
          F4.splat(get(scale!)),
        ),
      ),
    ),
    weightedRows(dqrow, DP, KH, true),
    ifElse(D8, kvUpdates(8), kvUpdates(4)),
  );
  // Backward: add this head's dK, dV into the output rows.
  const addHead = (row: Local, head: Local) =>
    V.store(at(row, get(c)), F4.add(V.load(at(row, get(c))), V.load(headAt(head))));
  const scatter = forRange(
    j,
    i32(0),
    get(tk!),
    1,
    seq(
      set(krow, I.add(get(dkv!), B(elemRow(kBase, get(j), kTok!, kS!, kOff!)))),
      set(vrow, I.add(get(dkv!), B(elemRow(kBase, get(j), kTok!, kS!, vOff!)))),
      forRange(c, i32(0), get(D!), 4, seq(addHead(krow, dKH), addHead(vrow, dVH))),
    ),
  );
  const block = (prev: Local, floats: Expr) => I.add(get(prev), B(floats));
  return f.define(
    set(tk4, I.and(I.add(get(tk!), i32(3)), i32(-4))),
    set(rowBytes, B(get(D!))),
    set(KB, get(scratch!)),
    set(VB, block(KB, I.mul(get(tk4), get(D!)))),
    set(KH, block(VB, I.mul(get(tk4), get(D!)))),
    set(VH, block(KH, I.mul(get(tk4), get(D!)))),
    set(dKH, block(VH, I.mul(get(tk4), get(D!)))),
    set(dVH, block(dKH, I.mul(get(tk4), get(D!)))),
    set(QS, block(dVH, I.mul(get(tk4), get(D!)))),
    set(OS, block(QS, I.shl(get(D!), i32(2)))),
    set(S, block(OS, I.shl(get(D!), i32(2)))),
    set(DP, block(S, get(tk4))),
    set(W, block(DP, get(tk4))),
    forRange(
      n,
      i32(0),
      get(N!),
      1,
      seq(
        seqBase(qBase, qIn!, qOut!, qSin!),
        seqBase(kBase, kIn!, kOut!, kSin!),
        seqBase(oBase, oIn!, oOut!, oSin!),
        forRange(
          h,
          i32(0),
          get(H!),
          1,
          seq(
            set(hd, I.mul(get(h), get(D!))),
            setupHead,
            forRange(i, i32(0), get(tq!), 1, backward ? backwardBody : forward),
            backward ? scatter : seq(),
          ),
        ),
      ),
    ),
  );
}

/** Scratch floats the attention kernels need (before the padded mask). */
export function attentionScratchFloats(tk: number, dk: number): number {
  const tk4 = (tk + 3) & ~3;
  return 6 * tk4 * dk + 8 * dk + 3 * tk4;
}

/** The module's bytes (built once per process). */
let bytes: Uint8Array | undefined;
export function simdModuleBytes(): Uint8Array {
  bytes ??= buildModule([
    dropout(),
    gelu(false),
    gelu(true),
    layerNorm(false),
    layerNormGrad(false),
    columnSum(),
    matMulTN(),
    layerNorm(true),
    layerNormGrad(true),
    attention(false),
    attention(true),
  ]);
  return bytes;
}

/** The exports of an instance. */
export interface SimdExports {
  dropout(src: number, dst: number, n4: number, k1: number, k2: number, thr: number, scale: number): void;
  gelu(src: number, dst: number, n4: number, ...drop: number[]): void;
  gelu_grad(dy: number, x: number, dx: number, n4: number, ...drop: number[]): void;
  layer_norm(x: number, gamma: number, beta: number, y: number, rows: number, d: number, eps: number): void;
  layer_norm_grad(
    dy: number,
    x: number,
    gamma: number,
    dx: number,
    dgamma: number,
    dbeta: number,
    rows: number,
    d: number,
    eps: number,
  ): void;
  column_sum(x: number, acc: number, rows: number, d: number): void;
  matmul_tn(x: number, y: number, c: number, t0: number, t1: number, m: number, n: number): void;
  add_norm(...args: number[]): void;
  add_norm_grad(...args: number[]): void;
  attention(...args: number[]): void;
  attention_grad(...args: number[]): void;
}
