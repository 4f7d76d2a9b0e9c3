import { getOperator } from '../ops/table.js';
import type { FactorAst } from './ast.js';
import { printFactor } from './printer.js';

/**
 * The canonical form of an AST: the two value arguments of every commutative operator (`+`, `*`,
 * `==`, `!=`, `and`, `or`, `maximum`, `minimum`, `corr`, `cov`, `ts_corr`, `ts_cov`) put in a fixed
 * order (by their own canonical text). Swapping them gives the same value bit for bit, so the
 * canonical form evaluates exactly like the original. Positions are kept from the input.
 */
export function canonicalize(ast: FactorAst): FactorAst {
  if (ast.kind !== 'call') return ast;
  const args = ast.args.map(canonicalize);
  if (getOperator(ast.op)?.commutative === true && args.length >= 2) {
    const a = printFactor(args[0]!);
    const b = printFactor(args[1]!);
    if (b < a) [args[0], args[1]] = [args[1]!, args[0]!];
  }
  return { kind: 'call', op: ast.op, args, pos: ast.pos };
}

/**
 * A 64-bit hash (16 hex digits) of a formula, insensitive to spacing, parentheses that do not
 * change the tree, aliases, written-out default arguments and the argument order of commutative
 * operators: `corr(volume, close)` and `corr( close,volume )` hash the same. Use it to deduplicate
 * formulas. (FNV-1a over the canonical text; not for security.)
 */
export function hashFactor(ast: FactorAst): string {
  return fnv1a64(printFactor(canonicalize(ast)));
}

/** FNV-1a, 64 bits, over the UTF-16 code units of `text`, as 16 hex digits. */
export function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * prime) & mask;
  }
  return h.toString(16).padStart(16, '0');
}
