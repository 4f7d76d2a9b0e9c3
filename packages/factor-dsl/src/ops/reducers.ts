import { constArg, lagArg, seriesArg } from './args.js';
import type { EmitCtx, OpSpec } from './spec.js';

/**
 * Reducers: a per-bar series to one number per stock-day. All skip missing (non-finite) bars;
 * with no finite bar they give NaN (except `sum` and `count`, which give 0). Moments use the
 * two-pass (centred) formulas; `std`/`var`/`cov` divide by n - 1, `skew`/`kurt` are the population
 * (biased) moments m3 / m2^1.5 and m4 / m2^2 - 3, as in numpy/scipy defaults.
 */
const SKIPS = 'skips missing bars';
const finite = (v: string) => `${v} - ${v} === 0`;

/**
 * The moment reducers of one input (`mean`, `std`, `var`, `skew`, `kurt`) share their state under
 * the group prefix `c.g`: one first pass (sum, count) and one second pass (central sums m2, m3, m4
 * about the mean); the identical statements they emit are generated once.
 */
const moments = {
  init: (c: EmitCtx) => `let ${c.g}s = 0, ${c.g}c = 0;`,
  acc: (c: EmitCtx) => `{ const v = ${c.a[0]}; if (${finite('v')}) { ${c.g}s += v; ${c.g}c++; } }`,
};

/** Second pass of the moment reducers: central sums m2, m3, m4 about the mean. */
const centralMoments = {
  pre: (c: EmitCtx) => `const ${c.g}mu = ${c.g}s / ${c.g}c; let ${c.g}m2 = 0, ${c.g}m3 = 0, ${c.g}m4 = 0;`,
  row: (c: EmitCtx) =>
    `{ const v = ${c.x(0, 'j')}; if (${finite('v')}) { const d = v - ${c.g}mu, d2 = d * d; ${c.g}m2 += d2; ${c.g}m3 += d2 * d; ${c.g}m4 += d2 * d2; } }`,
};

/** The pair reducers of one (x, y) (`corr`, `cov`) share sums over rows where both are finite. */
const pairSums = {
  init: (c: EmitCtx) => `let ${c.g}sx = 0, ${c.g}sy = 0, ${c.g}c = 0;`,
  acc: (c: EmitCtx) =>
    `{ const x = ${c.a[0]}, y = ${c.a[1]}; if (${finite('x')} && ${finite('y')}) { ${c.g}sx += x; ${c.g}sy += y; ${c.g}c++; } }`,
};

/** Second pass of the pair reducers: centred cross products. */
const pairMoments = {
  pre: (c: EmitCtx) =>
    `const ${c.g}mx = ${c.g}sx / ${c.g}c, ${c.g}my = ${c.g}sy / ${c.g}c; let ${c.g}xx = 0, ${c.g}yy = 0, ${c.g}xy = 0;`,
  row: (c: EmitCtx) =>
    `{ const x = ${c.x(0, 'j')}, y = ${c.x(1, 'j')}; if (${finite('x')} && ${finite('y')}) { const dx = x - ${c.g}mx, dy = y - ${c.g}my; ${c.g}xx += dx * dx; ${c.g}yy += dy * dy; ${c.g}xy += dx * dy; } }`,
};

/**
 * Order statistics: the finite values gathered in the second pass and sorted once after it, shared
 * by every `median`/`quantile` of the same input (group prefix `c.g`, one scratch buffer per group).
 */
const gather = {
  pre: (c: EmitCtx) => `let ${c.g}k = 0;`,
  row: (c: EmitCtx) => `{ const v = ${c.x(0, 'j')}; if (${finite('v')}) ${c.f64}[${c.g}k++] = v; }`,
};

/** Quantile with linear interpolation between order statistics (numpy's default). */
function quantile(c: EmitCtx, q: string): string[] {
  const g = c.g;
  return [
    `const ${g}srt = ${c.f64}.subarray(0, ${g}k).sort();`,
    `if (${g}k === 0) ${c.out} = NaN; else { const pos = ${q} * (${g}k - 1); const lo = Math.floor(pos), hi = Math.ceil(pos);
    ${c.out} = ${g}srt[lo] + (${g}srt[hi] - ${g}srt[lo]) * (pos - lo); }`,
  ];
}

export const REDUCER_OPS: readonly OpSpec[] = [
  {
    name: 'sum',
    family: 'reducer',
    args: [seriesArg('x')],
    result: 'scalar',
    window: '',
    nan: `${SKIPS}; 0 when none is finite`,
    doc: 'sum over the bars of the day',
    example: 'sum(amount)',
    impl: {
      kind: 'reduce',
      buffered: [],
      init: (c) => `let ${c.s}s = 0;`,
      acc: (c) => `{ const v = ${c.a[0]}; if (${finite('v')}) ${c.s}s += v; }`,
      final: (c) => `${c.out} = ${c.s}s;`,
    },
  },
  {
    name: 'count',
    family: 'reducer',
    args: [seriesArg('x')],
    result: 'scalar',
    window: '',
    nan: 'counts the finite bars',
    doc: 'number of bars where x is finite (use with where() or a time filter)',
    example: 'count(where(volume == 0, close))',
    impl: {
      kind: 'reduce',
      buffered: [],
      init: (c) => `let ${c.s}c = 0;`,
      acc: (c) => `{ const v = ${c.a[0]}; if (${finite('v')}) ${c.s}c++; }`,
      final: (c) => `${c.out} = ${c.s}c;`,
    },
  },
  {
    name: 'mean',
    family: 'reducer',
    args: [seriesArg('x')],
    result: 'scalar',
    window: '',
    nan: `${SKIPS}; NaN when none is finite`,
    doc: 'mean over the bars of the day',
    example: 'mean(abs(log_return(close, 1)) / amount)',
    impl: {
      kind: 'reduce',
      buffered: [],
      ...moments,
      final: (c) => `${c.out} = ${c.g}c > 0 ? ${c.g}s / ${c.g}c : NaN;`,
    },
  },
  {
    name: 'std',
    family: 'reducer',
    args: [seriesArg('x')],
    result: 'scalar',
    window: '',
    nan: `${SKIPS}; NaN with fewer than 2 finite bars`,
    doc: 'sample standard deviation (n - 1) over the bars of the day',
    example: 'std(log_return(close, 1))',
    impl: {
      kind: 'reduce',
      buffered: [0],
      ...moments,
      pass2: centralMoments,
      final: (c) => [`${c.out} = ${c.g}c > 1 ? Math.sqrt(${c.g}m2 / (${c.g}c - 1)) : NaN;`],
    },
  },
  {
    name: 'var',
    family: 'reducer',
    args: [seriesArg('x')],
    result: 'scalar',
    window: '',
    nan: `${SKIPS}; NaN with fewer than 2 finite bars`,
    doc: 'sample variance (n - 1) over the bars of the day',
    example: 'var(log_return(close, 1))',
    impl: {
      kind: 'reduce',
      buffered: [0],
      ...moments,
      pass2: centralMoments,
      final: (c) => [`${c.out} = ${c.g}c > 1 ? ${c.g}m2 / (${c.g}c - 1) : NaN;`],
    },
  },
  {
    name: 'skew',
    family: 'reducer',
    args: [seriesArg('x')],
    result: 'scalar',
    window: '',
    nan: `${SKIPS}; NaN with fewer than 3 finite bars or zero variance`,
    doc: 'skewness m3 / m2^1.5 (population moments)',
    example: 'skew(log_return(close, 1))',
    impl: {
      kind: 'reduce',
      buffered: [0],
      ...moments,
      pass2: centralMoments,
      final: (c) => [
        `${c.out} = ${c.g}c > 2 && ${c.g}m2 > 0 ? (${c.g}m3 / ${c.g}c) / Math.pow(${c.g}m2 / ${c.g}c, 1.5) : NaN;`,
      ],
    },
  },
  {
    name: 'kurt',
    family: 'reducer',
    args: [seriesArg('x')],
    result: 'scalar',
    window: '',
    nan: `${SKIPS}; NaN with fewer than 4 finite bars or zero variance`,
    doc: 'excess kurtosis m4 / m2^2 - 3 (population moments)',
    example: 'kurt(log_return(close, 1))',
    impl: {
      kind: 'reduce',
      buffered: [0],
      ...moments,
      pass2: centralMoments,
      final: (c) => [
        `${c.out} = ${c.g}c > 3 && ${c.g}m2 > 0 ? (${c.g}m4 / ${c.g}c) / ((${c.g}m2 / ${c.g}c) * (${c.g}m2 / ${c.g}c)) - 3 : NaN;`,
      ],
    },
  },
  {
    name: 'min',
    family: 'reducer',
    args: [seriesArg('x')],
    result: 'scalar',
    window: '',
    nan: `${SKIPS}; NaN when none is finite`,
    doc: 'smallest value of the day (elementwise: `minimum`)',
    example: 'min(low) / first(open) - 1',
    impl: {
      kind: 'reduce',
      buffered: [],
      init: (c) => `let ${c.s}v = Infinity;`,
      acc: (c) => `{ const v = ${c.a[0]}; if (v < ${c.s}v && ${finite('v')}) ${c.s}v = v; }`,
      final: (c) => `${c.out} = ${c.s}v - ${c.s}v === 0 ? ${c.s}v : NaN;`,
    },
  },
  {
    name: 'max',
    family: 'reducer',
    args: [seriesArg('x')],
    result: 'scalar',
    window: '',
    nan: `${SKIPS}; NaN when none is finite`,
    doc: 'largest value of the day (elementwise: `maximum`)',
    example: 'max(high) / first(open) - 1',
    impl: {
      kind: 'reduce',
      buffered: [],
      init: (c) => `let ${c.s}v = -Infinity;`,
      acc: (c) => `{ const v = ${c.a[0]}; if (v > ${c.s}v && ${finite('v')}) ${c.s}v = v; }`,
      final: (c) => `${c.out} = ${c.s}v - ${c.s}v === 0 ? ${c.s}v : NaN;`,
    },
  },
  {
    name: 'median',
    family: 'reducer',
    args: [seriesArg('x')],
    result: 'scalar',
    window: '',
    nan: `${SKIPS}; NaN when none is finite`,
    doc: 'median of the day (mean of the two middle values for an even count)',
    example: 'median(volume) / mean(volume)',
    cost: () => 8,
    impl: {
      kind: 'reduce',
      buffered: [0],
      f64: true,
      init: () => '',
      acc: () => '',
      pass2: gather,
      final: (c) => quantile(c, '0.5'),
    },
  },
  {
    name: 'quantile',
    family: 'reducer',
    args: [seriesArg('x'), constArg('q', 0, 1)],
    result: 'scalar',
    window: '',
    nan: `${SKIPS}; NaN when none is finite`,
    doc: 'q-quantile of the day, q in [0, 1], linear interpolation between order statistics',
    example: 'quantile(log_return(close, 1), 0.9) - quantile(log_return(close, 1), 0.1)',
    cost: () => 8,
    impl: {
      kind: 'reduce',
      buffered: [0],
      f64: true,
      init: () => '',
      acc: () => '',
      pass2: gather,
      final: (c) => quantile(c, c.num(c.p[0]!)),
    },
  },
  {
    name: 'first',
    family: 'reducer',
    args: [seriesArg('x')],
    result: 'scalar',
    window: '',
    nan: 'the first finite value; NaN when none is finite',
    doc: 'first value of the day',
    example: 'last(close) / first(open) - 1',
    impl: {
      kind: 'reduce',
      buffered: [],
      init: (c) => `let ${c.s}v = NaN;`,
      acc: (c) => `if (${c.s}v !== ${c.s}v) { const v = ${c.a[0]}; if (${finite('v')}) ${c.s}v = v; }`,
      final: (c) => `${c.out} = ${c.s}v;`,
    },
  },
  {
    name: 'last',
    family: 'reducer',
    args: [seriesArg('x')],
    result: 'scalar',
    window: '',
    nan: 'the last finite value; NaN when none is finite',
    doc: 'last value of the day',
    example: 'last(close) / first(open) - 1',
    impl: {
      kind: 'reduce',
      buffered: [],
      init: (c) => `let ${c.s}v = NaN;`,
      acc: (c) => `{ const v = ${c.a[0]}; if (${finite('v')}) ${c.s}v = v; }`,
      final: (c) => `${c.out} = ${c.s}v;`,
    },
  },
  {
    name: 'argmax',
    family: 'reducer',
    args: [seriesArg('x')],
    result: 'scalar',
    window: '',
    nan: `${SKIPS}; NaN when none is finite`,
    doc: 'where in the day the maximum is: row of the first maximum / (rows - 1), in [0, 1]',
    example: 'argmax(volume)',
    impl: {
      kind: 'reduce',
      buffered: [],
      init: (c) => `let ${c.s}v = -Infinity, ${c.s}k = -1;`,
      acc: (c) => `{ const v = ${c.a[0]}; if (v > ${c.s}v && ${finite('v')}) { ${c.s}v = v; ${c.s}k = i; } }`,
      final: (c) => `${c.out} = ${c.s}k < 0 ? NaN : n > 1 ? ${c.s}k / (n - 1) : 0;`,
    },
  },
  {
    name: 'argmin',
    family: 'reducer',
    args: [seriesArg('x')],
    result: 'scalar',
    window: '',
    nan: `${SKIPS}; NaN when none is finite`,
    doc: 'where in the day the minimum is: row of the first minimum / (rows - 1), in [0, 1]',
    example: 'argmin(low)',
    impl: {
      kind: 'reduce',
      buffered: [],
      init: (c) => `let ${c.s}v = Infinity, ${c.s}k = -1;`,
      acc: (c) => `{ const v = ${c.a[0]}; if (v < ${c.s}v && ${finite('v')}) { ${c.s}v = v; ${c.s}k = i; } }`,
      final: (c) => `${c.out} = ${c.s}k < 0 ? NaN : n > 1 ? ${c.s}k / (n - 1) : 0;`,
    },
  },
  {
    name: 'corr',
    family: 'reducer',
    args: [seriesArg('x'), seriesArg('y')],
    result: 'scalar',
    commutative: true,
    window: '',
    nan: 'uses bars where both are finite; NaN with fewer than 2 or when either is constant',
    doc: 'Pearson correlation of x and y over the day',
    example: 'corr(close, volume)',
    impl: {
      kind: 'reduce',
      buffered: [0, 1],
      ...pairSums,
      pass2: pairMoments,
      final: (c) => [
        `{ const den = Math.sqrt(${c.g}xx * ${c.g}yy); ${c.out} = ${c.g}c > 1 && den > 0 ? ${c.g}xy / den : NaN; }`,
      ],
    },
  },
  {
    name: 'cov',
    family: 'reducer',
    args: [seriesArg('x'), seriesArg('y')],
    result: 'scalar',
    commutative: true,
    window: '',
    nan: 'uses bars where both are finite; NaN with fewer than 2',
    doc: 'sample covariance (n - 1) of x and y over the day',
    example: 'cov(log_return(close, 1), volume) / mean(volume)',
    impl: {
      kind: 'reduce',
      buffered: [0, 1],
      ...pairSums,
      pass2: pairMoments,
      final: (c) => [`${c.out} = ${c.g}c > 1 ? ${c.g}xy / (${c.g}c - 1) : NaN;`],
    },
  },
  {
    name: 'beta',
    family: 'reducer',
    args: [seriesArg('y'), seriesArg('x')],
    result: 'scalar',
    window: '',
    nan: 'uses bars where both are finite; NaN with fewer than 2 or when x is constant',
    doc: 'least-squares slope of y on x over the day: cov(x, y) / var(x)',
    example: 'beta(log_return(close, 1), log_return(vwap, 1))',
    impl: {
      kind: 'reduce',
      buffered: [0, 1],
      init: (c) => `let ${c.s}sx = 0, ${c.s}sy = 0, ${c.s}c = 0;`,
      // y is argument 0 and x argument 1: accumulate as (x, y) = (a[1], a[0]).
      acc: (c) =>
        `{ const y = ${c.a[0]}, x = ${c.a[1]}; if (${finite('x')} && ${finite('y')}) { ${c.s}sx += x; ${c.s}sy += y; ${c.s}c++; } }`,
      pass2: {
        pre: (c) =>
          `const ${c.s}mx = ${c.s}sx / ${c.s}c, ${c.s}my = ${c.s}sy / ${c.s}c; let ${c.s}xx = 0, ${c.s}xy = 0;`,
        row: (c) =>
          `{ const y = ${c.x(0, 'j')}, x = ${c.x(1, 'j')}; if (${finite('x')} && ${finite('y')}) { const dx = x - ${c.s}mx; ${c.s}xx += dx * dx; ${c.s}xy += dx * (y - ${c.s}my); } }`,
      },
      final: (c) => `${c.out} = ${c.s}c > 1 && ${c.s}xx > 0 ? ${c.s}xy / ${c.s}xx : NaN;`,
    },
  },
  {
    name: 'slope',
    family: 'reducer',
    args: [seriesArg('y')],
    result: 'scalar',
    window: '',
    nan: 'uses the finite bars; NaN with fewer than 2',
    doc: 'least-squares slope of y on the bar number (0, 1, 2, ...): trend per bar',
    example: 'slope(close) / mean(close)',
    impl: {
      kind: 'reduce',
      buffered: [0],
      init: (c) => `let ${c.s}sx = 0, ${c.s}sy = 0, ${c.s}c = 0;`,
      acc: (c) => `{ const y = ${c.a[0]}; if (${finite('y')}) { ${c.s}sx += i; ${c.s}sy += y; ${c.s}c++; } }`,
      pass2: {
        pre: (c) =>
          `const ${c.s}mx = ${c.s}sx / ${c.s}c, ${c.s}my = ${c.s}sy / ${c.s}c; let ${c.s}xx = 0, ${c.s}xy = 0;`,
        row: (c) =>
          `{ const y = ${c.x(0, 'j')}; if (${finite('y')}) { const dx = j - ${c.s}mx; ${c.s}xx += dx * dx; ${c.s}xy += dx * (y - ${c.s}my); } }`,
      },
      final: (c) => `${c.out} = ${c.s}c > 1 ? ${c.s}xy / ${c.s}xx : NaN;`,
    },
  },
  {
    name: 'share',
    family: 'reducer',
    args: [seriesArg('part'), seriesArg('total')],
    result: 'scalar',
    window: '',
    nan: 'each sum skips its missing bars; NaN when sum(total) is 0',
    doc: 'sum(part) / sum(total): share of the total, e.g. of volume in a time window (a fraction)',
    example: 'share(first_minutes(volume, 30), volume)',
    impl: { kind: 'macro', body: 'sum($part) / sum($total)' },
  },
  {
    name: 'autocorr',
    family: 'reducer',
    args: [seriesArg('x'), lagArg('k', 1)],
    result: 'scalar',
    window: 'k >= 0, default 1',
    nan: 'as corr',
    doc: 'corr(x, delay(x, k)): autocorrelation at lag k bars',
    example: 'autocorr(log_return(close, 1), 1)',
    impl: { kind: 'macro', body: 'corr($x, delay($x, $k))' },
  },
];
