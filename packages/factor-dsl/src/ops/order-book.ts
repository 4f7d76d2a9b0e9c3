import { levelArg, levelsArg } from './args.js';
import type { OpSpec } from './spec.js';

/**
 * Order-book operators (tick source). Level fields (`bid_price`, `ask_volume`, ...) are per-bar
 * level matrices; these turn them into series. Levels are 1-based (1 = best). An empty level has
 * price NaN (a vendor price of 0 reads as NaN) and volume 0. Levels beyond the frame's depth are NaN.
 */
const TICK = ['tick'] as const;
/** Same rule as `midPrice`/`spread`/`microPrice` of `@hfq/bars`. */
const CROSSED = 'NaN when either best price is missing or the book is crossed (best bid above best ask)';

export const ORDER_BOOK_OPS: readonly OpSpec[] = [
  {
    name: 'level',
    family: 'level',
    syntax: { kind: 'index' },
    args: [levelsArg('x'), levelArg('k')],
    result: 'series',
    sources: TICK,
    window: 'k in [1, maxLevels]',
    nan: 'NaN for an empty level (price) or a level beyond the book depth',
    doc: 'level k of a level field, written x[k] (e.g. bid_volume[1])',
    example: 'mean(bid_volume[1] - ask_volume[1])',
    impl: {
      kind: 'level',
      levels: (p) => [p[0]!],
      step: (c) => `${c.out} = ${c.lv(0, c.p[0]!)};`,
    },
  },
  levelFoldOp('level_sum', false, 'sum of x over levels from..to', 'mean(level_sum(bid_volume, 1, 5))'),
  levelFoldOp('level_mean', true, 'mean of x over levels from..to', 'mean(level_mean(ask_orders, 1, 10))'),
  {
    name: 'level_diff',
    family: 'level',
    args: [levelsArg('x'), levelArg('i'), levelArg('j')],
    result: 'series',
    sources: TICK,
    window: 'i, j in [1, maxLevels]',
    nan: 'NaN when either level is missing',
    doc: 'x[i] - x[j]: difference between two levels (e.g. depth of the book in price)',
    example: 'mean(level_diff(ask_price, 5, 1) / mid())',
    impl: {
      kind: 'level',
      levels: (p) => [p[0]!, p[1]!],
      step: (c) => `${c.out} = ${c.lv(0, c.p[0]!)} - ${c.lv(0, c.p[1]!)};`,
    },
  },
  bookOp({
    name: 'mid',
    nan: CROSSED,
    doc: 'mid price (bid_price[1] + ask_price[1]) / 2',
    example: 'last(mid()) / first(mid()) - 1',
    body: 'where(ask_price[1] >= bid_price[1], (bid_price[1] + ask_price[1]) / 2)',
  }),
  bookOp({
    name: 'spread',
    nan: CROSSED,
    doc: 'quoted spread ask_price[1] - bid_price[1] (yuan)',
    example: 'mean(spread())',
    body: 'where(ask_price[1] >= bid_price[1], ask_price[1] - bid_price[1])',
  }),
  bookOp({
    name: 'rel_spread',
    nan: CROSSED,
    doc: 'relative spread spread() / mid() (a fraction)',
    example: 'mean(rel_spread())',
    body: 'spread() / mid()',
  }),
  bookOp({
    name: 'micro_price',
    nan: `${CROSSED}; NaN when both best volumes are 0`,
    doc: 'size-weighted mid (bid_price[1] * ask_volume[1] + ask_price[1] * bid_volume[1]) / (bid_volume[1] + ask_volume[1])',
    example: 'mean(micro_price() / mid() - 1)',
    body: 'where(ask_price[1] >= bid_price[1], (bid_price[1] * ask_volume[1] + ask_price[1] * bid_volume[1]) / (bid_volume[1] + ask_volume[1]))',
  }),
  bookOp({
    name: 'book_imbalance',
    k: true,
    nan: 'NaN when both sides are empty',
    doc: 'order-book imbalance over the best k levels: (bid volume - ask volume) / (bid volume + ask volume)',
    example: 'mean(book_imbalance(5))',
    body: 'imbalance(level_sum(bid_volume, 1, $k), level_sum(ask_volume, 1, $k))',
  }),
  bookOp({
    name: 'depth',
    k: true,
    nan: 'NaN when volumes are not reported',
    doc: 'shares resting on both sides over the best k levels',
    example: 'log(mean(depth(5)))',
    body: 'level_sum(bid_volume, 1, $k) + level_sum(ask_volume, 1, $k)',
  }),
];

/** `level_sum` / `level_mean`: a fold over levels from..to of a level field (`mean` picks which). */
function levelFoldOp(name: string, mean: boolean, doc: string, example: string): OpSpec {
  return {
    name,
    family: 'level',
    args: [levelsArg('x'), levelArg('from'), levelArg('to')],
    result: 'series',
    sources: TICK,
    window: '1 <= from <= to <= maxLevels',
    nan: 'skips missing levels; NaN when all are missing',
    doc,
    example,
    cost: (p) => p[1]! - p[0]! + 1,
    checkArgs: (p) => (p[0]! <= p[1]! ? undefined : `level range needs from <= to, got ${p[0]} > ${p[1]}`),
    impl: {
      kind: 'level',
      levels: (p) => range(p[0]!, p[1]!),
      step: (c) => levelFold(c.p[0]!, c.p[1]!, (l) => c.lv(0, l), c.out, mean),
    },
  };
}

/**
 * A `book` operator: a macro over the level fields, with no argument or (`k: true`) the number of
 * best levels `k` (default 1).
 */
function bookOp(o: {
  name: string;
  k?: boolean;
  nan: string;
  doc: string;
  example: string;
  body: string;
}): OpSpec {
  return {
    name: o.name,
    family: 'book',
    args: o.k ? [levelArg('k', 1)] : [],
    result: 'series',
    sources: TICK,
    window: o.k ? 'k in [1, maxLevels], default 1' : '',
    nan: o.nan,
    doc: o.doc,
    example: o.example,
    impl: { kind: 'macro', body: o.body },
  };
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let l = from; l <= to; l++) out.push(l);
  return out;
}

/** Sum (or mean) over levels of the finite values; NaN when none is finite. */
function levelFold(from: number, to: number, lv: (l: number) => string, out: string, mean: boolean): string {
  const lines: string[] = ['{ let s = 0, c = 0;'];
  for (let l = from; l <= to; l++) lines.push(` { const v = ${lv(l)}; if (v - v === 0) { s += v; c++; } }`);
  lines.push(` ${out} = c > 0 ? ${mean ? 's / c' : 's'} : NaN; }`);
  return lines.join('');
}
