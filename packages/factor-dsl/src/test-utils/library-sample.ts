import type { FactorCube } from '@hfq/core';
import { createMarket } from '@hfq/sim';
import { evaluateFactors } from '../eval/evaluate.js';
import type { FactorDef } from '../eval/factor-set.js';
import { factorQuality } from '../library/quality.js';

/**
 * The library checks run on a sample of the default synthetic market (`createMarket()`): minute
 * and equal-volume factors on 60 stocks x 30 days, tick factors (3 s snapshots, slow to generate)
 * on 30 stocks x 12 days; days from calendar index 100 so that equal-volume bars have history.
 */
export const SAMPLE = {
  minute: { stocks: 60, days: 30, firstDay: 100 },
  tick: { stocks: 30, days: 12, firstDay: 100 },
} as const;

const TRADED: FactorDef = { id: '__traded', source: 'minute', formula: 'count(close)' };

export interface SampleQuality {
  ids: string[];
  coverage: Map<string, number>;
  spread: Map<string, number>;
  /** Mean per-date cross-sectional correlation of a pair (tick sample when either reads ticks). */
  corr(a: string, b: string): number;
}

async function cubeOf(defs: readonly FactorDef[], s: { stocks: number; days: number; firstDay: number }) {
  return evaluateFactors(createMarket(), [...defs, TRADED], {
    days: Array.from({ length: s.days }, (_, k) => s.firstDay + k),
    assets: Array.from({ length: s.stocks }, (_, k) => k),
    threads: 2,
    factory: { module: '@hfq/sim', exportName: 'createMarket', args: [{}] },
  });
}

function tradedMask(cube: FactorCube): Uint8Array {
  const f = cube.factorIndex(TRADED.id);
  const mask = new Uint8Array(cube.nDates * cube.nAssets);
  for (let t = 0; t < cube.nDates; t++) {
    for (let a = 0; a < cube.nAssets; a++)
      mask[t * cube.nAssets + a] = Number.isFinite(cube.get(t, a, f)) ? 1 : 0;
  }
  return mask;
}

/** Evaluates `defs` on the sample and measures coverage (of traded stock-days), spread and correlations. */
export async function sampleQuality(defs: readonly FactorDef[]): Promise<SampleQuality> {
  const nonTick = defs.filter((d) => d.source !== 'tick');
  const big = await cubeOf(nonTick, SAMPLE.minute);
  const small = await cubeOf(defs, SAMPLE.tick);
  const qBig = factorQuality(big.selectFactors(nonTick.map((d) => d.id)), { mask: tradedMask(big) });
  const qSmall = factorQuality(small.selectFactors(defs.map((d) => d.id)), { mask: tradedMask(small) });
  const coverage = new Map<string, number>();
  const spread = new Map<string, number>();
  defs.forEach((d, k) => {
    const j = nonTick.indexOf(d);
    coverage.set(d.id, j >= 0 ? qBig.coverage[j]! : qSmall.coverage[k]!);
    spread.set(d.id, j >= 0 ? qBig.crossSectionStd[j]! : qSmall.crossSectionStd[k]!);
  });
  const bigIdx = new Map(nonTick.map((d, k) => [d.id, k]));
  const smallIdx = new Map(defs.map((d, k) => [d.id, k]));
  return {
    ids: defs.map((d) => d.id),
    coverage,
    spread,
    corr(a, b) {
      const i = bigIdx.get(a);
      const j = bigIdx.get(b);
      if (i !== undefined && j !== undefined) return qBig.correlation[i * nonTick.length + j]!;
      return qSmall.correlation[smallIdx.get(a)! * defs.length + smallIdx.get(b)!]!;
    },
  };
}
