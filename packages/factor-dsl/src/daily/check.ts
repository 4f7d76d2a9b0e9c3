import type { FactorAst } from '../language/ast.js';
import { checkShapeLimits } from '../language/check.js';
import { dslError, formulaError } from '../language/errors.js';
import { canonicalize, hashFactor } from '../language/hash.js';
import { type FactorLimits, resolveLimits } from '../language/limits.js';
import { type ParseOptions, parseFactor } from '../language/parser.js';
import { printFactor } from '../language/printer.js';
import { suggestName } from '../language/suggest.js';
import type { ArgSpec, OpSpec } from '../ops/spec.js';
import { getOperator, lookupCallable } from '../ops/table.js';

/** A daily formula that parsed, type-checked and passed the limits: safe to evaluate. */
export interface CheckedDaily {
  /** The AST (canonical daily operator names, defaults filled, qlib spellings resolved). */
  readonly ast: FactorAst;
  /** Canonical text in hfq spelling (`printFactor(ast)`): `Mean($close, 5)` prints as `ts_mean(close, 5)`. */
  readonly text: string;
  /** `hashFactor(ast)`: equal for a qlib string and its hfq spelling. */
  readonly hash: string;
  /**
   * Static lookback, trading days: how many days before a date the formula reads for a value over
   * full windows (a window of w adds w - 1, a lag of k adds k, nested operators add up; `ema` adds
   * w - 1 although every earlier day keeps a vanishing weight). 0 for a formula without windows.
   */
  readonly lookback: number;
  /** Largest window or lag argument, days (0 when none). */
  readonly maxWindow: number;
  /** AST depth and node count. */
  readonly depth: number;
  readonly nodes: number;
  /** Estimated work per asset-day, identical subexpressions counted once (a rank over w days costs w). */
  readonly costPerDay: number;
  /** Input fields read, sorted. */
  readonly fields: readonly string[];
  /** True when the formula uses a cross-sectional or group operator (it reads other assets of a date). */
  readonly crossSectional: boolean;
  /** True when it uses a group operator or `cs_neutralize`/`cs_neutralize_by` (it needs the `industry` group). */
  readonly needsIndustry: boolean;
}

/** Options of `checkDaily`. */
export interface DailyCheckOptions extends Omit<ParseOptions, 'level'> {}

const NEEDS_INDUSTRY = new Set(['cs_neutralize', 'cs_neutralize_by']);

/**
 * Parses and type-checks a formula of the daily level (hfq spelling, or qlib's expression syntax
 * verbatim: `$close`, `Ref($close, 1)`, `Mean($close > Ref($close, 1), 5)`), checks the safety
 * limits (`DEFAULT_LIMITS`: length, depth, nodes, windows <= maxWindow days, cost) and reports the
 * static lookback.
 *
 * Rules: fields are the names of the input panels (`fields`; when omitted any name that is not a
 * function is accepted); an input named like an intraday factor is just another field. Windows,
 * lags, quantiles and winsorising bounds are literals; lags are never negative, so no formula
 * reads a later day; cross-sectional and group operators see one date at a time. The formula must
 * read at least one field.
 *
 * @param fields the input names available (typically `Object.keys(inputs)`).
 * @throws HfqError `DSL_PARSE`, `DSL_UNKNOWN_NAME` (with a suggestion), `DSL_TYPE`, `DSL_ARGUMENT`,
 * `DSL_LIMIT`, each with the position in the formula.
 */
export function checkDaily(
  formula: string | FactorAst,
  fields?: readonly string[],
  options: DailyCheckOptions = {},
): CheckedDaily {
  const limits = resolveLimits(options.limits);
  const text = typeof formula === 'string' ? formula : undefined;
  const ast = typeof formula === 'string' ? parseFactor(formula, { ...options, level: 'daily' }) : formula;
  if (ast === null || typeof ast !== 'object') {
    throw dslError('DSL_TYPE', 'a daily formula must be a string or an AST', {});
  }
  const { nodes, depth } = checkShapeLimits(ast, text, limits);
  const checker = new DailyChecker(limits, text ?? safePrint(ast), fields);
  const lookback = checker.walk(ast);
  if (checker.fields.size === 0) {
    throw formulaError(
      'DSL_TYPE',
      'a daily factor must read at least one field (it is a constant)',
      text,
      ast.pos,
    );
  }
  if (checker.cost > limits.maxCostPerRow) {
    throw formulaError(
      'DSL_LIMIT',
      `formula costs about ${checker.cost} operations per asset-day, more than maxCostPerRow ${limits.maxCostPerRow} (large rank, quantile and median windows are expensive)`,
      text,
      ast.pos,
      { limit: 'maxCostPerRow', max: limits.maxCostPerRow, cost: checker.cost },
    );
  }
  return Object.freeze({
    ast,
    text: printFactor(ast),
    hash: hashFactor(ast),
    lookback,
    maxWindow: checker.maxWindow,
    depth,
    nodes,
    costPerDay: checker.cost,
    fields: Object.freeze([...checker.fields].sort()),
    crossSectional: checker.crossSectional,
    needsIndustry: checker.needsIndustry,
  });
}

function safePrint(ast: FactorAst): string {
  try {
    return printFactor(ast);
  } catch {
    return '';
  }
}

class DailyChecker {
  maxWindow = 0;
  cost = 0;
  crossSectional = false;
  needsIndustry = false;
  readonly fields = new Set<string>();
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly limits: Readonly<FactorLimits>,
    private readonly text: string,
    private readonly allowed: readonly string[] | undefined,
  ) {}

  /** Type-checks `ast` and returns its lookback (days). */
  walk(ast: FactorAst): number {
    switch (ast.kind) {
      case 'num':
        if (typeof ast.value !== 'number' || !Number.isFinite(ast.value)) {
          throw formulaError('DSL_TYPE', 'numbers must be finite', this.text, ast.pos);
        }
        return 0;
      case 'field':
        this.field(ast.name, ast.pos);
        return 0;
      case 'call':
        return this.call(ast);
      default:
        throw formulaError('DSL_TYPE', 'not a formula node', this.text, 0);
    }
  }

  private field(name: string, pos: number): void {
    if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw formulaError('DSL_UNKNOWN_NAME', `bad field name '${String(name)}'`, this.text, pos);
    }
    if (
      this.allowed === undefined ? lookupCallable(name, 'daily') !== undefined : !this.allowed.includes(name)
    ) {
      if (lookupCallable(name, 'daily') !== undefined) {
        throw formulaError(
          'DSL_UNKNOWN_NAME',
          `'${name}' is a function: call it as ${name}(...)`,
          this.text,
          pos,
        );
      }
      const list = this.allowed!.length > 0 ? this.allowed!.join(', ') : '(none)';
      throw formulaError(
        'DSL_UNKNOWN_NAME',
        `unknown field '${name}'${suggestName(name, this.allowed!)}; the inputs are: ${list}`,
        this.text,
        pos,
        { field: name },
      );
    }
    this.fields.add(name);
  }

  private call(ast: FactorAst & { kind: 'call' }): number {
    const op = typeof ast.op === 'string' ? getOperator(ast.op, 'daily') : undefined;
    if (op === undefined) {
      const intraday = typeof ast.op === 'string' ? getOperator(ast.op, 'intraday') : undefined;
      const why =
        intraday !== undefined
          ? `; ${String(ast.op)} is an intraday operator (over the bars of one day), not available at the daily level`
          : '';
      throw formulaError(
        'DSL_UNKNOWN_NAME',
        `unknown daily function '${String(ast.op)}'${why}`,
        this.text,
        ast.pos,
      );
    }
    if (!Array.isArray(ast.args) || ast.args.length !== op.args.length) {
      throw formulaError(
        'DSL_TYPE',
        `${signature(op)} takes ${op.args.length} argument${op.args.length === 1 ? '' : 's'}`,
        this.text,
        ast.pos,
      );
    }
    let lookback = 0;
    const params: number[] = [];
    op.args.forEach((spec, k) => {
      const arg = ast.args[k]!;
      if (spec.kind === 'value') lookback = Math.max(lookback, this.walk(arg));
      else params.push(this.literal(op, spec, arg));
    });
    const complaint = op.checkArgs?.(params);
    if (complaint !== undefined) throw formulaError('DSL_ARGUMENT', complaint, this.text, ast.pos);
    if (op.family === 'cross_section' || op.family === 'group') this.crossSectional = true;
    if (op.family === 'group' || NEEDS_INDUSTRY.has(op.name)) this.needsIndustry = true;
    // Cost: identical subexpressions are computed once.
    const key = printFactor(canonicalize(ast));
    if (!this.seen.has(key)) {
      this.seen.set(key, 1);
      this.cost += op.cost?.(params) ?? 1;
    }
    if (op.family !== 'daily_ts') return lookback;
    const w = params[0] ?? 0;
    const isLag = op.name === 'delay' || op.name === 'diff';
    return lookback + (isLag ? w : Math.max(0, w - 1));
  }

  private literal(op: OpSpec, spec: Exclude<ArgSpec, { kind: 'value' }>, arg: FactorAst): number {
    const what = `argument ${spec.name} of ${signature(op)}`;
    if (arg.kind !== 'num' || typeof arg.value !== 'number' || !Number.isFinite(arg.value)) {
      throw formulaError(
        'DSL_TYPE',
        `${what} must be ${spec.kind === 'int' ? 'an integer' : 'a number'} written as a literal, not an expression`,
        this.text,
        arg.pos,
      );
    }
    const v = arg.value;
    if (spec.kind === 'int') {
      if (!Number.isInteger(v)) {
        throw formulaError('DSL_ARGUMENT', `${what} must be an integer, got ${v}`, this.text, arg.pos);
      }
      if (v < spec.min) {
        const why = spec.role === 'lag' ? ' (negative lags would read later days)' : '';
        throw formulaError(
          'DSL_ARGUMENT',
          `${what} must be >= ${spec.min}, got ${v}${why}`,
          this.text,
          arg.pos,
        );
      }
      if (v > this.limits.maxWindow) {
        throw formulaError(
          'DSL_LIMIT',
          `${what} must be <= ${this.limits.maxWindow} (maxWindow), got ${v}`,
          this.text,
          arg.pos,
          { limit: 'maxWindow', max: this.limits.maxWindow },
        );
      }
      this.maxWindow = Math.max(this.maxWindow, v);
      return v;
    }
    if (spec.kind === 'const') {
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
    throw formulaError('DSL_TYPE', `${what} is not a daily argument`, this.text, arg.pos);
  }
}

function signature(op: OpSpec): string {
  return `${op.name}(${op.args.map((a) => a.name).join(', ')})`;
}
