import { HfqError, Panel, STYLE_NAMES, type StyleName, throwIfAborted, zscoreInPlace } from '@hfq/core';
import { checkIndexReturns, checkPanelShape } from '../../checks.js';
import type {
  StyleDailyInput,
  StyleExposureOptions,
  StyleExposures,
  StyleIndexInput,
} from '../style-exposures.js';

/**
 * The hand-written rolling loops `styleExposures` ran before it evaluated the style formulas of
 * `@hfq/factor-dsl` (`styleFactors`), kept unchanged as a frozen reference for the tests: the
 * formulas must give the same exposures to 1e-12 (the demo's enhanced-index numbers depend on
 * them). Not part of the package (excluded from the build with the other fixtures).
 */

/** The styles' z-score rule (Barra): population sd, NaN without dispersion, clip re-standardised. */
const STYLE_ZSCORE = { ddof: 0, constant: 'nan', clipMode: 'restandardize' } as const;

export function styleExposuresLoops(
  daily: StyleDailyInput,
  index: StyleIndexInput,
  options: StyleExposureOptions = {},
): StyleExposures {
  const allDates = daily.close.dates;
  const assets = daily.close.assets;
  const nT = allDates.length;
  const n = assets.length;
  for (const f of ['adjFactor', 'marketCap', 'turnover', 'bookToPrice', 'listed', 'suspended'] as const) {
    checkPanelShape(daily[f], f, nT, n);
  }
  checkIndexReturns(index.ret, nT, 'ret');
  const names = (options.styles ?? STYLE_NAMES.filter((s) => s !== 'value' || daily.bookToPrice)).slice();
  for (const s of names) {
    if (!STYLE_NAMES.includes(s))
      throw new HfqError('OPT_BAD_OPTION', `unknown style '${s}'`, { field: 'styles' });
    if (s === 'value' && !daily.bookToPrice) {
      throw new HfqError('OPT_BAD_OPTION', 'the value style needs daily.bookToPrice', { field: 'styles' });
    }
  }
  const W = intOption(options.betaWindow ?? 252, 'betaWindow', 2);
  const betaMin = intOption(options.betaMinObs ?? 63, 'betaMinObs', 3);
  const MW = intOption(options.momentumWindow ?? 252, 'momentumWindow', 2);
  const skip = intOption(options.momentumSkip ?? 21, 'momentumSkip', 0);
  if (skip >= MW)
    throw new HfqError('OPT_BAD_OPTION', 'momentumSkip must be below momentumWindow', {
      field: 'momentumSkip',
    });
  const momMin = intOption(options.momentumMinObs ?? 126, 'momentumMinObs', 1);
  const L = intOption(options.liquidityWindow ?? 21, 'liquidityWindow', 1);
  const clip = options.clip ?? 3;
  if (typeof clip !== 'number' || !(clip > 0)) {
    throw new HfqError('OPT_BAD_OPTION', `clip must be a number > 0 (Infinity = off), got ${clip}`, {
      field: 'clip',
    });
  }

  // Output rows.
  const wanted = options.dates ? Int32Array.from(options.dates) : allDates;
  const outRow = new Int32Array(nT).fill(-1);
  for (let j = 0; j < wanted.length; j++) {
    const t = daily.close.dateIndex(wanted[j]!);
    if (t < 0)
      throw new HfqError('OPT_BAD_INPUT', `date ${wanted[j]} is not in the daily panels`, {
        date: wanted[j]!,
      });
    outRow[t] = j;
  }
  const panels = names.map(() => Panel.alloc(wanted, assets, 'float64'));

  const close = daily.close.values;
  const adj = daily.adjFactor.values;
  const susp = daily.suspended?.values;
  const listed = daily.listed?.values;
  // Rolling state.
  const lastPx = new Float64Array(n).fill(Number.NaN); // last valid adjusted close (gap-spanning)
  const rRing = new Float64Array(W * n).fill(Number.NaN);
  const mRing = new Float64Array(W).fill(Number.NaN);
  const sx = new Float64Array(n);
  const sy = new Float64Array(n);
  const sxx = new Float64Array(n);
  const sxy = new Float64Array(n);
  const syy = new Float64Array(n);
  const cnt = new Int32Array(n);
  const lrRing = new Float64Array(MW * n).fill(Number.NaN);
  const momSum = new Float64Array(n);
  const momCnt = new Int32Array(n);
  const tvRing = new Float64Array(L * n).fill(Number.NaN);
  const tvSum = new Float64Array(n);
  const tvCnt = new Int32Array(n);
  const prevPx = new Float64Array(n).fill(Number.NaN); // yesterday's adjusted close (NaN if none)
  const raw = new Float64Array(n);

  for (let t = 0; t < nT; t++) {
    if ((t & 63) === 0) throwIfAborted(options.signal, 'styleExposures');
    const m = index.ret[t]!;
    const slot = t % W;
    const mOld = mRing[slot]!;
    mRing[slot] = m;
    const lslot = t % MW;
    const tslot = t % L;
    const base = t * n;
    for (let i = 0; i < n; i++) {
      const ok = susp?.[base + i] !== 1 && (!listed || listed[base + i] === 1);
      const px = ok ? close[base + i]! * adj[base + i]! : Number.NaN;
      const valid = px > 0 && Number.isFinite(px);
      // Simple return from yesterday's close (no gap) for the regression.
      const r = valid ? px / prevPx[i]! - 1 : Number.NaN;
      // Log return since the last traded close (spanning gaps) for momentum.
      const lr = valid ? Math.log(px / lastPx[i]!) : Number.NaN;
      prevPx[i] = valid ? px : Number.NaN;
      if (valid) lastPx[i] = px;

      // Regression sums: drop day t - W, add day t.
      const rOld = rRing[slot * n + i]!;
      if (Number.isFinite(rOld) && Number.isFinite(mOld)) {
        sx[i] = sx[i]! - mOld;
        sy[i] = sy[i]! - rOld;
        sxx[i] = sxx[i]! - mOld * mOld;
        sxy[i] = sxy[i]! - mOld * rOld;
        syy[i] = syy[i]! - rOld * rOld;
        cnt[i] = cnt[i]! - 1;
      }
      rRing[slot * n + i] = r;
      if (Number.isFinite(r) && Number.isFinite(m)) {
        sx[i] = sx[i]! + m;
        sy[i] = sy[i]! + r;
        sxx[i] = sxx[i]! + m * m;
        sxy[i] = sxy[i]! + m * r;
        syy[i] = syy[i]! + r * r;
        cnt[i] = cnt[i]! + 1;
      }

      // Momentum window [t - MW + 1, t - skip]: drop day t - MW, add day t - skip.
      const lrOld = lrRing[lslot * n + i]!;
      if (Number.isFinite(lrOld)) {
        momSum[i] = momSum[i]! - lrOld;
        momCnt[i] = momCnt[i]! - 1;
      }
      lrRing[lslot * n + i] = lr;
      if (t - skip >= 0) {
        const lrIn = lrRing[((t - skip) % MW) * n + i]!;
        if (Number.isFinite(lrIn)) {
          momSum[i] = momSum[i]! + lrIn;
          momCnt[i] = momCnt[i]! + 1;
        }
      }
      // With skip = 0 the day added is day t itself, already written above.

      // Liquidity: mean turnover over the last L days with data.
      const tvOld = tvRing[tslot * n + i]!;
      if (Number.isFinite(tvOld)) {
        tvSum[i] = tvSum[i]! - tvOld;
        tvCnt[i] = tvCnt[i]! - 1;
      }
      const tv = ok ? daily.turnover.values[base + i]! : Number.NaN;
      tvRing[tslot * n + i] = tv;
      if (Number.isFinite(tv)) {
        tvSum[i] = tvSum[i]! + tv;
        tvCnt[i] = tvCnt[i]! + 1;
      }
    }
    const row = outRow[t]!;
    if (row < 0) continue;
    const cap = daily.marketCap.values.subarray(base, base + n);
    for (let s = 0; s < names.length; s++) {
      const name = names[s]!;
      for (let i = 0; i < n; i++) {
        const isListed = !listed || listed[base + i] === 1;
        raw[i] = isListed ? rawDescriptor(name, i) : Number.NaN;
      }
      zscoreInPlace(raw, { ...STYLE_ZSCORE, clip, weights: cap });
      panels[s]!.values.set(raw, row * n);
    }

    function rawDescriptor(name: StyleName, i: number): number {
      switch (name) {
        case 'size': {
          const c = cap[i]!;
          return c > 0 ? Math.log(c) : Number.NaN;
        }
        case 'beta':
        case 'residualVolatility': {
          const c = cnt[i]!;
          if (c < betaMin) return Number.NaN;
          const vx = sxx[i]! - (sx[i]! * sx[i]!) / c;
          const cxy = sxy[i]! - (sx[i]! * sy[i]!) / c;
          if (!(vx > 0)) return Number.NaN;
          const beta = cxy / vx;
          if (name === 'beta') return beta;
          const vy = syy[i]! - (sy[i]! * sy[i]!) / c;
          return Math.sqrt(Math.max(0, vy - beta * cxy) / (c - 2));
        }
        case 'momentum':
          return momCnt[i]! >= momMin ? momSum[i]! : Number.NaN;
        case 'liquidity': {
          if (tvCnt[i]! === 0) return Number.NaN;
          const mean = tvSum[i]! / tvCnt[i]!;
          return mean > 0 ? Math.log(mean) : Number.NaN;
        }
        case 'value':
          return daily.bookToPrice!.values[base + i]!;
      }
    }
  }
  return { names, panels };
}

/**
 * Longest window (trading days, about 40 years) an option may ask for: windows size the rolling
 * buffers (window x assets), so an unchecked one would allocate without bound.
 */
const MAX_WINDOW = 10_000;

function intOption(v: number, field: string, min: number): number {
  if (!Number.isInteger(v) || v < min || v > MAX_WINDOW) {
    throw new HfqError('OPT_BAD_OPTION', `${field} must be an integer in [${min}, ${MAX_WINDOW}], got ${v}`, {
      field,
    });
  }
  return v;
}
