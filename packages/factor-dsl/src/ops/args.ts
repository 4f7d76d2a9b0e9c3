import type { ClockArg, ConstArg, IntArg, ValueArg, ValueType } from './spec.js';

/** Shorthands for argument specs in the operator table. */
const ANY: readonly ValueType[] = Object.freeze(['scalar', 'series', 'levels']);
const SERIES: readonly ValueType[] = Object.freeze(['series']);
const LEVELS: readonly ValueType[] = Object.freeze(['levels']);

/** Any value (scalar, series or levels), broadcast elementwise. */
export const anyArg = (name: string): ValueArg => ({ name, kind: 'value', accepts: ANY });
/** A per-bar series. */
export const seriesArg = (name: string): ValueArg => ({ name, kind: 'value', accepts: SERIES });
/** A per-bar level matrix. */
export const levelsArg = (name: string): ValueArg => ({ name, kind: 'value', accepts: LEVELS });
/** A window length in bars (integer literal >= min). */
export const windowArg = (name = 'w', min = 1): IntArg => ({ name, kind: 'int', role: 'window', min });
/** A non-negative lag in bars (integer literal). */
export const lagArg = (name = 'k', def?: number): IntArg =>
  def === undefined
    ? { name, kind: 'int', role: 'lag', min: 0 }
    : { name, kind: 'int', role: 'lag', min: 0, default: def };
/** A 1-based order-book level (integer literal). */
export const levelArg = (name: string, def?: number): IntArg =>
  def === undefined
    ? { name, kind: 'int', role: 'level', min: 1 }
    : { name, kind: 'int', role: 'level', min: 1, default: def };
/** A number of trading minutes, 1..240 (integer literal). */
export const minutesArg = (name = 'm'): IntArg => ({ name, kind: 'int', role: 'minutes', min: 1 });
/** A numeric literal within [min, max]. */
export const constArg = (name: string, min?: number, max?: number): ConstArg => {
  const c: { name: string; kind: 'const'; min?: number; max?: number } = { name, kind: 'const' };
  if (min !== undefined) c.min = min;
  if (max !== undefined) c.max = max;
  return c;
};
/** A clock time `HHMM`. */
export const clockArg = (name: string): ClockArg => ({ name, kind: 'clock' });
/** A daily-level value: a dates x assets series (or a literal, broadcast). */
export const dailyArg = (name: string): ValueArg => ({ name, kind: 'value', accepts: DAILY });
const DAILY: readonly ValueType[] = Object.freeze(['scalar', 'series']);
/** A numeric literal within [min, max] with a default. */
export const constArgDefault = (name: string, def: number, min?: number, max?: number): ConstArg => {
  const c: { name: string; kind: 'const'; min?: number; max?: number; default: number } = {
    name,
    kind: 'const',
    default: def,
  };
  if (min !== undefined) c.min = min;
  if (max !== undefined) c.max = max;
  return c;
};
