import { ELEMENTWISE_OPS } from './elementwise.js';
import { ORDER_BOOK_OPS } from './order-book.js';
import { REDUCER_OPS } from './reducers.js';
import { ROLLING_OPS } from './rolling.js';
import type { OpSpec } from './spec.js';
import { TIME_OPS } from './time-filters.js';

/**
 * THE operator table: every operator of the factor language, one entry each (see `OpSpec`). The
 * parser, the type checker, the code generator, the generated reference page (`docs/factor-dsl.md`)
 * and the fuzzer read this list and nothing else.
 */
export const OPERATORS: readonly OpSpec[] = Object.freeze([
  ...ELEMENTWISE_OPS,
  ...ROLLING_OPS,
  ...REDUCER_OPS,
  ...TIME_OPS,
  ...ORDER_BOOK_OPS,
]);

// Look-ups are Maps, never plain objects: a formula naming `__proto__` or `constructor` finds nothing.
const BY_NAME = new Map<string, OpSpec>();
const CALLABLE = new Map<string, OpSpec>();
const INFIX = new Map<string, OpSpec>();

for (const op of OPERATORS) {
  if (BY_NAME.has(op.name)) throw new Error(`operator table: duplicate operator ${op.name}`);
  BY_NAME.set(op.name, op);
  for (const name of [op.name, ...(op.aliases ?? [])]) {
    if (CALLABLE.has(name)) throw new Error(`operator table: duplicate name ${name}`);
    CALLABLE.set(name, op);
  }
  if (op.syntax?.kind === 'infix') INFIX.set(op.syntax.symbol, op);
}
// `**` is accepted for `^` (printed as `^`).
INFIX.set('**', BY_NAME.get('pow')!);

/** The operator with canonical name `name`, or undefined. */
export function getOperator(name: string): OpSpec | undefined {
  return BY_NAME.get(name);
}

/** The operator a function call `name(...)` refers to (canonical names and aliases), or undefined. */
export function lookupCallable(name: string): OpSpec | undefined {
  return CALLABLE.get(name);
}

/** The binary operator written `symbol`, or undefined. */
export function lookupInfix(symbol: string): OpSpec | undefined {
  return INFIX.get(symbol);
}

/** All names a function call may use (canonical names and aliases), sorted. */
export function callableNames(): string[] {
  return [...CALLABLE.keys()].sort();
}
