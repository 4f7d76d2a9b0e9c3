import { lagArg, seriesArg, windowArg } from './args.js';
import type { EmitCtx, OpSpec } from './spec.js';

/**
 * Rolling operators within one stock-day. Every one reads only the current and earlier bars of the
 * same frame (lags are non-negative literals), so nothing inside the day looks ahead either.
 * Missing means non-finite: a window that holds a missing value gives NaN.
 */
const FULL_WINDOW = 'NaN until w bars are available and when any of the last w values is missing';
const finite = (v: string) => `${v} - ${v} === 0`;

/** Shared template of ts_sum / ts_mean: running sum of the finite values and count of missing ones. */
function runningSum(c: EmitCtx, divide: boolean): string {
  const w = c.p[0]!;
  const s = c.s;
  return `{ const xi = ${c.a[0]}; if (${finite('xi')}) ${s}s += xi; else ${s}m++;
  if (i >= ${w}) { const xo = ${c.x(0, `i - ${w}`)}; if (${finite('xo')}) ${s}s -= xo; else ${s}m--; }
  ${c.out} = i >= ${w - 1} && ${s}m === 0 ? ${divide ? `${s}s / ${w}` : `${s}s`} : NaN; }`;
}

/** Shared template of ts_std / ts_var: running sums of x - r (r = first finite value of the day, for accuracy). */
function runningVar(c: EmitCtx, root: boolean): string {
  const w = c.p[0]!;
  const s = c.s;
  return `{ const xi = ${c.a[0]}; if (${finite('xi')}) { if (${s}r !== ${s}r) ${s}r = xi; const d = xi - ${s}r; ${s}s += d; ${s}q += d * d; } else ${s}m++;
  if (i >= ${w}) { const xo = ${c.x(0, `i - ${w}`)}; if (${finite('xo')}) { const d = xo - ${s}r; ${s}s -= d; ${s}q -= d * d; } else ${s}m--; }
  if (i >= ${w - 1} && ${s}m === 0) { const v = (${s}q - ${s}s * ${s}s / ${w}) / ${w - 1}; ${c.out} = v > 0 ? ${root ? 'Math.sqrt(v)' : 'v'} : 0; } else ${c.out} = NaN; }`;
}

/** Shared template of ts_cov / ts_corr over pairs (both finite). */
function runningCov(c: EmitCtx, corr: boolean): string {
  const w = c.p[0]!;
  const s = c.s;
  const result = corr
    ? `const vx = ${s}xx - ${s}x * ${s}x / ${w}, vy = ${s}yy - ${s}y * ${s}y / ${w}; ${c.out} = vx > 0 && vy > 0 ? (${s}xy - ${s}x * ${s}y / ${w}) / Math.sqrt(vx * vy) : NaN;`
    : `${c.out} = (${s}xy - ${s}x * ${s}y / ${w}) / ${w - 1};`;
  return `{ const xi = ${c.a[0]}, yi = ${c.a[1]};
  if (${finite('xi')} && ${finite('yi')}) { if (${s}rx !== ${s}rx) { ${s}rx = xi; ${s}ry = yi; } const dx = xi - ${s}rx, dy = yi - ${s}ry; ${s}x += dx; ${s}y += dy; ${s}xx += dx * dx; ${s}yy += dy * dy; ${s}xy += dx * dy; } else ${s}m++;
  if (i >= ${w}) { const xo = ${c.x(0, `i - ${w}`)}, yo = ${c.x(1, `i - ${w}`)};
    if (${finite('xo')} && ${finite('yo')}) { const dx = xo - ${s}rx, dy = yo - ${s}ry; ${s}x -= dx; ${s}y -= dy; ${s}xx -= dx * dx; ${s}yy -= dy * dy; ${s}xy -= dx * dy; } else ${s}m--; }
  if (i >= ${w - 1} && ${s}m === 0) { ${result} } else ${c.out} = NaN; }`;
}

/** Shared template of ts_max / ts_min: monotonic deque of row indices in an Int32Array. */
function runningExtreme(c: EmitCtx, max: boolean): string {
  const w = c.p[0]!;
  const s = c.s;
  const q = c.i32;
  const worse = max ? '<=' : '>=';
  return `{ const xi = ${c.a[0]};
  if (${finite('xi')}) { while (${s}t > ${s}h && ${c.x(0, `${q}[${s}t - 1]`)} ${worse} xi) ${s}t--; ${q}[${s}t++] = i; } else ${s}m++;
  if (i >= ${w}) { const xo = ${c.x(0, `i - ${w}`)}; if (!(${finite('xo')})) ${s}m--; }
  while (${s}t > ${s}h && ${q}[${s}h] <= i - ${w}) ${s}h++;
  ${c.out} = i >= ${w - 1} && ${s}m === 0 ? ${c.x(0, `${q}[${s}h]`)} : NaN; }`;
}

export const ROLLING_OPS: readonly OpSpec[] = [
  {
    name: 'delay',
    aliases: ['shift'],
    family: 'rolling',
    args: [seriesArg('x'), lagArg('k')],
    result: 'series',
    window: 'k >= 0 (no negative lags); reads the bar k rows earlier',
    nan: 'NaN for the first k bars of the day',
    doc: 'x lagged by k bars within the day (also `shift(x, k)`)',
    example: 'corr(volume, delay(volume, 1))',
    impl: {
      kind: 'rolling',
      history: [0],
      // Lag 1 (the most common: returns) keeps the previous value in a variable instead of re-reading it.
      init: (c) => (c.p[0] === 1 ? `let ${c.s}p = NaN;` : ''),
      step: (c) =>
        c.p[0] === 0
          ? `${c.out} = ${c.a[0]};`
          : c.p[0] === 1
            ? `${c.out} = ${c.s}p; ${c.s}p = ${c.a[0]};`
            : `${c.out} = i >= ${c.p[0]} ? ${c.x(0, `i - ${c.p[0]}`)} : NaN;`,
    },
  },
  {
    name: 'diff',
    family: 'rolling',
    args: [seriesArg('x'), lagArg('k', 1)],
    result: 'series',
    window: 'k >= 0, default 1',
    nan: 'NaN for the first k bars; propagates',
    doc: 'x - delay(x, k)',
    example: 'std(diff(close, 1))',
    impl: { kind: 'macro', body: '$x - delay($x, $k)' },
  },
  {
    name: 'pct_change',
    family: 'rolling',
    args: [seriesArg('x'), lagArg('k', 1)],
    result: 'series',
    window: 'k >= 0, default 1',
    nan: 'NaN for the first k bars; NaN when the earlier value is 0',
    doc: 'x / delay(x, k) - 1 (a fraction, not percent)',
    example: 'std(pct_change(close, 1))',
    impl: { kind: 'macro', body: '$x / delay($x, $k) - 1' },
  },
  {
    name: 'log_return',
    family: 'rolling',
    args: [seriesArg('x'), lagArg('k', 1)],
    result: 'series',
    window: 'k >= 0, default 1',
    nan: 'NaN for the first k bars; NaN unless both prices are > 0',
    doc: 'log(x / delay(x, k)): the log return over k bars',
    example: 'sqrt(sum(log_return(close, 1) ^ 2))',
    impl: { kind: 'macro', body: 'log($x / delay($x, $k))' },
  },
  {
    name: 'ts_sum',
    family: 'rolling',
    args: [seriesArg('x'), windowArg('w')],
    result: 'series',
    window: 'w in [1, maxWindow]',
    nan: FULL_WINDOW,
    doc: 'sum of the last w values of x',
    example: 'max(ts_sum(volume, 5)) / sum(volume)',
    impl: {
      kind: 'rolling',
      history: [0],
      init: (c) => `let ${c.s}s = 0, ${c.s}m = 0;`,
      step: (c) => runningSum(c, false),
    },
  },
  {
    name: 'ts_mean',
    family: 'rolling',
    args: [seriesArg('x'), windowArg('w')],
    result: 'series',
    window: 'w in [1, maxWindow]',
    nan: FULL_WINDOW,
    doc: 'mean of the last w values of x',
    example: 'last(close / ts_mean(close, 30)) - 1',
    impl: {
      kind: 'rolling',
      history: [0],
      init: (c) => `let ${c.s}s = 0, ${c.s}m = 0;`,
      step: (c) => runningSum(c, true),
    },
  },
  {
    name: 'ts_std',
    family: 'rolling',
    args: [seriesArg('x'), windowArg('w', 2)],
    result: 'series',
    window: 'w in [2, maxWindow]',
    nan: FULL_WINDOW,
    doc: 'sample standard deviation (n - 1) of the last w values of x',
    example: 'mean(ts_std(log_return(close, 1), 30))',
    impl: {
      kind: 'rolling',
      history: [0],
      init: (c) => `let ${c.s}s = 0, ${c.s}q = 0, ${c.s}m = 0, ${c.s}r = NaN;`,
      step: (c) => runningVar(c, true),
    },
  },
  {
    name: 'ts_var',
    family: 'rolling',
    args: [seriesArg('x'), windowArg('w', 2)],
    result: 'series',
    window: 'w in [2, maxWindow]',
    nan: FULL_WINDOW,
    doc: 'sample variance (n - 1) of the last w values of x',
    example: 'max(ts_var(log_return(close, 1), 20))',
    impl: {
      kind: 'rolling',
      history: [0],
      init: (c) => `let ${c.s}s = 0, ${c.s}q = 0, ${c.s}m = 0, ${c.s}r = NaN;`,
      step: (c) => runningVar(c, false),
    },
  },
  {
    name: 'ts_zscore',
    family: 'rolling',
    args: [seriesArg('x'), windowArg('w', 2)],
    result: 'series',
    window: 'w in [2, maxWindow]',
    nan: `${FULL_WINDOW}; NaN when the window is constant`,
    doc: '(x - ts_mean(x, w)) / ts_std(x, w)',
    example: 'mean(abs(ts_zscore(volume, 20)) > 2)',
    impl: { kind: 'macro', body: '($x - ts_mean($x, $w)) / ts_std($x, $w)' },
  },
  {
    name: 'ts_max',
    family: 'rolling',
    args: [seriesArg('x'), windowArg('w')],
    result: 'series',
    window: 'w in [1, maxWindow]',
    nan: FULL_WINDOW,
    doc: 'largest of the last w values of x',
    example: 'mean(close / ts_max(high, 30))',
    impl: {
      kind: 'rolling',
      history: [0],
      i32: true,
      init: (c) => `let ${c.s}h = 0, ${c.s}t = 0, ${c.s}m = 0;`,
      step: (c) => runningExtreme(c, true),
    },
  },
  {
    name: 'ts_min',
    family: 'rolling',
    args: [seriesArg('x'), windowArg('w')],
    result: 'series',
    window: 'w in [1, maxWindow]',
    nan: FULL_WINDOW,
    doc: 'smallest of the last w values of x',
    example: 'mean(close / ts_min(low, 30))',
    impl: {
      kind: 'rolling',
      history: [0],
      i32: true,
      init: (c) => `let ${c.s}h = 0, ${c.s}t = 0, ${c.s}m = 0;`,
      step: (c) => runningExtreme(c, false),
    },
  },
  {
    name: 'ts_rank',
    family: 'rolling',
    args: [seriesArg('x'), windowArg('w', 2)],
    result: 'series',
    window: 'w in [2, maxWindow]; costs w per bar',
    nan: FULL_WINDOW,
    doc: 'rank of x among its last w values, in [0, 1]: (number below + half the ties) / (w - 1)',
    example: 'mean(ts_rank(volume, 20))',
    cost: (p) => p[0]!,
    impl: {
      kind: 'rolling',
      history: [0],
      init: () => '',
      step: (c) => {
        const w = c.p[0]!;
        return `{ const xi = ${c.a[0]}; ${c.out} = NaN;
  if (i >= ${w - 1} && ${finite('xi')}) { let lt = 0, eq = 0, ok = 1;
    for (let j = i - ${w - 1}; j < i; j++) { const v = ${c.x(0, 'j')}; if (!(${finite('v')})) { ok = 0; break; } if (v < xi) lt++; else if (v === xi) eq++; }
    if (ok === 1) ${c.out} = (lt + 0.5 * eq) / ${w - 1}; } }`;
      },
    },
  },
  {
    name: 'ts_cov',
    family: 'rolling',
    args: [seriesArg('x'), seriesArg('y'), windowArg('w', 2)],
    result: 'series',
    window: 'w in [2, maxWindow]',
    nan: `${FULL_WINDOW} (in either series)`,
    doc: 'sample covariance (n - 1) of x and y over the last w bars',
    example: 'mean(ts_cov(log_return(close, 1), volume, 20))',
    commutative: true,
    impl: {
      kind: 'rolling',
      history: [0, 1],
      init: (c) =>
        `let ${c.s}x = 0, ${c.s}y = 0, ${c.s}xx = 0, ${c.s}yy = 0, ${c.s}xy = 0, ${c.s}m = 0, ${c.s}rx = NaN, ${c.s}ry = NaN;`,
      step: (c) => runningCov(c, false),
    },
  },
  {
    name: 'ts_corr',
    family: 'rolling',
    args: [seriesArg('x'), seriesArg('y'), windowArg('w', 2)],
    result: 'series',
    window: 'w in [2, maxWindow]',
    nan: `${FULL_WINDOW} (in either series); NaN when either is constant over the window`,
    doc: 'Pearson correlation of x and y over the last w bars',
    example: 'mean(ts_corr(close, volume, 30))',
    commutative: true,
    impl: {
      kind: 'rolling',
      history: [0, 1],
      init: (c) =>
        `let ${c.s}x = 0, ${c.s}y = 0, ${c.s}xx = 0, ${c.s}yy = 0, ${c.s}xy = 0, ${c.s}m = 0, ${c.s}rx = NaN, ${c.s}ry = NaN;`,
      step: (c) => runningCov(c, true),
    },
  },
  {
    name: 'ema',
    family: 'rolling',
    args: [seriesArg('x'), windowArg('w')],
    result: 'series',
    window: 'span w in [1, maxWindow]: alpha = 2 / (w + 1); starts at the first finite value',
    nan: 'missing inputs give NaN at that bar and leave the average unchanged',
    doc: 'exponential moving average e = e + alpha * (x - e)',
    example: 'last(close / ema(close, 20)) - 1',
    impl: {
      kind: 'rolling',
      history: [],
      init: (c) => `let ${c.s}e = NaN;`,
      step: (c) => {
        const alpha = c.num(2 / (c.p[0]! + 1));
        return `{ const xi = ${c.a[0]}; if (${finite('xi')}) { ${c.s}e = ${c.s}e === ${c.s}e ? ${c.s}e + ${alpha} * (xi - ${c.s}e) : xi; ${c.out} = ${c.s}e; } else ${c.out} = NaN; }`;
      },
    },
  },
  {
    name: 'decay_linear',
    family: 'rolling',
    args: [seriesArg('x'), windowArg('w')],
    result: 'series',
    window: 'w in [1, maxWindow]',
    nan: FULL_WINDOW,
    doc: 'linearly weighted mean of the last w values (newest weight w, oldest 1)',
    example: 'last(decay_linear(log_return(close, 1), 10))',
    impl: {
      kind: 'rolling',
      history: [0],
      init: (c) => `let ${c.s}s = 0, ${c.s}ws = 0, ${c.s}m = 0;`,
      step: (c) => {
        const w = c.p[0]!;
        const s = c.s;
        return `{ const xi = ${c.a[0]}; const xv = ${finite('xi')} ? xi : 0; if (xv !== xi) ${s}m++;
  ${s}ws += ${w} * xv - ${s}s; ${s}s += xv;
  if (i >= ${w}) { const xo = ${c.x(0, `i - ${w}`)}; if (${finite('xo')}) ${s}s -= xo; else ${s}m--; }
  ${c.out} = i >= ${w - 1} && ${s}m === 0 ? ${s}ws / ${c.num((w * (w + 1)) / 2)} : NaN; }`;
      },
    },
  },
  {
    name: 'cumsum',
    family: 'rolling',
    args: [seriesArg('x')],
    result: 'series',
    window: 'from the first bar of the day',
    nan: 'missing inputs give NaN at that bar and add nothing',
    doc: 'running sum of x since the open',
    example: 'max(cumsum(log_return(close, 1)))',
    impl: {
      kind: 'rolling',
      history: [],
      init: (c) => `let ${c.s}s = 0;`,
      step: (c) =>
        `{ const xi = ${c.a[0]}; if (${finite('xi')}) { ${c.s}s += xi; ${c.out} = ${c.s}s; } else ${c.out} = NaN; }`,
    },
  },
  {
    name: 'cummax',
    family: 'rolling',
    args: [seriesArg('x')],
    result: 'series',
    window: 'from the first bar of the day',
    nan: 'missing inputs give NaN at that bar and do not change the running maximum',
    doc: 'running maximum of x since the open',
    example: 'max(1 - close / cummax(close))',
    impl: {
      kind: 'rolling',
      history: [],
      init: (c) => `let ${c.s}v = -Infinity;`,
      step: (c) =>
        `{ const xi = ${c.a[0]}; if (${finite('xi')}) { if (xi > ${c.s}v) ${c.s}v = xi; ${c.out} = ${c.s}v; } else ${c.out} = NaN; }`,
    },
  },
  {
    name: 'cummin',
    family: 'rolling',
    args: [seriesArg('x')],
    result: 'series',
    window: 'from the first bar of the day',
    nan: 'missing inputs give NaN at that bar and do not change the running minimum',
    doc: 'running minimum of x since the open',
    example: 'max(close / cummin(close) - 1)',
    impl: {
      kind: 'rolling',
      history: [],
      init: (c) => `let ${c.s}v = Infinity;`,
      step: (c) =>
        `{ const xi = ${c.a[0]}; if (${finite('xi')}) { if (xi < ${c.s}v) ${c.s}v = xi; ${c.out} = ${c.s}v; } else ${c.out} = NaN; }`,
    },
  },
];
