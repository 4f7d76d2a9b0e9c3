/**
 * qlib's Alpha158 written in nodejs-polars (the benchmark's baseline): one lazy `select` of 158
 * expressions over a long frame (asset, t, open, high, low, close, vwap, volume) sorted by asset
 * then date, every time-series step an `over('asset')` window expression.
 *
 * Semantics follow the fixture's rules (src/__fixtures__/alpha158/make_alpha158_fixtures.py):
 * missing values are polars nulls; rolling windows use `minPeriods: 1`, which skips nulls as
 * pandas does. What polars lacks is built from what it has:
 * - Ref(x, k): the whole frame shifted by k with each asset's first k rows masked (rows are
 *   asset-major with every day present, so this equals a per-asset shift without `over`);
 * - Rank(x, d): the counts of window values below / equal to the current one from d shifted
 *   copies (polars has no rolling rank or rolling map in nodejs-polars 0.26);
 * - IdxMax / IdxMin: a when-chain over the d shifted copies against the rolling max / min
 *   (first match from the oldest slot; qlib's first-NaN quirk included);
 * - Slope / Rsquare / Resi and Corr: closed forms from rolling sums of x, y, x*y, x^2, y^2 with
 *   x = the row index t (regression is shift-invariant in x), pairs aligned as pandas does.
 */
import type { Panel } from '@hfq/core';
import type pl from 'nodejs-polars';

type Pl = typeof pl;
type Expr = pl.Expr;
type DataFrame = pl.DataFrame;
/** What `when(..).then(..)` and its chained form have in common. */
interface Chain {
  when(predicate: Expr): { then(e: Expr): Chain };
  otherwise(e: Expr): Expr;
}

/** The six input fields, in the frame's column order after `asset` and `t`. */
export const POLARS_FIELDS = ['open', 'high', 'low', 'close', 'vwap', 'volume'] as const;

/**
 * Builds the long frame from dates x assets panels: rows asset-major (all dates of asset 0, then
 * asset 1, ...), NaN turned into null. This is the load / convert step, timed apart.
 */
export function toPolarsFrame(
  p: Pl,
  inputs: Readonly<Record<(typeof POLARS_FIELDS)[number], Panel>>,
): DataFrame {
  const close = inputs.close;
  const T = close.dates.length;
  const A = close.assets.length;
  const asset = new Int32Array(T * A);
  const t = new Float64Array(T * A);
  for (let a = 0; a < A; a++) {
    for (let s = 0; s < T; s++) {
      asset[a * T + s] = a;
      t[a * T + s] = s;
    }
  }
  const cols: Record<string, ArrayLike<number>> = { asset, t };
  for (const f of POLARS_FIELDS) {
    const src = inputs[f].values;
    const dst = new Float64Array(T * A);
    for (let s = 0; s < T; s++) {
      const row = s * A;
      for (let a = 0; a < A; a++) dst[a * T + s] = src[row + a]!;
    }
    cols[f] = dst;
  }
  const df = p.DataFrame(cols as Record<string, unknown>);
  return df.withColumns(...POLARS_FIELDS.map((f) => p.col(f).fillNan(null)));
}

/** Converts the result columns back to dates x assets Float64Arrays (null -> NaN). */
export function fromPolarsFrame(df: DataFrame, names: readonly string[], T: number, A: number) {
  const out: Record<string, Float64Array> = {};
  for (const name of names) {
    const vals = df.getColumn(name).toArray() as (number | null)[];
    const dst = new Float64Array(T * A);
    for (let a = 0; a < A; a++) {
      for (let s = 0; s < T; s++) {
        const v = vals[a * T + s];
        dst[s * A + a] = v === null || v === undefined ? Number.NaN : v;
      }
    }
    out[name] = dst;
  }
  return out;
}

/** The 158 expressions, aliased with qlib's names, in qlib's order. */
export function alpha158PolarsExprs(p: Pl, windows: readonly number[] = [5, 10, 20, 30, 60]): Expr[] {
  const col = (n: string) => p.col(n);
  const lit = (v: number | null) => p.lit(v);
  const ov = (e: Expr) => e.over('asset');
  const o = col('open');
  const h = col('high');
  const l = col('low');
  const c = col('close');
  const vw = col('vwap');
  const v = col('volume');
  const t = col('t');
  const ro = (d: number) => ({ windowSize: d, minPeriods: 1 });
  // A lag shifts the whole frame (rows are asset-major, every asset has all T days, `t` the day
  // index) and masks each asset's first k rows: no per-asset window expression per lag.
  const ref = (x: Expr, k: number) => (k === 0 ? x : p.when(t.gtEq(k)).then(x.shift(k)).otherwise(lit(null)));
  const mean = (x: Expr, d: number) => ov(x.rollingMean(ro(d)));
  const sum = (x: Expr, d: number) => ov(x.rollingSum(ro(d)));
  const std = (x: Expr, d: number) => ov(x.rollingStd({ ...ro(d), ddof: 1 }));
  const max = (x: Expr, d: number) => ov(x.rollingMax(ro(d)));
  const min = (x: Expr, d: number) => ov(x.rollingMin(ro(d)));
  const count = (x: Expr, d: number) => sum(x.isNotNull().cast(p.Float64), d);
  const greater = (a: Expr, b: Expr) => p.when(a.gt(b)).then(a).otherwise(b);
  const less = (a: Expr, b: Expr) => p.when(a.lt(b)).then(a).otherwise(b);
  const pos = (x: Expr) => x.clip(0, Number.POSITIVE_INFINITY); // Greater(x, 0), null stays null
  const cmp = (e: Expr) => e.fillNull(false).cast(p.Float64); // qlib: NaN comparisons are False
  const quantile = (x: Expr, d: number, q: number) =>
    ov(x.rollingQuantile({ ...ro(d), quantile: q, interpolation: 'linear' }));
  const nearZero = (s: Expr) => s.isNotNull().and(s.abs().ltEq(2e-5)); // qlib's np.isclose(std, 0, atol=2e-5)

  const rank = (x: Expr, d: number) => {
    const below: Expr[] = [];
    const equal: Expr[] = [lit(1)];
    for (let k = 1; k < d; k++) {
      const r = ref(x, k);
      below.push(r.lt(x).cast(p.Float64).fillNull(0));
      equal.push(r.eq(x).cast(p.Float64).fillNull(0));
    }
    const nb = p.sumHorizontal(below);
    const ne = p.sumHorizontal(equal);
    return p
      .when(x.isNull())
      .then(lit(Number.NaN))
      .otherwise(nb.add(ne.add(1).div(2)).div(count(x, d)));
  };
  const idx = (x: Expr, d: number, extreme: Expr) => {
    // Slot j = 0 (oldest) .. d-1 (today) holds Ref(x, d-1-j); before the series start there is no slot.
    // qlib (numpy argmax/argmin) answers the first missing slot when the window has one, else the first extreme.
    const slots = p
      .when(t.lt(d - 1))
      .then(t.add(1))
      .otherwise(lit(d));
    const clean = count(x, d).eq(slots);
    let chain: Chain | null = null;
    for (let j = 0; j < d; j++) {
      const k = d - 1 - j;
      const r = k === 0 ? x : ref(x, k);
      const hit = t.gtEq(k).and(r.isNull().or(clean.and(r.eq(extreme))));
      chain = chain === null ? p.when(hit).then(lit(j + 1)) : chain.when(hit).then(lit(j + 1));
    }
    const full = chain!.otherwise(lit(Number.NaN));
    const offset = p
      .when(t.lt(d - 1))
      .then(lit(d - 1).sub(t))
      .otherwise(lit(0));
    return p.when(extreme.isNull()).then(lit(Number.NaN)).otherwise(full.sub(offset));
  };
  const ols = (y: Expr, d: number) => {
    const m = y.isNotNull();
    const x = p.when(m).then(t).otherwise(lit(null));
    const n = count(y, d);
    const sx = sum(x, d);
    const sy = sum(y, d);
    const sxx = sum(x.mul(x), d);
    const sxy = sum(x.mul(y), d);
    const syy = sum(y.mul(y), d);
    const den = n.mul(sxx).sub(sx.mul(sx));
    const num = n.mul(sxy).sub(sx.mul(sy));
    const few = n.lt(2);
    const slope = p.when(few).then(lit(Number.NaN)).otherwise(num.div(den));
    const r2 = p
      .when(few.or(nearZero(std(y, d))))
      .then(lit(Number.NaN))
      .otherwise(num.mul(num).div(den.mul(n.mul(syy).sub(sy.mul(sy)))));
    const resi = p
      .when(few)
      .then(lit(Number.NaN))
      .otherwise(y.sub(slope.mul(t).add(sy.sub(slope.mul(sx)).div(n))));
    return { slope, r2, resi };
  };
  const corr = (a: Expr, b: Expr, d: number) => {
    const pair = a.isNotNull().and(b.isNotNull());
    const aa = p.when(pair).then(a).otherwise(lit(null));
    const bb = p.when(pair).then(b).otherwise(lit(null));
    const n = sum(pair.cast(p.Float64), d);
    const sa = sum(aa, d);
    const sb = sum(bb, d);
    const va = n.mul(sum(aa.mul(aa), d)).sub(sa.mul(sa));
    const vb = n.mul(sum(bb.mul(bb), d)).sub(sb.mul(sb));
    const cov = n.mul(sum(aa.mul(bb), d)).sub(sa.mul(sb));
    return p
      .when(
        n
          .lt(2)
          .or(va.ltEq(0))
          .or(vb.ltEq(0))
          .or(nearZero(std(a, d)))
          .or(nearZero(std(b, d))),
      )
      .then(lit(Number.NaN))
      .otherwise(cov.div(va.mul(vb).pow(0.5)));
  };

  const out: Expr[] = [];
  const add = (name: string, e: Expr) => out.push(e.alias(name));
  const eps = 1e-12;
  add('KMID', c.sub(o).div(o));
  add('KLEN', h.sub(l).div(o));
  add('KMID2', c.sub(o).div(h.sub(l).add(eps)));
  add('KUP', h.sub(greater(o, c)).div(o));
  add('KUP2', h.sub(greater(o, c)).div(h.sub(l).add(eps)));
  add('KLOW', less(o, c).sub(l).div(o));
  add('KLOW2', less(o, c).sub(l).div(h.sub(l).add(eps)));
  add('KSFT', c.mul(2).sub(h).sub(l).div(o));
  add('KSFT2', c.mul(2).sub(h).sub(l).div(h.sub(l).add(eps)));
  add('OPEN0', o.div(c));
  add('HIGH0', h.div(c));
  add('LOW0', l.div(c));
  add('VWAP0', vw.div(c));

  const c1 = ref(c, 1);
  const v1 = ref(v, 1);
  const up = cmp(c.gt(c1));
  const down = cmp(c.lt(c1));
  const gain = pos(c.sub(c1));
  const loss = pos(c1.sub(c));
  const move = c.sub(c1).abs();
  const vgain = pos(v.sub(v1));
  const vloss = pos(v1.sub(v));
  const vmove = v.sub(v1).abs();
  const wv = c.div(c1).sub(1).abs().mul(v);
  const groups: [string, (d: number) => Expr][] = [
    ['ROC', (d) => ref(c, d).div(c)],
    ['MA', (d) => mean(c, d).div(c)],
    ['STD', (d) => std(c, d).div(c)],
    ['BETA', (d) => ols(c, d).slope.div(c)],
    ['RSQR', (d) => ols(c, d).r2],
    ['RESI', (d) => ols(c, d).resi.div(c)],
    ['MAX', (d) => max(h, d).div(c)],
    ['MIN', (d) => min(l, d).div(c)],
    ['QTLU', (d) => quantile(c, d, 0.8).div(c)],
    ['QTLD', (d) => quantile(c, d, 0.2).div(c)],
    ['RANK', (d) => rank(c, d)],
    ['RSV', (d) => c.sub(min(l, d)).div(max(h, d).sub(min(l, d)).add(eps))],
    ['IMAX', (d) => idx(h, d, max(h, d)).div(d)],
    ['IMIN', (d) => idx(l, d, min(l, d)).div(d)],
    [
      'IMXD',
      (d) =>
        idx(h, d, max(h, d))
          .sub(idx(l, d, min(l, d)))
          .div(d),
    ],
    ['CORR', (d) => corr(c, v.add(1).log(), d)],
    ['CORD', (d) => corr(c.div(c1), v.div(v1).add(1).log(), d)],
    ['CNTP', (d) => mean(up, d)],
    ['CNTN', (d) => mean(down, d)],
    ['CNTD', (d) => mean(up, d).sub(mean(down, d))],
    ['SUMP', (d) => sum(gain, d).div(sum(move, d).add(eps))],
    ['SUMN', (d) => sum(loss, d).div(sum(move, d).add(eps))],
    ['SUMD', (d) => sum(gain, d).sub(sum(loss, d)).div(sum(move, d).add(eps))],
    ['VMA', (d) => mean(v, d).div(v.add(eps))],
    ['VSTD', (d) => std(v, d).div(v.add(eps))],
    ['WVMA', (d) => std(wv, d).div(mean(wv, d).add(eps))],
    ['VSUMP', (d) => sum(vgain, d).div(sum(vmove, d).add(eps))],
    ['VSUMN', (d) => sum(vloss, d).div(sum(vmove, d).add(eps))],
    ['VSUMD', (d) => sum(vgain, d).sub(sum(vloss, d)).div(sum(vmove, d).add(eps))],
  ];
  for (const [prefix, f] of groups) for (const d of windows) add(`${prefix}${d}`, f(d));
  return out;
}

/**
 * Runs the 158 expressions as one lazy `select` per feature group (the 13 kbar/price features,
 * then each rolling group's 5 windows) and joins the columns. One `select` of all 158 is
 * correct too but polars spends over a minute optimising that plan (common-subexpression
 * elimination over thousands of nodes; ~6 s with it turned off) before touching the data.
 */
export function collectAlpha158Polars(p: Pl, frame: DataFrame, exprs: readonly Expr[]): DataFrame {
  const parts: DataFrame[] = [
    frame
      .lazy()
      .select(...exprs.slice(0, 13))
      .collectSync(),
  ];
  for (let i = 13; i < exprs.length; i += 5)
    parts.push(
      frame
        .lazy()
        .select(...exprs.slice(i, i + 5))
        .collectSync(),
    );
  return p.concat(parts, { how: 'horizontal' });
}
