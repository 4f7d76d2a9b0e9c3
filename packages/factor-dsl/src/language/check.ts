import { buildGraph } from '../compile/graph.js';
import { type FieldSpec, lookupField, SOURCE_FIELDS, sourcesWithField } from '../ops/fields.js';
import {
  type ArgSpec,
  type OpSpec,
  SOURCE_KINDS,
  type SourceKind,
  TYPE_RANK,
  type ValueType,
} from '../ops/spec.js';
import { getOperator, lookupCallable } from '../ops/table.js';
import { astDepth, astSize, type FactorAst } from './ast.js';
import { dslError, formulaError } from './errors.js';
import { hashFactor } from './hash.js';
import { type FactorLimits, resolveLimits } from './limits.js';
import { type ParseOptions, parseFactor } from './parser.js';
import { printFactor } from './printer.js';
import { suggestName } from './suggest.js';

/** A formula that parsed, type-checked and passed the limits for one source: safe to compile. */
export interface CheckedFactor {
  readonly source: SourceKind;
  /** The AST as parsed (canonical operator names, defaults filled). */
  readonly ast: FactorAst;
  /** Canonical text (`printFactor(ast)`). */
  readonly text: string;
  /** `hashFactor(ast)`: equal for formulas that differ only in spacing or commutative argument order. */
  readonly hash: string;
  /** Always `scalar`: one number per stock-day. */
  readonly type: 'scalar';
  /** AST depth and node count (before macro expansion). */
  readonly depth: number;
  readonly nodes: number;
  /** Largest window or lag argument, bars (0 when none). */
  readonly maxWindow: number;
  /** Estimated work per frame row after macro expansion (see `FactorLimits.maxCostPerRow`). */
  readonly costPerRow: number;
  /** Fields read (after macro expansion), sorted. */
  readonly fields: readonly string[];
}

/** Options of `checkFactor`. */
export interface CheckOptions extends ParseOptions {}

/**
 * Type-checks a formula (text or AST) for a frame source and checks the safety limits.
 *
 * Rules: fields must exist in the source; every operator's arguments must have the kinds its table
 * entry names (series, levels, scalar; integer/number/clock literals within their ranges: windows
 * 1..maxWindow, lags >= 0, levels 1..maxLevels); the whole formula must give one number per
 * stock-day (a scalar) and read at least one field.
 *
 * Untrusted input should be given as text; an AST argument is expected to come from `parseFactor`
 * (a hand-built object graph is checked for shape, but not, for example, for cycles).
 *
 * @throws HfqError `DSL_PARSE`, `DSL_UNKNOWN_NAME`, `DSL_TYPE`, `DSL_ARGUMENT`, `DSL_LIMIT`, each
 * with the position in the formula.
 */
export function checkFactor(
  input: string | FactorAst,
  source: SourceKind,
  options: CheckOptions = {},
): CheckedFactor {
  if (!SOURCE_KINDS.includes(source)) {
    throw dslError(
      'DSL_INPUT',
      `unknown source '${String(source)}'; expected one of ${SOURCE_KINDS.join(', ')}`,
      {
        field: 'source',
      },
    );
  }
  const limits = resolveLimits(options.limits);
  const text = typeof input === 'string' ? input : undefined;
  const ast = typeof input === 'string' ? parseFactor(input, options) : input;
  const { nodes, depth } = checkShapeLimits(ast, text, limits);
  const checker = new TypeChecker(source, limits, text ?? printFactor(ast));
  const type = checker.typeOf(ast);
  if (type !== 'scalar') {
    throw formulaError(
      'DSL_TYPE',
      `a factor must give one number per stock-day, but this formula gives ${article(type)} ${type} (one value per bar${type === 'levels' ? ' and level' : ''}); wrap it in a reducer such as mean(...), last(...) or sum(...)`,
      text,
      ast.pos,
    );
  }
  // The cost after macro expansion, with identical subexpressions shared as the compiler shares
  // them. Measured in time linear in the AST (not in the expanded tree, which nested macros such
  // as ts_zscore(diff(...)) make exponentially large), and before anything is compiled.
  const graph = buildGraph([ast], source, limits.maxCostPerRow);
  if (graph.fields.size === 0) {
    throw formulaError(
      'DSL_TYPE',
      'a factor must read at least one field of the frame (it is a constant)',
      text,
      ast.pos,
    );
  }
  if (graph.overrun !== undefined) {
    throw formulaError(
      'DSL_LIMIT',
      `formula costs about ${graph.costPerRow} operations per bar after macro expansion, more than maxCostPerRow ${limits.maxCostPerRow}; the total passes the limit at the marked subexpression (large ts_rank windows and level ranges are expensive)`,
      text,
      graph.overrun.position,
      { limit: 'maxCostPerRow', max: limits.maxCostPerRow, cost: graph.costPerRow },
    );
  }
  const checked: CheckedFactor = Object.freeze({
    source,
    ast,
    text: printFactor(ast),
    hash: hashFactor(ast),
    type: 'scalar',
    depth,
    nodes,
    maxWindow: checker.maxWindow,
    costPerRow: graph.costPerRow,
    fields: Object.freeze([...graph.fields].sort()),
  });
  CHECKED.add(checked);
  return checked;
}

/** The results of `checkFactor` (frozen objects): what the compiler may compile without checking again. */
const CHECKED = new WeakSet<CheckedFactor>();

/**
 * True when `f` is a result of `checkFactor` (not an object of the same shape built elsewhere), so
 * its limits were checked and it is safe to compile.
 * @internal
 */
export function isChecked(f: CheckedFactor): boolean {
  return CHECKED.has(f);
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? 'an' : 'a';
}

const TYPE_WORDS: Readonly<Record<ValueType, string>> = {
  scalar: 'a scalar (one number per day)',
  series: 'a series (one number per bar)',
  levels: 'a level matrix (per bar and book level)',
};

class TypeChecker {
  maxWindow = 0;

  constructor(
    private readonly source: SourceKind,
    private readonly limits: Readonly<FactorLimits>,
    private readonly text: string,
  ) {}

  typeOf(ast: FactorAst): ValueType {
    switch (ast.kind) {
      case 'num':
        if (typeof ast.value !== 'number' || !Number.isFinite(ast.value)) {
          throw formulaError('DSL_TYPE', 'numbers must be finite', this.text, ast.pos);
        }
        return 'scalar';
      case 'field':
        return this.fieldType(ast.name, ast.pos).type;
      case 'call':
        return this.callType(ast);
      default:
        throw formulaError('DSL_TYPE', 'not a formula node', this.text, 0);
    }
  }

  private fieldType(name: string, pos: number): FieldSpec {
    const f = typeof name === 'string' ? lookupField(this.source, name) : undefined;
    if (f !== undefined) return f;
    const elsewhere = typeof name === 'string' ? sourcesWithField(name) : [];
    if (elsewhere.length > 0) {
      throw formulaError(
        'DSL_UNKNOWN_NAME',
        `field '${name}' is not in the ${this.source} source (it is a ${elsewhere.join('/')} field); ${this.source} fields: ${fieldList(this.source)}`,
        this.text,
        pos,
      );
    }
    if (typeof name === 'string' && lookupCallable(name) !== undefined) {
      throw formulaError(
        'DSL_UNKNOWN_NAME',
        `'${name}' is a function: call it as ${name}(...)`,
        this.text,
        pos,
      );
    }
    const hint = suggestName(
      String(name),
      SOURCE_FIELDS[this.source].map((x) => x.name),
    );
    throw formulaError(
      'DSL_UNKNOWN_NAME',
      `unknown field '${String(name)}'${hint}; ${this.source} fields: ${fieldList(this.source)}`,
      this.text,
      pos,
    );
  }

  private callType(ast: FactorAst & { kind: 'call' }): ValueType {
    const op = typeof ast.op === 'string' ? getOperator(ast.op, 'intraday') : undefined;
    if (op === undefined) {
      const daily = typeof ast.op === 'string' && getOperator(ast.op, 'daily') !== undefined;
      throw formulaError(
        'DSL_UNKNOWN_NAME',
        daily
          ? `${String(ast.op)} is a daily operator (across days or stocks), not available in an intraday formula`
          : `unknown function '${String(ast.op)}'${suggestName(String(ast.op))}`,
        this.text,
        ast.pos,
      );
    }
    if (op.sources !== undefined && !op.sources.includes(this.source)) {
      throw formulaError(
        'DSL_UNKNOWN_NAME',
        `${op.name}() needs the order book: it is available in the ${op.sources.join('/')} source, not in ${this.source}`,
        this.text,
        ast.pos,
      );
    }
    if (!Array.isArray(ast.args) || ast.args.length !== op.args.length) {
      throw formulaError(
        'DSL_TYPE',
        `${signature(op)} takes ${op.args.length} argument${op.args.length === 1 ? '' : 's'}, got ${Array.isArray(ast.args) ? ast.args.length : 0}`,
        this.text,
        ast.pos,
      );
    }
    let rank = -1;
    let result: ValueType = 'scalar';
    const params: number[] = [];
    op.args.forEach((spec, k) => {
      const arg = ast.args[k]!;
      if (spec.kind === 'value') {
        const t = this.typeOf(arg);
        if (!spec.accepts.includes(t)) throw this.wrongType(op, spec, t, arg.pos);
        if (TYPE_RANK[t] > rank) {
          rank = TYPE_RANK[t];
          result = t;
        }
      } else {
        params.push(this.literal(op, spec, arg));
      }
    });
    const complaint = op.checkArgs?.(params);
    if (complaint !== undefined) throw formulaError('DSL_ARGUMENT', complaint, this.text, ast.pos);
    return op.result === 'broadcast' ? result : op.result;
  }

  private literal(op: OpSpec, spec: Exclude<ArgSpec, { kind: 'value' }>, arg: FactorAst): number {
    const what = `argument ${spec.name} of ${signature(op)}`;
    if (arg.kind !== 'num') {
      const kind =
        spec.kind === 'int' ? 'an integer' : spec.kind === 'clock' ? 'a clock time HHMM' : 'a number';
      throw formulaError(
        'DSL_TYPE',
        `${what} must be ${kind} written as a literal, not an expression`,
        this.text,
        arg.pos,
      );
    }
    const v = arg.value;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw formulaError('DSL_TYPE', `${what} must be a finite number`, this.text, arg.pos);
    }
    if (spec.kind === 'int') {
      const max =
        spec.role === 'level' ? this.limits.maxLevels : spec.role === 'minutes' ? 240 : this.limits.maxWindow;
      if (!Number.isInteger(v))
        throw formulaError('DSL_ARGUMENT', `${what} must be an integer, got ${v}`, this.text, arg.pos);
      if (v < spec.min) {
        const why = spec.role === 'lag' ? ' (negative lags would read the future)' : '';
        throw formulaError(
          'DSL_ARGUMENT',
          `${what} must be >= ${spec.min}, got ${v}${why}`,
          this.text,
          arg.pos,
        );
      }
      if (v > max) {
        const code = spec.role === 'window' || spec.role === 'lag' ? 'DSL_LIMIT' : 'DSL_ARGUMENT';
        const limit =
          spec.role === 'level'
            ? 'maxLevels'
            : spec.role === 'minutes'
              ? 'the 240 minutes of a day'
              : 'maxWindow';
        throw formulaError(code, `${what} must be <= ${max} (${limit}), got ${v}`, this.text, arg.pos, {
          limit,
          max,
        });
      }
      if (spec.role === 'window' || spec.role === 'lag') this.maxWindow = Math.max(this.maxWindow, v);
      return v;
    }
    if (spec.kind === 'clock') {
      const hh = Math.floor(v / 100);
      const mm = v % 100;
      if (!Number.isInteger(v) || v < 0 || hh > 23 || mm > 59) {
        throw formulaError(
          'DSL_ARGUMENT',
          `${what} must be a clock time HHMM such as 1030, got ${v}`,
          this.text,
          arg.pos,
        );
      }
      return v;
    }
    if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) {
      throw formulaError(
        'DSL_ARGUMENT',
        `${what} must be in [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}], got ${v}`,
        this.text,
        arg.pos,
      );
    }
    return v;
  }

  private wrongType(op: OpSpec, spec: ArgSpec & { kind: 'value' }, got: ValueType, pos: number) {
    const want = spec.accepts.map((t) => TYPE_WORDS[t]).join(' or ');
    let hint = '';
    if (got === 'levels') hint = '; pick a level with x[1] or combine levels with level_sum(x, 1, 5)';
    else if (got === 'scalar' && spec.accepts.includes('series')) hint = '; it is already one number per day';
    else if (got === 'series' && spec.accepts.includes('levels'))
      hint = '; only level fields such as bid_volume have levels';
    return formulaError(
      'DSL_TYPE',
      `argument ${spec.name} of ${signature(op)} must be ${want}, got ${TYPE_WORDS[got]}${hint}`,
      this.text,
      pos,
    );
  }
}

/** `name(a, b)` for messages. */
export function signature(op: OpSpec): string {
  return `${op.name}(${op.args.map((a) => a.name).join(', ')})`;
}

function fieldList(source: SourceKind): string {
  return SOURCE_FIELDS[source].map((f) => f.name).join(', ');
}

/**
 * The size limits every level checks before type checking: at most `maxNodes` nodes and
 * `maxDepth` levels. Both measures stop at their limit, so a hand-built AST that shares objects
 * (or is cyclic) cannot make them run long or overflow the stack.
 *
 * @throws HfqError `DSL_LIMIT` naming the limit.
 */
export function checkShapeLimits(
  ast: FactorAst,
  text: string | undefined,
  limits: Readonly<FactorLimits>,
): { nodes: number; depth: number } {
  const nodes = astSize(ast, limits.maxNodes);
  if (nodes > limits.maxNodes) {
    throw formulaError('DSL_LIMIT', `formula has more than maxNodes ${limits.maxNodes} nodes`, text, 0, {
      limit: 'maxNodes',
      max: limits.maxNodes,
    });
  }
  const depth = astDepth(ast, limits.maxDepth);
  if (depth > limits.maxDepth) {
    throw formulaError(
      'DSL_LIMIT',
      `formula nests more than maxDepth ${limits.maxDepth} levels deep`,
      text,
      0,
      { limit: 'maxDepth', max: limits.maxDepth },
    );
  }
  return { nodes, depth };
}
