import { formulaError } from './errors.js';

/** Token kinds of the factor language. */
export type TokenKind = 'num' | 'ident' | 'param' | 'qfield' | 'op' | '(' | ')' | '[' | ']' | ',' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token (operator symbol, identifier, number text). */
  readonly text: string;
  /** Numeric value for `num` tokens. */
  readonly value: number;
  readonly pos: number;
}

/** Longest identifier accepted, characters. */
export const MAX_IDENTIFIER_LENGTH = 64;

const OPERATOR_SYMBOLS = ['**', '<=', '>=', '==', '!=', '+', '-', '*', '/', '^', '<', '>'];
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;

/**
 * Splits formula text into tokens. Accepts only ASCII letters, digits, `_`, `.`, the operator
 * symbols, parentheses, brackets, commas and whitespace; anything else is a `DSL_PARSE` error at
 * its position. `$name` is accepted only with `allowParams`: `true` makes it a parameter
 * (operator-table macros), `'qlib'` a field name (qlib's `$close` at the daily level).
 */
export function tokenize(text: string, allowParams: boolean | 'qlib' = false): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 32 || ch === 9 || ch === 10 || ch === 13) {
      i++;
      continue;
    }
    if ((ch >= 48 && ch <= 57) || (ch === 46 && isDigit(text.charCodeAt(i + 1)))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text)!;
      const value = Number(m[0]);
      if (!Number.isFinite(value)) {
        throw formulaError('DSL_PARSE', `number ${m[0]} is out of range`, text, i);
      }
      // A non-zero literal that underflows to 0 (1e-400) would silently become another number.
      if (value === 0 && /[1-9]/.test(m[0].split(/[eE]/)[0]!)) {
        throw formulaError('DSL_PARSE', `number ${m[0]} is too small (it would be 0)`, text, i);
      }
      tokens.push({ kind: 'num', text: m[0], value, pos: i });
      i += m[0].length;
      continue;
    }
    if (isIdentStart(ch) || (ch === 36 && allowParams !== false)) {
      const start = ch === 36 ? i + 1 : i;
      IDENT.lastIndex = start;
      const m = IDENT.exec(text);
      if (m === null) throw formulaError('DSL_PARSE', 'expected a parameter name after $', text, i);
      if (m[0].length > MAX_IDENTIFIER_LENGTH) {
        throw formulaError('DSL_PARSE', `name longer than ${MAX_IDENTIFIER_LENGTH} characters`, text, i);
      }
      const kind = ch === 36 && allowParams === true ? 'param' : ch === 36 ? 'qfield' : 'ident';
      tokens.push({ kind, text: m[0], value: NaN, pos: i });
      i = start + m[0].length;
      continue;
    }
    if (ch === 40 || ch === 41 || ch === 91 || ch === 93 || ch === 44) {
      tokens.push({ kind: text[i] as '(' | ')' | '[' | ']' | ',', text: text[i]!, value: NaN, pos: i });
      i++;
      continue;
    }
    const sym = OPERATOR_SYMBOLS.find((s) => text.startsWith(s, i));
    if (sym !== undefined) {
      tokens.push({ kind: 'op', text: sym, value: NaN, pos: i });
      i += sym.length;
      continue;
    }
    throw formulaError('DSL_PARSE', unexpectedCharacter(text, i), text, i);
  }
  tokens.push({ kind: 'eof', text: '', value: NaN, pos: text.length });
  return tokens;
}

function isDigit(ch: number): boolean {
  return ch >= 48 && ch <= 57;
}

function isIdentStart(ch: number): boolean {
  return (ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122) || ch === 95;
}

/** A readable message for a character the language does not have, with a hint for common slips. */
function unexpectedCharacter(text: string, i: number): string {
  const cp = text.codePointAt(i)!;
  const shown =
    cp >= 32 && cp < 127
      ? `'${String.fromCodePoint(cp)}'`
      : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const hints: Record<string, string> = {
    '=': ' (comparison is ==)',
    '!': ' (use not(x) or !=)',
    '&': ' (use and(a, b))',
    '|': ' (use or(a, b))',
    '?': ' (use if(cond, a, b))',
    ':': ' (use if(cond, a, b))',
    '%': ' (there is no modulo)',
    ';': ' (a formula is one expression)',
    '{': ' (use parentheses)',
    '"': ' (there are no strings)',
    "'": ' (there are no strings)',
  };
  const ch = String.fromCodePoint(cp);
  const hint = Object.hasOwn(hints, ch) ? hints[ch] : '';
  return `unexpected character ${shown}${hint}`;
}
