/**
 * Numeric literals as JavaScript source. The code generator may emit only code from the operator
 * table and numbers; every number goes through here, which accepts only finite numbers whose text
 * is digits, one dot, an exponent and signs (never an identifier or anything executable).
 */
const NUMBER_TEXT = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/;

export function numberLiteral(x: number): string {
  if (typeof x !== 'number' || !Number.isFinite(x))
    throw new Error(`not a finite number literal: ${String(x)}`);
  const text = String(x === 0 ? 0 : x);
  if (!NUMBER_TEXT.test(text)) throw new Error(`unexpected number text ${text}`);
  return x < 0 ? `(${text})` : text;
}
