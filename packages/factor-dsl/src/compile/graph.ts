import type { FactorAst } from '../language/ast.js';
import { parseMacroBody } from '../language/parser.js';
import { type FieldSpec, lookupField } from '../ops/fields.js';
import type { OpSpec, SourceKind, ValueType } from '../ops/spec.js';
import { TYPE_RANK } from '../ops/spec.js';
import { getOperator } from '../ops/table.js';

/**
 * The expression graph of a set of checked formulas over one source: macros expanded and every
 * distinct subexpression one node (hash-consing across all formulas, with the two arguments of
 * commutative operators in a fixed order), so a shared subexpression is computed once per frame.
 */
export interface GraphNode {
  readonly id: number;
  readonly key: string;
  readonly kind: 'num' | 'field' | 'op';
  readonly type: ValueType;
  readonly value: number;
  readonly field: FieldSpec | undefined;
  readonly op: OpSpec | undefined;
  /** Value arguments (nodes). */
  readonly args: readonly GraphNode[];
  /** Literal arguments (windows, lags, levels, constants, clock times), in argument order. */
  readonly params: readonly number[];
}

export interface FactorGraph {
  readonly source: SourceKind;
  /** All nodes, each after its arguments (topological order). */
  readonly nodes: readonly GraphNode[];
  /** The node of each formula, in input order. */
  readonly roots: readonly GraphNode[];
  /** Estimated work per row: the sum of the nodes' costs. */
  readonly costPerRow: number;
  /** Fields read. */
  readonly fields: ReadonlySet<string>;
  /** Where the cost first exceeded the `costBudget` given to `buildGraph` (undefined when it did not). */
  readonly overrun: CostOverrun | undefined;
}

const macroCache = new Map<string, FactorAst>();

function macroBody(op: OpSpec): FactorAst {
  let body = macroCache.get(op.name);
  if (body === undefined) {
    if (op.impl.kind !== 'macro') throw new Error(`${op.name} is not a macro`);
    body = parseMacroBody(op.impl.body);
    macroCache.set(op.name, body);
  }
  return body;
}

/**
 * Replaces `$name` placeholders of a macro body by the call's arguments. The arguments are bound by
 * reference (never copied), so every use of `$x` in the body is the same AST object and is built
 * once (see `build` in `buildGraph`). New nodes take the position `pos` of the macro call, so a
 * limit error points at the call in the formula, not into the macro's body text.
 */
function substitute(body: FactorAst, bindings: ReadonlyMap<string, FactorAst>, pos: number): FactorAst {
  if (body.kind === 'field') {
    if (body.name.startsWith('$')) {
      const b = bindings.get(body.name.slice(1));
      if (b === undefined) throw new Error(`macro parameter ${body.name} is not an argument`);
      return b;
    }
    return { kind: 'field', name: body.name, pos };
  }
  if (body.kind === 'num') return { kind: 'num', value: body.value, pos };
  return { kind: 'call', op: body.op, args: body.args.map((a) => substitute(a, bindings, pos)), pos };
}

/** Where the running cost of a graph first went over a budget (see `buildGraph`). */
export interface CostOverrun {
  /** Position (in the formula text) of the node whose cost took the total over the budget. */
  readonly position: number;
  /** Index of the formula (in `asts`) being built at that point. */
  readonly root: number;
}

/**
 * Builds the shared graph of `asts` (already checked with `checkFactor` for `source`).
 *
 * Work is linear in the number of AST nodes times the largest macro body, never in the size of the
 * expanded tree: `build` is memoised per AST object, and macro arguments are bound by reference,
 * so `ts_zscore(diff(ts_zscore(diff(...))))`, whose expanded tree doubles and triples with each
 * level, builds each distinct subexpression once (the graph it gives is the same as a full
 * expansion followed by hash-consing, node for node and in the same order).
 *
 * @param costBudget when given, the first node that takes `costPerRow` over it is reported in
 * `overrun` (the graph is still completed: its cost is bounded by the AST size).
 * @internal
 */
export function buildGraph(
  asts: readonly FactorAst[],
  source: SourceKind,
  costBudget = Number.POSITIVE_INFINITY,
): FactorGraph {
  const byKey = new Map<string, GraphNode>();
  const built = new Map<FactorAst, GraphNode>();
  let overrun: CostOverrun | undefined;
  let root = 0;
  let at = 0;
  const nodes: GraphNode[] = [];
  const fields = new Set<string>();
  let cost = 0;

  const intern = (
    key: string,
    make: (id: number) => Omit<GraphNode, 'id' | 'key'>,
    nodeCost: number,
  ): GraphNode => {
    const found = byKey.get(key);
    if (found !== undefined) return found;
    const node: GraphNode = Object.freeze({ id: nodes.length, key, ...make(nodes.length) });
    byKey.set(key, node);
    nodes.push(node);
    cost += nodeCost;
    if (cost > costBudget && overrun === undefined) overrun = { position: at, root };
    return node;
  };

  const build = (ast: FactorAst): GraphNode => {
    const done = built.get(ast);
    if (done !== undefined) return done;
    const node = buildNode(ast);
    built.set(ast, node);
    return node;
  };

  const buildNode = (ast: FactorAst): GraphNode => {
    at = ast.pos;
    if (ast.kind === 'num') {
      const v = ast.value === 0 ? 0 : ast.value;
      return intern(
        `n:${v}`,
        () => ({
          kind: 'num',
          type: 'scalar',
          value: v,
          field: undefined,
          op: undefined,
          args: [],
          params: [],
        }),
        0,
      );
    }
    if (ast.kind === 'field') {
      const f = lookupField(source, ast.name);
      if (f === undefined) throw new Error(`unchecked field ${ast.name}`);
      fields.add(f.name);
      return intern(
        `f:${f.name}`,
        () => ({ kind: 'field', type: f.type, value: NaN, field: f, op: undefined, args: [], params: [] }),
        1,
      );
    }
    const op = getOperator(ast.op);
    if (op === undefined) throw new Error(`unchecked operator ${ast.op}`);
    if (op.impl.kind === 'macro') {
      const bindings = new Map<string, FactorAst>();
      op.args.forEach((a, k) => {
        bindings.set(a.name, ast.args[k]!);
      });
      return build(substitute(macroBody(op), bindings, ast.pos));
    }
    const args: GraphNode[] = [];
    const params: number[] = [];
    op.args.forEach((spec, k) => {
      const a = ast.args[k]!;
      if (spec.kind === 'value') args.push(build(a));
      else params.push((a as { value: number }).value);
    });
    if (op.commutative === true && args.length >= 2 && args[1]!.id < args[0]!.id) {
      [args[0], args[1]] = [args[1]!, args[0]!];
    }
    let type: ValueType = 'scalar';
    if (op.result === 'broadcast') {
      for (const a of args) if (TYPE_RANK[a.type] > TYPE_RANK[type]) type = a.type;
    } else {
      type = op.result;
    }
    const key = `${op.name}(${args.map((a) => a.id).join(',')};${params.join(',')})`;
    at = ast.pos;
    return intern(
      key,
      () => ({ kind: 'op', type, value: NaN, field: undefined, op, args, params }),
      op.cost?.(params) ?? 1,
    );
  };

  const roots = asts.map((ast, k) => {
    root = k;
    return build(ast);
  });
  return { source, nodes, roots, costPerRow: cost, fields, overrun };
}
