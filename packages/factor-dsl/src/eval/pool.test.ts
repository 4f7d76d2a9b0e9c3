import { HfqError } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { compileFactors } from '../compile/program.js';
import { loadOperatorFixture } from '../test-utils/operator-fixture.js';
import { packFrames } from './frames.js';
import { FactorWorkerPool } from './pool.js';

const fx = loadOperatorFixture();

describe('FactorWorkerPool (worker threads, from TypeScript sources under vitest)', () => {
  it('evaluates a block in shared memory across workers exactly like one thread', async () => {
    const formulas = fx.cases.filter((c) => c.source === 'tick').map((c) => c.formula);
    const defs = formulas.map((formula, k) => ({ id: `f${k}`, source: 'tick' as const, formula }));
    const frames = Array.from({ length: 7 }, (_, k) => (k === 3 ? null : fx.frames.tick));
    const block = packFrames('tick', frames, true);
    const expected = compileFactors(formulas, 'tick').evaluateBlock(block);
    const pool = await FactorWorkerPool.create(defs, { threads: 3 });
    try {
      const got = await pool.evaluateBlock(block);
      expect(got.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Array.from(got)).toEqual(Array.from(expected));
      // A block in ordinary memory is copied to shared memory first.
      expect(Array.from(await pool.evaluateBlock(packFrames('tick', frames)))).toEqual(Array.from(expected));
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('passes formula errors from the workers back as HfqErrors', async () => {
    const err = await FactorWorkerPool.create([{ id: 'x', source: 'minute', formula: 'mean(clse)' }], {
      threads: 1,
    }).catch((e) => e);
    expect(HfqError.is(err, 'DSL_UNKNOWN_NAME')).toBe(true);
  }, 60_000);
});
