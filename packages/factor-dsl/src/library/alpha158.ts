/**
 * qlib's Alpha158: the 158 daily features of `Alpha158DL.get_feature_config()` in
 * `qlib/contrib/data/loader.py` with its default config (kbar; raw prices open, high, low, vwap at
 * window 0; the 29 rolling operators at windows 5, 10, 20, 30, 60), with qlib's names and formula
 * strings verbatim, in qlib's order. The formulas are evaluated by the daily level of the factor
 * language (`evaluateDaily`), which accepts qlib's expression syntax as written.
 *
 * Semantics are qlib's (`qlib/data/ops.py`, `qlib/data/_libs/rolling.pyx`); the rules are written
 * out in `src/__fixtures__/alpha158/make_alpha158_fixtures.py`, the independent numpy
 * implementation the values are checked against.
 */

import type { DailyFactorDef } from '../daily/evaluate.js';

/** The rolling windows of qlib's default Alpha158 config, in trading days. */
export const ALPHA158_WINDOWS: readonly number[] = Object.freeze([5, 10, 20, 30, 60]);

const KBAR: readonly (readonly [string, string])[] = [
  ['KMID', '($close-$open)/$open'],
  ['KLEN', '($high-$low)/$open'],
  ['KMID2', '($close-$open)/($high-$low+1e-12)'],
  ['KUP', '($high-Greater($open, $close))/$open'],
  ['KUP2', '($high-Greater($open, $close))/($high-$low+1e-12)'],
  ['KLOW', '(Less($open, $close)-$low)/$open'],
  ['KLOW2', '(Less($open, $close)-$low)/($high-$low+1e-12)'],
  ['KSFT', '(2*$close-$high-$low)/$open'],
  ['KSFT2', '(2*$close-$high-$low)/($high-$low+1e-12)'],
];

/** The rolling groups in qlib's order: name prefix and formula of window `d`. */
const ROLLING: readonly (readonly [string, (d: number) => string])[] = [
  ['ROC', (d) => `Ref($close, ${d})/$close`],
  ['MA', (d) => `Mean($close, ${d})/$close`],
  ['STD', (d) => `Std($close, ${d})/$close`],
  ['BETA', (d) => `Slope($close, ${d})/$close`],
  ['RSQR', (d) => `Rsquare($close, ${d})`],
  ['RESI', (d) => `Resi($close, ${d})/$close`],
  ['MAX', (d) => `Max($high, ${d})/$close`],
  ['MIN', (d) => `Min($low, ${d})/$close`],
  ['QTLU', (d) => `Quantile($close, ${d}, 0.8)/$close`],
  ['QTLD', (d) => `Quantile($close, ${d}, 0.2)/$close`],
  ['RANK', (d) => `Rank($close, ${d})`],
  ['RSV', (d) => `($close-Min($low, ${d}))/(Max($high, ${d})-Min($low, ${d})+1e-12)`],
  ['IMAX', (d) => `IdxMax($high, ${d})/${d}`],
  ['IMIN', (d) => `IdxMin($low, ${d})/${d}`],
  ['IMXD', (d) => `(IdxMax($high, ${d})-IdxMin($low, ${d}))/${d}`],
  ['CORR', (d) => `Corr($close, Log($volume+1), ${d})`],
  ['CORD', (d) => `Corr($close/Ref($close,1), Log($volume/Ref($volume, 1)+1), ${d})`],
  ['CNTP', (d) => `Mean($close>Ref($close, 1), ${d})`],
  ['CNTN', (d) => `Mean($close<Ref($close, 1), ${d})`],
  ['CNTD', (d) => `Mean($close>Ref($close, 1), ${d})-Mean($close<Ref($close, 1), ${d})`],
  [
    'SUMP',
    (d) => `Sum(Greater($close-Ref($close, 1), 0), ${d})/(Sum(Abs($close-Ref($close, 1)), ${d})+1e-12)`,
  ],
  [
    'SUMN',
    (d) => `Sum(Greater(Ref($close, 1)-$close, 0), ${d})/(Sum(Abs($close-Ref($close, 1)), ${d})+1e-12)`,
  ],
  [
    'SUMD',
    (d) =>
      `(Sum(Greater($close-Ref($close, 1), 0), ${d})-Sum(Greater(Ref($close, 1)-$close, 0), ${d}))/(Sum(Abs($close-Ref($close, 1)), ${d})+1e-12)`,
  ],
  ['VMA', (d) => `Mean($volume, ${d})/($volume+1e-12)`],
  ['VSTD', (d) => `Std($volume, ${d})/($volume+1e-12)`],
  [
    'WVMA',
    (d) =>
      `Std(Abs($close/Ref($close, 1)-1)*$volume, ${d})/(Mean(Abs($close/Ref($close, 1)-1)*$volume, ${d})+1e-12)`,
  ],
  [
    'VSUMP',
    (d) => `Sum(Greater($volume-Ref($volume, 1), 0), ${d})/(Sum(Abs($volume-Ref($volume, 1)), ${d})+1e-12)`,
  ],
  [
    'VSUMN',
    (d) => `Sum(Greater(Ref($volume, 1)-$volume, 0), ${d})/(Sum(Abs($volume-Ref($volume, 1)), ${d})+1e-12)`,
  ],
  [
    'VSUMD',
    (d) =>
      `(Sum(Greater($volume-Ref($volume, 1), 0), ${d})-Sum(Greater(Ref($volume, 1)-$volume, 0), ${d}))/(Sum(Abs($volume-Ref($volume, 1)), ${d})+1e-12)`,
  ],
];

function build(): readonly DailyFactorDef[] {
  const defs: DailyFactorDef[] = KBAR.map(([name, formula]) => ({ name, formula }));
  for (const field of ['open', 'high', 'low', 'vwap']) {
    defs.push({ name: `${field.toUpperCase()}0`, formula: `$${field}/$close` });
  }
  for (const [prefix, formula] of ROLLING) {
    for (const d of ALPHA158_WINDOWS) defs.push({ name: `${prefix}${d}`, formula: formula(d) });
  }
  return Object.freeze(defs.map((d) => Object.freeze(d)));
}

/**
 * qlib's Alpha158 as 158 daily formulas (names and strings as qlib's `Alpha158DL` builds them for
 * its default config), in qlib's column order: KMID ... KSFT2, OPEN0 HIGH0 LOW0 VWAP0, then
 * ROC5 ... VSUMD60 (each rolling group at windows 5, 10, 20, 30, 60).
 *
 * Inputs they read: `$open`, `$high`, `$low`, `$close`, `$vwap`, `$volume` (daily panels, NaN on
 * suspended days). Units: price ratios (dimensionless), `RSQR`, `RANK`, `CNT*` in [0, 1],
 * `IMAX`/`IMIN` in (0, 1]. NaN rules follow qlib: rolling windows use `min_periods = 1` (NaN
 * values inside a window are skipped; `Std` needs two values), comparisons give 0 where either side is NaN.
 */
export const ALPHA158: readonly DailyFactorDef[] = build();
