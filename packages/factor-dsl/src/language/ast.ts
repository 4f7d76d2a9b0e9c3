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

/**
 * Number of nodes in `ast`, counting a subtree once per place it appears. Iterative, and it stops
 * counting as soon as the count passes `cap` (returns a number > `cap`), so a hand-built AST whose
 * objects are shared (a DAG whose tree is exponentially large) or cyclic costs O(cap) to measure.
 */
export function astSize(ast: FactorAst, cap = Number.POSITIVE_INFINITY): number {
  let n = 0;
  const stack: FactorAst[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (++n > cap) return n;
    if (node.kind === 'call' && Array.isArray(node.args)) for (const a of node.args) stack.push(a);
  }
  return n;
}

/**
 * Depth of `ast` (a leaf has depth 1). Iterative, and it stops as soon as the depth passes `cap`
 * (returns a number > `cap`): no stack overflow on a very deep or cyclic hand-built AST. Visits
 * each object once per depth it is reached at, so pass a finite `cap` for untrusted object graphs.
 */
export function astDepth(ast: FactorAst, cap = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: [FactorAst, number][] = [[ast, 1]];
  const seenAt = new Map<FactorAst, number>();
  while (stack.length > 0) {
    const [node, d] = stack.pop()!;
    if (d > deepest) deepest = d;
    if (deepest > cap) return deepest;
    // A shared object reached again at the same or a smaller depth adds nothing new.
    if ((seenAt.get(node) ?? 0) >= d) continue;
    seenAt.set(node, d);
    if (node.kind === 'call' && Array.isArray(node.args)) for (const a of node.args) stack.push([a, d + 1]);
  }
  return deepest;
}
