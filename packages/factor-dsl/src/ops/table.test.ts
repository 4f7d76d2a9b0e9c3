import { describe, expect, it } from 'vitest';
import { buildGraph } from '../compile/graph.js';
import { checkFactor } from '../language/check.js';
import { parseFactor } from '../language/parser.js';
import { SOURCE_FIELDS } from './fields.js';
import { OP_FAMILIES, SOURCE_KINDS, type SourceKind } from './spec.js';
import { lookupCallable, OPERATORS, operatorsAt } from './table.js';

describe('the operator table', () => {
  it('has unique names, a family, a doc line, a NaN rule and a working example for every entry', () => {
    const names = new Set<string>();
    for (const op of operatorsAt('intraday')) {
      expect(names.has(op.name)).toBe(false);
      names.add(op.name);
      expect(OP_FAMILIES).toContain(op.family);
      expect(op.doc.length).toBeGreaterThan(1);
      expect(op.nan.length).toBeGreaterThan(3);
      const source: SourceKind = op.sources?.[0] ?? 'minute';
      const checked = checkFactor(op.example, source);
      // The example uses the operator it documents (by name, symbol or alias).
      const ast = JSON.stringify(parseFactor(op.example));
      expect(ast.includes(`"op":"${op.name}"`)).toBe(true);
      expect(checked.type).toBe('scalar');
    }
  });

  it('covers the families the language promises', () => {
    const need = [
      'delay',
      'diff',
      'pct_change',
      'ts_mean',
      'ts_std',
      'ts_sum',
      'ts_max',
      'ts_min',
      'ts_rank',
      'ts_corr',
      'ts_cov',
      'ema',
      'decay_linear',
      'cumsum',
      'mean',
      'std',
      'skew',
      'kurt',
      'sum',
      'min',
      'max',
      'median',
      'quantile',
      'first',
      'last',
      'argmax',
      'argmin',
      'count',
      'corr',
      'cov',
      'slope',
      'share',
      'first_minutes',
      'last_minutes',
      'between',
      'mid',
      'spread',
      'book_imbalance',
      'micro_price',
      'level_sum',
      'level_diff',
      'if',
    ];
    for (const n of need) expect(lookupCallable(n), n).toBeDefined();
    expect(lookupCallable('shift')?.name).toBe('delay');
  });

  it('expands every macro to its declared result type', () => {
    for (const op of OPERATORS) {
      if (op.impl.kind !== 'macro') continue;
      const source: SourceKind = op.sources?.[0] ?? 'minute';
      const args = op.args.map((a) =>
        a.kind === 'value' ? 'close' : String(a.kind === 'int' ? Math.max(a.min, 2) : 1),
      );
      const ast = parseFactor(`${op.name}(${args.join(', ')})`);
      const g = buildGraph([ast], source);
      expect(g.roots[0]!.type, op.name).toBe(op.result);
    }
  });

  it('has fields for every source, snake_case and typed', () => {
    for (const s of SOURCE_KINDS) {
      expect(SOURCE_FIELDS[s].length).toBeGreaterThan(5);
      for (const f of SOURCE_FIELDS[s]) expect(f.name).toMatch(/^[a-z][a-z0-9_]*$/);
    }
    expect(SOURCE_FIELDS.tick.filter((f) => f.type === 'levels').map((f) => f.name)).toEqual([
      'bid_price',
      'bid_volume',
      'bid_orders',
      'ask_price',
      'ask_volume',
      'ask_orders',
    ]);
  });
});
