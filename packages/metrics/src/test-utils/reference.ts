/**
 * Loads `__fixtures__/reference.json` (written by `generate_reference.py` with numpy/scipy) and
 * turns the "NaN" / "Infinity" / "-Infinity" strings back into numbers.
 */
import { readFileSync } from 'node:fs';
import { Panel } from '@hfq/core';
import { expect } from 'vitest';

function decode(x: unknown): unknown {
  if (x === 'NaN') return Number.NaN;
  if (x === 'Infinity') return Number.POSITIVE_INFINITY;
  if (x === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (Array.isArray(x)) return x.map(decode);
  if (x !== null && typeof x === 'object') {
    return Object.fromEntries(Object.entries(x as Record<string, unknown>).map(([k, v]) => [k, decode(v)]));
  }
  return x;
}

// biome-ignore lint/suspicious/noExplicitAny: the fixture is untyped JSON
export const reference: any = decode(
  JSON.parse(readFileSync(new URL('../__fixtures__/reference.json', import.meta.url), 'utf8')),
);

/** Another fixture of `__fixtures__/` (e.g. `tear-sheet.json`), decoded like {@link reference}. */
// biome-ignore lint/suspicious/noExplicitAny: the fixture is untyped JSON
export function loadFixture(name: string): any {
  return decode(JSON.parse(readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url), 'utf8')));
}

/** A panel from the fixture's `{ dates, assets, values }`. */
export function panelOf(p: { dates: number[]; assets: string[]; values: number[] }): Panel<Float64Array> {
  return new Panel(p.dates, p.assets, Float64Array.from(p.values));
}

/** Asserts `actual` equals `expected` to `tol` absolute, NaN matching NaN exactly. */
export function expectClose(actual: number, expected: number, tol = 1e-9, label = ''): void {
  if (Number.isNaN(expected)) {
    expect(actual, `${label}: expected NaN`).toBeNaN();
    return;
  }
  if (!Number.isFinite(expected)) {
    expect(actual, label).toBe(expected);
    return;
  }
  expect(Math.abs(actual - expected), `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

/** Element-wise {@link expectClose}; lengths must match. */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-9,
  label = '',
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectClose(actual[i]!, expected[i]!, tol, `${label}[${i}]`);
}
