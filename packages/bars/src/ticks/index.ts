export {
  type BookSide,
  cumulativeDepth,
  cumulativeOrderImbalance,
  depth,
  depthWeightedPrice,
  levelDiff,
  levelSum,
  levelValues,
  microPrice,
  midPrice,
  orderImbalance,
  spread,
} from './book.js';
export { type TicksToMinutesOptions, ticksToMinuteBars } from './ticks-to-minutes.js';
