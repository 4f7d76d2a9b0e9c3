import { DAILY_OPS } from './daily.js';
import { ELEMENTWISE_OPS } from './elementwise.js';
import { ORDER_BOOK_OPS } from './order-book.js';
import { REDUCER_OPS } from './reducers.js';
import { ROLLING_OPS } from './rolling.js';
import type { OpLevel, OpSpec } from './spec.js';
import { TIME_OPS } from './time-filters.js';

/**
 * THE operator table: every operator of the factor language, one entry each (see `OpSpec`), at
 * both levels (intraday and daily; `OpSpec.level`). The parser, the type checkers, the code
 * generator, the daily evaluator, the generated reference page (`docs/factor-dsl.md`) and the
 * fuzzer read this list and nothing else.
 */
export const OPERATORS: readonly OpSpec[] = Object.freeze([
  ...ELEMENTWISE_OPS,
  ...ROLLING_OPS,
  ...REDUCER_OPS,
  ...TIME_OPS,
  ...ORDER_BOOK_OPS,
  ...DAILY_OPS,
]);

const SHARED_FAMILIES = new Set(['arithmetic', 'comparison', 'logic', 'math']);

/** True when `op` can be used at `level` (elementwise operators work at both levels). */
export function isAtLevel(op: OpSpec, level: OpLevel): boolean {
  if (op.level === 'daily') return level === 'daily';
  if (level === 'intraday') return true;
  return SHARED_FAMILIES.has(op.family) && op.sources === undefined && op.impl.kind === 'map';
}

/** The operators of one level, in table order. */
export function operatorsAt(level: OpLevel): readonly OpSpec[] {
  return level === 'intraday' ? INTRADAY : DAILY;
}

const INTRADAY = Object.freeze(OPERATORS.filter((op) => isAtLevel(op, 'intraday')));
const DAILY = Object.freeze(OPERATORS.filter((op) => isAtLevel(op, 'daily')));

// Look-ups are Maps, never plain objects: a formula naming `__proto__` or `constructor` finds nothing.
// Names are unique per level: `ts_mean` is a rolling mean over bars intraday and over days daily.
interface Maps {
  byName: Map<string, OpSpec>;
  callable: Map<string, OpSpec>;
}
const MAPS: Record<OpLevel, Maps> = {
  intraday: { byName: new Map(), callable: new Map() },
  daily: { byName: new Map(), callable: new Map() },
};
const INFIX = new Map<string, OpSpec>();

for (const level of ['intraday', 'daily'] as const) {
  const { byName, callable } = MAPS[level];
  for (const op of operatorsAt(level)) {
    if (byName.has(op.name)) throw new Error(`operator table: duplicate ${level} operator ${op.name}`);
    byName.set(op.name, op);
    const names = [op.name, ...(op.aliases ?? [])];
    if (level === 'daily' && op.qlib !== undefined) names.push(op.qlib);
    for (const name of names) {
      if (callable.has(name)) throw new Error(`operator table: duplicate ${level} name ${name}`);
      callable.set(name, op);
    }
    if (op.syntax?.kind === 'infix') INFIX.set(op.syntax.symbol, op);
  }
}
// `**` is accepted for `^` (printed as `^`).
INFIX.set('**', MAPS.intraday.byName.get('pow')!);

/**
 * The operator with canonical name `name` at `level` (default intraday), or undefined. Without a
 * level, an intraday name is found first, then a daily one (printing and hashing need only the
 * syntax and commutativity, which agree between the levels).
 */
export function getOperator(name: string, level?: OpLevel): OpSpec | undefined {
  if (level !== undefined) return MAPS[level].byName.get(name);
  return MAPS.intraday.byName.get(name) ?? MAPS.daily.byName.get(name);
}

/**
 * The operator a function call `name(...)` refers to at `level` (canonical names, aliases, and at
 * the daily level qlib's spellings), or undefined.
 */
export function lookupCallable(name: string, level: OpLevel = 'intraday'): OpSpec | undefined {
  return MAPS[level].callable.get(name);
}

/** The binary operator written `symbol`, or undefined. */
export function lookupInfix(symbol: string): OpSpec | undefined {
  return INFIX.get(symbol);
}

/** All names a function call may use at `level` (canonical names and aliases), sorted. */
export function callableNames(level: OpLevel = 'intraday'): string[] {
  return [...MAPS[level].callable.keys()].sort();
}
