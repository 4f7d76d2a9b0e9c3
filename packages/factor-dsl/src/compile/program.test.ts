import { allocMinuteBars, MINUTE_BAR_END_TIMES } from '@hfq/bars';
import { HfqError } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { packFrames } from '../eval/frames.js';
import { parseFactor } from '../language/parser.js';
import { SOURCE_KINDS } from '../ops/spec.js';
import { operatorsAt } from '../ops/table.js';
import { close, loadOperatorFixture } from '../test-utils/operator-fixture.js';
import { compileFactors } from './program.js';

const fx = loadOperatorFixture();

describe('evaluation against the numpy reference (__fixtures__/make_operator_fixtures.py)', () => {
  it.each(fx.cases.map((c) => [c.source, c.formula, c.expected] as const))(
    '%s: %s',
    (source, formula, expected) => {
      const v = compileFactors([formula], source).evaluateFrame(fx.frames[source])[0]!;
      expect(close(v, expected), `got ${v}, want ${expected}`).toBe(true);
    },
  );

  it('uses every operator of the table at least once', () => {
    const used = new Set<string>();
    const walk = (a: ReturnType<typeof parseFactor>): void => {
      if (a.kind !== 'call') return;
      used.add(a.op);
      a.args.forEach(walk);
    };
    for (const c of fx.cases) walk(parseFactor(c.formula));
    expect(
      operatorsAt('intraday')
        .map((o) => o.name)
        .filter((n) => !used.has(n)),
    ).toEqual([]);
  });

  it('gives bit-identical values whether formulas are compiled alone, together, or split over many kernels', () => {
    for (const source of SOURCE_KINDS) {
      const cases = fx.cases.filter((c) => c.source === source);
      const alone = cases.map(
        (c) => compileFactors([c.formula], source).evaluateFrame(fx.frames[source])[0]!,
      );
      const together = compileFactors(
        cases.map((c) => c.formula),
        source,
      );
      const split = compileFactors(
        cases.map((c) => c.formula),
        source,
        { nodesPerKernel: 6 },
      );
      expect(split.kernelCount).toBeGreaterThan(5);
      expect(together.nodeCount).toBeLessThan(split.kernelSources().length * 1000);
      expect(Array.from(together.evaluateFrame(fx.frames[source]))).toEqual(alone);
      expect(Array.from(split.evaluateFrame(fx.frames[source]))).toEqual(alone);
    }
  });
});

describe('compileFactors', () => {
  it('computes shared subexpressions once (hash-consing across formulas and commutative order)', () => {
    const p = compileFactors(
      ['corr(close, volume)', 'corr(volume, close)', 'std(log_return(close))', 'skew(log_return(close, 1))'],
      'minute',
    );
    // nodes: close, volume, corr, delay, div, log, std, 1 (literal), skew
    expect(p.nodeCount).toBe(8);
  });

  it('evaluates a block of frames like frame by frame, and a frame without rows as NaN', () => {
    const p = compileFactors(['mean(close)', 'sum(volume)', 'count(close)'], 'minute');
    const frames = [fx.frames.minute, null, fx.frames.minute];
    const block = packFrames('minute', frames);
    const out = p.evaluateBlock(block);
    const one = Array.from(p.evaluateFrame(fx.frames.minute));
    expect(Array.from(out.subarray(0, 3))).toEqual(one);
    expect(Array.from(out.subarray(3, 6)).every(Number.isNaN)).toBe(true);
    expect(Array.from(out.subarray(6, 9))).toEqual(one);
  });

  it('rejects malformed frames with DSL_FRAME', () => {
    const p = compileFactors(['mean(close)'], 'minute');
    const f = allocMinuteBars(10);
    (f as { close: Float64Array }).close = new Float64Array(9);
    expect(() => p.evaluateFrame(f)).toThrow(HfqError);
    try {
      p.evaluateFrame(f);
    } catch (e) {
      expect((e as HfqError).code).toBe('DSL_FRAME');
    }
    const t = compileFactors(['mean(bid_volume[1])'], 'tick');
    expect(() => t.evaluateFrame({ ...fx.frames.tick, levels: 7 })).toThrow(/bidPrice/);
  });

  it('emits only table templates, generated names and numbers into the kernel source', () => {
    // Field names and operator names of the formula never appear in the generated code.
    const p = compileFactors(['mean(where(close > open, volume)) + corr(high, low) * 1e-3'], 'minute');
    const code = p.kernelSources().join('\n');
    for (const word of ['close', 'open', 'volume', 'high', 'low', 'corr', 'where']) {
      expect(code).not.toMatch(new RegExp(`\\b${word}\\b`));
    }
    expect(code).toContain('0.001');
  });

  it('handles days of any length, and more rows than any day before', () => {
    const p = compileFactors(['sum(volume)', 'mean(ts_max(close, 3))'], 'minute');
    for (const n of [1, 2, 240, 1000, 3]) {
      const f = allocMinuteBars(n);
      for (let i = 0; i < n; i++) {
        f.time[i] = MINUTE_BAR_END_TIMES[i % 240]!;
        f.close[i] = 10 + (i % 7);
        f.volume[i] = 100;
      }
      const out = p.evaluateFrame(f);
      expect(out[0]).toBe(100 * n);
      expect(Number.isNaN(out[1]!)).toBe(n < 3);
    }
  });
});

describe('the size of one program', () => {
  it('refuses more than maxFormulas formulas before parsing any of them', () => {
    const many = Array.from({ length: 2049 }, (_, k) => `mean(close) + ${k}`);
    let e: unknown;
    try {
      compileFactors([...many.slice(0, 2048), 'not a formula ('], 'minute');
    } catch (x) {
      e = x;
    }
    // 2049 entries: the count is refused, the broken last one is never parsed.
    expect(HfqError.is(e) && e.code).toBe('DSL_LIMIT');
    expect(HfqError.is(e) && e.context).toMatchObject({ limit: 'maxFormulas', max: 2048, count: 2049 });
    expect(compileFactors(many.slice(0, 3), 'minute', { limits: { maxFormulas: 3 } }).nFactors).toBe(3);
    expect(() => compileFactors(many.slice(0, 4), 'minute', { limits: { maxFormulas: 3 } })).toThrow(
      /maxFormulas 3/,
    );
  });
});
