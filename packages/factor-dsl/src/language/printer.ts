import { getOperator } from '../ops/table.js';
import type { FactorAst } from './ast.js';

/** Binding strength of what a node prints as (higher binds tighter). */
const ATOM = 7;
const INDEX = 6;
const UNARY = 4;

/**
 * Prints an AST as canonical formula text: single spaces around binary operators, none inside
 * calls except after commas, the fewest parentheses that keep the tree, canonical operator names
 * (`shift` prints as `delay`, `**` as `^`), optional arguments written out, numbers in JavaScript's
 * shortest round-trip form. `parseFactor(printFactor(ast))` gives back the same tree.
 */
export function printFactor(ast: FactorAst): string {
  return print(ast).text;
}

/** A number as formula text (finite; `1e-7`, `0.5`, `-2`). */
export function formatNumber(value: number): string {
  return String(value === 0 ? 0 : value);
}

function print(ast: FactorAst): { text: string; prec: number } {
  switch (ast.kind) {
    case 'num':
      return { text: formatNumber(ast.value), prec: ast.value < 0 ? UNARY : ATOM };
    case 'field':
      return { text: ast.name, prec: ATOM };
    case 'call':
      break;
  }
  const op = getOperator(ast.op);
  const syntax = op?.syntax;
  const args = ast.args.map(print);
  if (syntax?.kind === 'infix' && args.length === 2) {
    const [l, r] = args as [{ text: string; prec: number }, { text: string; prec: number }];
    const p = syntax.prec;
    const leftParens = l.prec < p || (l.prec === p && syntax.assoc !== 'left') || (p === 5 && l.prec <= p);
    const rightParens = p === 5 ? r.prec < UNARY : r.prec < p || (r.prec === p && syntax.assoc !== 'right');
    return {
      text: `${wrap(l.text, leftParens)} ${syntax.symbol} ${wrap(r.text, rightParens)}`,
      prec: p,
    };
  }
  if (syntax?.kind === 'prefix' && args.length === 1) {
    const a = args[0]!;
    const parens = a.prec < syntax.prec || (a.prec === UNARY && a.text.startsWith('-'));
    return { text: `${syntax.symbol}${wrap(a.text, parens)}`, prec: syntax.prec };
  }
  if (syntax?.kind === 'index' && args.length === 2) {
    const a = args[0]!;
    return { text: `${wrap(a.text, a.prec < INDEX)}[${args[1]!.text}]`, prec: INDEX };
  }
  return { text: `${ast.op}(${args.map((a) => a.text).join(', ')})`, prec: ATOM };
}

function wrap(text: string, parens: boolean): string {
  return parens ? `(${text})` : text;
}
