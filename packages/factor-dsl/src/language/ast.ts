/**
 * The AST of a factor formula: plain immutable data (Polars-style: an expression is a value that
 * can be printed, hashed and checked before anything runs). Positions are character offsets into
 * the parsed text (0-based).
 */

/** A numeric literal (always finite). Negative literals are folded: `-2` is one node. */
export interface NumNode {
  readonly kind: 'num';
  readonly value: number;
  readonly pos: number;
}

/** A named field of the frame source (`close`, `bid_volume`); resolved against a source by `checkFactor`. */
export interface FieldNode {
  readonly kind: 'field';
  readonly name: string;
  readonly pos: number;
}

/**
 * An operator application. `op` is the canonical operator name from the operator table (aliases
 * are resolved by the parser): infix `a + b` is `{ op: 'add', args: [a, b] }`, `x[1]` is
 * `{ op: 'level', args: [x, 1] }`, `-x` is `{ op: 'neg', args: [x] }`. Omitted optional arguments
 * are filled with their defaults, so `diff(x)` and `diff(x, 1)` are the same AST.
 */
export interface CallNode {
  readonly kind: 'call';
  readonly op: string;
  readonly args: readonly FactorAst[];
  readonly pos: number;
}

/** A factor formula. */
export type FactorAst = NumNode | FieldNode | CallNode;

/** Number of nodes in `ast`. */
export function astSize(ast: FactorAst): number {
  if (ast.kind !== 'call') return 1;
  let n = 1;
  for (const a of ast.args) n += astSize(a);
  return n;
}

/** Depth of `ast` (a leaf has depth 1). */
export function astDepth(ast: FactorAst): number {
  if (ast.kind !== 'call') return 1;
  let d = 0;
  for (const a of ast.args) d = Math.max(d, astDepth(a));
  return d + 1;
}
