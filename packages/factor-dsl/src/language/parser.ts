import type { OpLevel, OpSpec } from '../ops/spec.js';
import { callableNames, lookupCallable, lookupInfix } from '../ops/table.js';
import { astDepth, type CallNode, type FactorAst, type FieldNode, type NumNode } from './ast.js';
import { formulaError } from './errors.js';
import { type Token, tokenize } from './lexer.js';
import { type FactorLimits, resolveLimits } from './limits.js';
import { suggestName } from './suggest.js';

/** Options of `parseFactor`. */
export interface ParseOptions {
  /** Limits to enforce (defaults: `DEFAULT_LIMITS`). */
  limits?: Partial<FactorLimits>;
  /**
   * The level of the language (default `intraday`). At the `daily` level function names resolve
   * to the daily operators (and qlib's spellings: `Mean`, `Ref`, `Greater`), and `$close` is the
   * field `close`, so qlib expressions parse verbatim.
   */
  level?: OpLevel;
}

/**
 * Parses a factor formula into an AST.
 *
 * Syntax (precedence low to high): comparisons `< <= > >= == !=` (not chainable); `+ -`; `* /`;
 * unary `-`; power `^` (also `**`, right-associative, so `-x^2` is `-(x^2)` and `2^-1` works);
 * level access `x[k]`; function calls `name(args)`, numbers, field names, parentheses.
 * Function names resolve through the operator table (aliases to canonical names, omitted optional
 * arguments filled with their defaults); field names are resolved later against a source by
 * `checkFactor`.
 *
 * @throws HfqError `DSL_PARSE` (syntax, with the position), `DSL_UNKNOWN_NAME` (unknown function),
 * `DSL_TYPE` (wrong number of arguments), `DSL_LIMIT` (text too long, nested too deeply, too many nodes).
 */
export function parseFactor(text: string, options: ParseOptions = {}): FactorAst {
  const limits = resolveLimits(options.limits);
  if (typeof text !== 'string') {
    throw formulaError('DSL_PARSE', `a formula must be a string, got ${typeof text}`, undefined, 0);
  }
  if (text.length > limits.maxLength) {
    throw formulaError(
      'DSL_LIMIT',
      `formula is ${text.length} characters, more than maxLength ${limits.maxLength}`,
      undefined,
      limits.maxLength,
      { limit: 'maxLength', max: limits.maxLength },
    );
  }
  const level = options.level ?? 'intraday';
  if (level !== 'intraday' && level !== 'daily') {
    throw formulaError(
      'DSL_INPUT',
      `level must be 'intraday' or 'daily', got ${String(level)}`,
      undefined,
      0,
    );
  }
  const parser = new Parser(text, tokenize(text, level === 'daily' ? 'qlib' : false), limits, false, level);
  const ast = parser.parseAll();
  if (astDepth(ast, limits.maxDepth) > limits.maxDepth) {
    throw formulaError(
      'DSL_LIMIT',
      `formula nests more than maxDepth ${limits.maxDepth} levels deep`,
      text,
      0,
      { limit: 'maxDepth', max: limits.maxDepth },
    );
  }
  return ast;
}

/**
 * Parses an operator-table macro body (`$name` parameters allowed; trusted text, generous limits).
 * @internal
 */
export function parseMacroBody(text: string): FactorAst {
  const limits = resolveLimits({ maxLength: 10_000, maxDepth: 64, maxNodes: 1000 });
  return new Parser(text, tokenize(text, true), limits, true, 'intraday').parseAll();
}

class Parser {
  private at = 0;
  private nodes = 0;
  private nesting = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    private readonly limits: Readonly<FactorLimits>,
    private readonly macro: boolean,
    private readonly level: OpLevel,
  ) {}

  parseAll(): FactorAst {
    if (this.peek().kind === 'eof') throw this.error('DSL_PARSE', 'empty formula', this.peek().pos);
    const ast = this.parseComparison();
    const t = this.peek();
    if (t.kind !== 'eof') {
      const what = t.kind === ')' ? "unmatched ')'" : `unexpected ${describe(t)} after a complete expression`;
      throw this.error('DSL_PARSE', `${what} (missing operator?)`, t.pos);
    }
    return ast;
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private next(): Token {
    const t = this.tokens[this.at]!;
    if (t.kind !== 'eof') this.at++;
    return t;
  }

  private error(
    code: 'DSL_PARSE' | 'DSL_LIMIT' | 'DSL_TYPE' | 'DSL_UNKNOWN_NAME',
    message: string,
    pos: number,
  ) {
    return formulaError(code, message, this.text, pos);
  }

  private count(pos: number): void {
    if (++this.nodes > this.limits.maxNodes) {
      throw this.error('DSL_LIMIT', `formula has more than maxNodes ${this.limits.maxNodes} nodes`, pos);
    }
  }

  private enter(pos: number): void {
    // Parentheses and unary chains recurse without adding AST depth; bound the recursion itself.
    if (++this.nesting > 2 * this.limits.maxDepth) {
      throw this.error(
        'DSL_LIMIT',
        `formula nests more than maxDepth ${this.limits.maxDepth} levels deep`,
        pos,
      );
    }
  }

  private num(value: number, pos: number): NumNode {
    this.count(pos);
    return { kind: 'num', value, pos };
  }

  private call(op: OpSpec, args: FactorAst[], pos: number): CallNode {
    this.count(pos);
    return { kind: 'call', op: op.name, args, pos };
  }

  private infixOp(t: Token, prec: number): OpSpec | undefined {
    if (t.kind !== 'op') return undefined;
    const op = lookupInfix(t.text);
    return op?.syntax?.kind === 'infix' && op.syntax.prec === prec ? op : undefined;
  }

  private parseComparison(): FactorAst {
    this.enter(this.peek().pos);
    const left = this.parseAdditive();
    const t = this.peek();
    const op = this.infixOp(t, 1);
    let result = left;
    if (op !== undefined) {
      this.next();
      const right = this.parseAdditive();
      result = this.call(op, [left, right], t.pos);
      const again = this.peek();
      if (this.infixOp(again, 1) !== undefined) {
        throw this.error('DSL_PARSE', 'comparisons cannot be chained; use and(a < b, b < c)', again.pos);
      }
    }
    this.nesting--;
    return result;
  }

  private parseAdditive(): FactorAst {
    let left = this.parseMultiplicative();
    for (;;) {
      const t = this.peek();
      const op = this.infixOp(t, 2);
      if (op === undefined) return left;
      this.next();
      left = this.call(op, [left, this.parseMultiplicative()], t.pos);
    }
  }

  private parseMultiplicative(): FactorAst {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      const op = this.infixOp(t, 3);
      if (op === undefined) return left;
      this.next();
      left = this.call(op, [left, this.parseUnary()], t.pos);
    }
  }

  private parseUnary(): FactorAst {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      this.next();
      this.enter(t.pos);
      const operand = this.parseUnary();
      this.nesting--;
      if (t.text === '+') return operand;
      // Fold a negated literal into one literal (-0 becomes 0, so printing round-trips).
      if (operand.kind === 'num')
        return { kind: 'num', value: operand.value === 0 ? 0 : -operand.value, pos: t.pos };
      return this.call(lookupCallable('neg')!, [operand], t.pos);
    }
    return this.parsePower();
  }

  private parsePower(): FactorAst {
    const base = this.parsePostfix();
    const t = this.peek();
    if (this.infixOp(t, 5) !== undefined) {
      this.next();
      this.enter(t.pos);
      const exponent = this.parseUnary(); // right-associative: a^b^c = a^(b^c); a^-b allowed
      this.nesting--;
      return this.call(lookupInfix('^')!, [base, exponent], t.pos);
    }
    return base;
  }

  private parsePostfix(): FactorAst {
    let node = this.parsePrimary();
    while (this.peek().kind === '[') {
      const open = this.next();
      const idx = this.next();
      if (idx.kind !== 'num') {
        throw this.error('DSL_PARSE', 'a level index must be a number, as in bid_volume[1]', idx.pos);
      }
      const close = this.next();
      if (close.kind !== ']') throw this.error('DSL_PARSE', "expected ']' after the level index", close.pos);
      node = this.call(lookupCallable('level')!, [node, this.num(idx.value, idx.pos)], open.pos);
    }
    return node;
  }

  private parsePrimary(): FactorAst {
    const t = this.next();
    switch (t.kind) {
      case 'num':
        return this.num(t.value, t.pos);
      case 'param':
        if (!this.macro) throw this.error('DSL_PARSE', 'unexpected $', t.pos);
        this.count(t.pos);
        return { kind: 'field', name: `$${t.text}`, pos: t.pos } satisfies FieldNode;
      case 'qfield':
        this.count(t.pos);
        return { kind: 'field', name: t.text, pos: t.pos } satisfies FieldNode;
      case 'ident':
        if (this.peek().kind === '(') return this.parseCall(t);
        this.count(t.pos);
        return { kind: 'field', name: t.text, pos: t.pos } satisfies FieldNode;
      case '(': {
        const inner = this.parseComparison();
        const close = this.next();
        if (close.kind !== ')') {
          throw this.error(
            'DSL_PARSE',
            `expected ')' to close the '(' at ${t.pos}, found ${describe(close)}`,
            close.pos,
          );
        }
        return inner;
      }
      default:
        throw this.error(
          'DSL_PARSE',
          `expected a number, a field or a function call, found ${describe(t)}`,
          t.pos,
        );
    }
  }

  private parseCall(name: Token): FactorAst {
    const op = lookupCallable(name.text, this.level);
    if (op === undefined) {
      const other = lookupCallable(name.text, this.level === 'daily' ? 'intraday' : 'daily');
      const hint =
        other !== undefined
          ? `; it is ${this.level === 'daily' ? 'an intraday' : 'a daily'} operator (${this.level === 'daily' ? 'over the bars of one day' : 'across days or stocks'}), not available at the ${this.level} level`
          : suggestName(name.text, callableNames(this.level));
      throw this.error('DSL_UNKNOWN_NAME', `unknown function '${name.text}'${hint}`, name.pos);
    }
    this.next(); // '('
    const args: FactorAst[] = [];
    if (this.peek().kind !== ')') {
      for (;;) {
        args.push(this.parseComparison());
        const t = this.next();
        if (t.kind === ')') break;
        if (t.kind !== ',') {
          throw this.error(
            'DSL_PARSE',
            `expected ',' or ')' in the call to ${op.name}, found ${describe(t)}`,
            t.pos,
          );
        }
      }
    } else {
      this.next();
    }
    const spec = op.args;
    const required = spec.filter((a) => !('default' in a) || a.default === undefined).length;
    if (args.length < required || args.length > spec.length) {
      const want = required === spec.length ? `${spec.length}` : `${required} to ${spec.length}`;
      throw this.error(
        'DSL_TYPE',
        `${op.name}(${spec.map((a) => a.name).join(', ')}) takes ${want} argument${spec.length === 1 ? '' : 's'}, got ${args.length}`,
        name.pos,
      );
    }
    for (let k = args.length; k < spec.length; k++) {
      const a = spec[k]!;
      args.push(this.num((a as { default: number }).default, name.pos));
    }
    return this.call(op, args, name.pos);
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the formula';
    case 'num':
      return `number ${t.text}`;
    case 'ident':
      return `name '${t.text}'`;
    default:
      return `'${t.text}'`;
  }
}
