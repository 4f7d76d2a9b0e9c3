import {
  cumulativeDepth,
  cumulativeOrderImbalance,
  levelDiff,
  levelSum,
  microPrice,
  midPrice,
  orderImbalance,
  spread,
  type TickSnapshots,
} from '@hfq/bars';
import { describe, expect, it } from 'vitest';
import { compileFactors } from '../compile/program.js';
import { close, loadOperatorFixture } from '../test-utils/operator-fixture.js';

/** The fixture tick frame with two crossed books and one empty bid side added. */
function frame(): TickSnapshots {
  const t = loadOperatorFixture().frames.tick;
  const L = t.levels;
  const bidPrice = Float64Array.from(t.bidPrice);
  for (const row of [5, 17]) bidPrice[row * L] = t.askPrice[row * L]! + 0.02;
  for (let k = 0; k < L; k++) bidPrice[30 * L + k] = 0;
  return { ...t, bidPrice };
}

/** sum, count, min, max of the finite values: what the DSL's reducers give for the same series. */
function stats(x: Float64Array): number[] {
  const v = Array.from(x).filter(Number.isFinite);
  return [v.reduce((a, b) => a + b, 0), v.length, Math.min(...v), Math.max(...v)];
}

const PAIRS: [string, (t: TickSnapshots) => Float64Array][] = [
  ['mid()', midPrice],
  ['spread()', (t) => spread(t)],
  ['rel_spread()', (t) => spread(t, { relative: true })],
  ['micro_price()', microPrice],
  ['book_imbalance(1)', (t) => orderImbalance(t, 1)],
  ['book_imbalance(5)', (t) => cumulativeOrderImbalance(t, 5)],
  ['level_diff(ask_price, 5, 1)', (t) => levelDiff(t, 'askPrice', 5, 1)],
  ['level_sum(bid_volume, 1, 5)', (t) => levelSum(t, 'bidVolume', 1, 5)],
  [
    'depth(3)',
    (t) => Float64Array.from(cumulativeDepth(t, 'bid', 3), (b, i) => b + cumulativeDepth(t, 'ask', 3)[i]!),
  ],
];

describe('order-book operators agree with the order-book helpers of @hfq/bars', () => {
  const t = frame();
  it.each(PAIRS)('%s', (dsl, helper) => {
    const got = compileFactors(
      [`sum(${dsl})`, `count(${dsl})`, `min(${dsl})`, `max(${dsl})`],
      'tick',
    ).evaluateFrame(t);
    const want = stats(helper(t));
    for (let k = 0; k < 4; k++)
      expect(close(got[k]!, want[k]!), `${['sum', 'count', 'min', 'max'][k]}: ${got[k]} vs ${want[k]}`).toBe(
        true,
      );
  });

  it('treats a crossed book as missing', () => {
    const [n] = compileFactors(['count(mid())'], 'tick').evaluateFrame(t);
    const [all] = compileFactors(['count(last)'], 'tick').evaluateFrame({
      ...t,
      last: new Float64Array(t.last.length).fill(1),
    });
    // Rows 5 and 17 crossed, row 30 without bids, row 60 without an ask.
    expect(all! - n!).toBe(4);
  });
});
