/**
 * The 12 reference factors hand-fused into one pass (plus one pass for central moments) per
 * stock-day, written for this benchmark with the DSL's missing-value rules (non-finite values are
 * skipped; x / 0 is NaN), so that its values can be compared with the DSL's bit for bit. This is
 * the baseline the DSL engine is timed against in the same process.
 */
export const HAND_FUSED_NAMES = [
  'ret',
  'rvol',
  'skew',
  'kurt',
  'corr_pv',
  'corr_rv',
  'vol_first30',
  'vol_last30',
  'vwap_close',
  'mdd',
  'updown',
  'amihud',
] as const;

export interface MinuteColumns {
  time: Int32Array;
  open: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  amount: Float64Array;
}

const FIRST30_END = (9 * 60 + 60) * 60_000; // bars ending <= 10:00
const LAST30_START = (14 * 60 + 30) * 60_000; // bars ending > 14:30

/** Writes `frames x 12` values (row-major) for frames `offsets[k]..offsets[k+1]`. */
export function handFused(
  c: MinuteColumns,
  offsets: Int32Array,
  out: Float64Array,
  from = 0,
  to = offsets.length - 1,
): void {
  const { time, open, close, volume, amount } = c;
  let r = new Float64Array(256);
  for (let k = from; k < to; k++) {
    const b = offsets[k]!;
    const n = offsets[k + 1]! - b;
    if (r.length < n) r = new Float64Array(n);
    if (n === 0) {
      out.fill(NaN, k * 12, k * 12 + 12);
      continue;
    }
    let firstOpen = NaN;
    let lastClose = NaN;
    let s2 = 0;
    let sr = 0;
    let cr = 0;
    let sc = 0;
    let sv = 0;
    let cpv = 0;
    let sar = 0;
    let svr = 0;
    let crv = 0;
    let f30 = 0;
    let l30 = 0;
    let sa = 0;
    let peak = -Infinity;
    let dd = -Infinity;
    let up = 0;
    let dn = 0;
    let am = 0;
    let cam = 0;
    let prev = NaN;
    for (let i = 0; i < n; i++) {
      const j = b + i;
      const ci = close[j]!;
      const v = volume[j]!;
      const a = amount[j]!;
      if (Number.isNaN(firstOpen) && open[j]! - open[j]! === 0) firstOpen = open[j]!;
      if (ci - ci === 0) lastClose = ci;
      if (v - v === 0) {
        sv += v;
        if (time[j]! <= FIRST30_END) f30 += v;
        if (time[j]! > LAST30_START) l30 += v;
      }
      if (a - a === 0) sa += a;
      if (ci - ci === 0 && v - v === 0) {
        sc += ci;
        cpv++;
      }
      if (ci - ci === 0) {
        if (ci > peak) peak = ci;
        const x = 1 - ci / peak;
        if (x > dd) dd = x;
      }
      const q = prev !== 0 ? ci / prev : NaN;
      const ri = q > 0 ? Math.log(q) : NaN;
      r[i] = ri;
      prev = ci;
      if (ri - ri === 0) {
        const r2 = ri * ri;
        s2 += r2;
        sr += ri;
        cr++;
        if (ri > 0) up += r2;
        else if (ri < 0) dn += r2;
        const ar = Math.abs(ri);
        if (v - v === 0) {
          sar += ar;
          svr += v;
          crv++;
        }
        if (a !== 0 && a - a === 0) {
          am += ar / a;
          cam++;
        }
      }
    }
    const mc = sc / cpv;
    const mv = sv / cpv;
    const mr = sr / cr;
    const mar = sar / crv;
    const mvr = svr / crv;
    let cxx = 0;
    let cyy = 0;
    let cxy = 0;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    let axx = 0;
    let ayy = 0;
    let axy = 0;
    for (let i = 0; i < n; i++) {
      const j = b + i;
      const ci = close[j]!;
      const v = volume[j]!;
      if (ci - ci === 0 && v - v === 0) {
        const dc = ci - mc;
        const dv = v - mv;
        cxx += dc * dc;
        cyy += dv * dv;
        cxy += dc * dv;
      }
      const ri = r[i]!;
      if (ri - ri === 0) {
        const d = ri - mr;
        const d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
        if (v - v === 0) {
          const da = Math.abs(ri) - mar;
          const dw = v - mvr;
          axx += da * da;
          ayy += dw * dw;
          axy += da * dw;
        }
      }
    }
    m2 /= cr;
    m3 /= cr;
    m4 /= cr;
    const o = k * 12;
    const ret = firstOpen !== 0 ? lastClose / firstOpen : NaN;
    out[o] = ret - 1;
    out[o + 1] = Math.sqrt(s2);
    out[o + 2] = cr > 2 && m2 > 0 ? m3 / m2 ** 1.5 : NaN;
    out[o + 3] = cr > 3 && m2 > 0 ? m4 / (m2 * m2) - 3 : NaN;
    const dpv = Math.sqrt(cxx * cyy);
    out[o + 4] = cpv > 1 && dpv > 0 ? cxy / dpv : NaN;
    const drv = Math.sqrt(axx * ayy);
    out[o + 5] = crv > 1 && drv > 0 ? axy / drv : NaN;
    out[o + 6] = sv !== 0 ? f30 / sv : NaN;
    out[o + 7] = sv !== 0 ? l30 / sv : NaN;
    const vw = sv !== 0 ? sa / sv : NaN;
    out[o + 8] = (lastClose !== 0 ? vw / lastClose : NaN) - 1;
    out[o + 9] = dd - dd === 0 ? dd : NaN;
    out[o + 10] = dn !== 0 ? Math.sqrt(up / dn) : NaN;
    out[o + 11] = cam > 0 ? am / cam : NaN;
    for (let f = 0; f < 12; f++) if (!(out[o + f]! - out[o + f]! === 0)) out[o + f] = NaN;
  }
}
