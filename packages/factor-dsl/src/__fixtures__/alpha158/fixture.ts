/**
 * Loads the Alpha158 fixture (input.json, expected.json + expected.f64.gz made by
 * make_alpha158_fixtures.py) and compares computed panels with it. Shared by the test and the
 * benchmark's polars parity check.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Panel } from '@hfq/core';
import { ALPHA158_FIELDS } from './market.js';

const here = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

export interface Alpha158Fixture {
  readonly market: { nStocks: number; nDays: number; seed: number };
  readonly names: readonly string[];
  readonly dates: readonly number[];
  readonly assets: readonly string[];
  /** The six input fields as dates x assets panels (NaN on suspended / unlisted days). */
  readonly inputs: Readonly<Record<(typeof ALPHA158_FIELDS)[number], Panel<Float64Array>>>;
  /** Expected values per feature name, dates x assets. */
  readonly expected: ReadonlyMap<string, Panel<Float64Array>>;
  readonly nanCounts: Readonly<Record<string, number>>;
}

export function loadAlpha158Fixture(): Alpha158Fixture {
  const input = JSON.parse(readFileSync(here('input.json'), 'utf8')) as {
    market: Alpha158Fixture['market'];
    dates: number[];
    assets: string[];
    fields: Record<string, (number | null)[]>;
  };
  const meta = JSON.parse(readFileSync(here('expected.json'), 'utf8')) as {
    names: string[];
    dates: number[];
    assets: string[];
    nanCounts: Record<string, number>;
  };
  const inputs = {} as Record<(typeof ALPHA158_FIELDS)[number], Panel<Float64Array>>;
  for (const f of ALPHA158_FIELDS) {
    const vals = Float64Array.from(input.fields[f]!, (v) => (v === null ? Number.NaN : v));
    inputs[f] = new Panel(input.dates, input.assets, vals);
  }
  const buf = gunzipSync(readFileSync(here('expected.f64.gz')));
  const all = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const cell = meta.dates.length * meta.assets.length;
  if (all.length !== cell * meta.names.length) {
    throw new Error(`expected.f64.gz holds ${all.length} values, expected ${cell * meta.names.length}`);
  }
  const expected = new Map<string, Panel<Float64Array>>();
  meta.names.forEach((name, k) => {
    expected.set(name, new Panel(meta.dates, meta.assets, all.slice(k * cell, (k + 1) * cell)));
  });
  return {
    market: input.market,
    names: meta.names,
    dates: meta.dates,
    assets: meta.assets,
    inputs,
    expected,
    nanCounts: meta.nanCounts,
  };
}

/** Relative tolerance of the parity check, and the absolute floor under it (values that are 0 in one side). */
export const ALPHA158_RTOL = 1e-6;
export const ALPHA158_ATOL = 1e-12;

/** Whether `actual` matches `expected` under the fixture rule: NaN exactly where expected is NaN, else within 1e-6 relative. */
export function alpha158Close(actual: number, expected: number): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual);
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return actual === expected;
  const scale = Math.max(Math.abs(actual), Math.abs(expected));
  return Math.abs(actual - expected) <= ALPHA158_RTOL * scale + ALPHA158_ATOL;
}

/** Per-feature result of a comparison: mismatches, the first one, the largest relative difference where both are finite. */
export interface FeatureDiff {
  readonly name: string;
  readonly mismatches: number;
  readonly nanMismatches: number;
  readonly maxRelDiff: number;
  readonly first: { date: number; asset: string; expected: number; actual: number } | null;
}

/** Compares one computed feature (values laid out dates x assets like the fixture) with the expected panel. */
export function diffFeature(
  name: string,
  actual: ArrayLike<number>,
  expected: Panel<Float64Array>,
): FeatureDiff {
  const nA = expected.assets.length;
  let mismatches = 0;
  let nanMismatches = 0;
  let maxRelDiff = 0;
  let first: FeatureDiff['first'] = null;
  for (let i = 0; i < expected.values.length; i++) {
    const e = expected.values[i]!;
    const a = actual[i]!;
    if (Number.isFinite(e) && Number.isFinite(a)) {
      const rel = Math.abs(a - e) / Math.max(Math.abs(a), Math.abs(e), ALPHA158_ATOL / ALPHA158_RTOL);
      if (rel > maxRelDiff) maxRelDiff = rel;
    }
    if (!alpha158Close(a, e)) {
      mismatches++;
      if (Number.isNaN(a) !== Number.isNaN(e)) nanMismatches++;
      if (first === null) {
        first = {
          date: expected.dates[Math.floor(i / nA)]!,
          asset: expected.assets[i % nA]!,
          expected: e,
          actual: a,
        };
      }
    }
  }
  return { name, mismatches, nanMismatches, maxRelDiff, first };
}
