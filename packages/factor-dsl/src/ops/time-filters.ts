import { SESSION, tradingMinuteClock } from '@hfq/bars';
import { clockArg, minutesArg, seriesArg } from './args.js';
import type { OpSpec } from './spec.js';

/**
 * Time-of-day filters: keep a series where the bar's time is in a window, NaN elsewhere (so the
 * reducers, which skip NaN, see only those bars). A bar's time is its end time (minute bars,
 * equal-volume bars) or the snapshot time (ticks); a window (a, b] holds bars ending after a, up to b.
 * Trading minutes count 09:30-11:30 then 13:00-15:00 (240 in a day).
 */
const MINUTE = 60_000;
/** The session's times come from the A-share rules module of @hfq/bars (one definition). */
const MORNING_CLOSE = SESSION.morningClose;

/** `HHMM` -> ms since midnight. */
export function hhmmToMs(hhmm: number): number {
  return (Math.floor(hhmm / 100) * 60 + (hhmm % 100)) * MINUTE;
}

const FILTER_NAN = 'NaN outside the window; x as is inside';

export const TIME_OPS: readonly OpSpec[] = [
  {
    name: 'first_minutes',
    family: 'time',
    args: [seriesArg('x'), minutesArg('m')],
    result: 'series',
    window: 'm trading minutes, 1..240',
    nan: FILTER_NAN,
    doc: 'x on bars up to m trading minutes after the open (opening auction included)',
    example: 'share(first_minutes(volume, 30), volume)',
    impl: {
      kind: 'time',
      expr: (c) => `(${c.t} <= ${c.num(tradingMinuteClock(c.p[0]!))} ? ${c.a[0]} : NaN)`,
    },
  },
  {
    name: 'last_minutes',
    family: 'time',
    args: [seriesArg('x'), minutesArg('m')],
    result: 'series',
    window: 'm trading minutes, 1..240',
    nan: FILTER_NAN,
    doc: 'x on bars in the last m trading minutes (closing auction included)',
    example: 'share(last_minutes(volume, 30), volume)',
    impl: {
      kind: 'time',
      expr: (c) => `(${c.t} > ${c.num(tradingMinuteClock(240 - c.p[0]!))} ? ${c.a[0]} : NaN)`,
    },
  },
  {
    name: 'between',
    family: 'time',
    args: [seriesArg('x'), clockArg('from'), clockArg('to')],
    result: 'series',
    window: 'clock times HHMM, from < to',
    nan: FILTER_NAN,
    doc: 'x on bars whose time is in (from, to], clock times as HHMM (e.g. 1300, 1400)',
    example: 'share(between(volume, 1300, 1400), volume)',
    checkArgs: (p) => (p[0]! < p[1]! ? undefined : `between needs from < to, got ${p[0]} >= ${p[1]}`),
    impl: {
      kind: 'time',
      expr: (c) =>
        `(${c.t} > ${c.num(hhmmToMs(c.p[0]!))} && ${c.t} <= ${c.num(hhmmToMs(c.p[1]!))} ? ${c.a[0]} : NaN)`,
    },
  },
  {
    name: 'morning',
    family: 'time',
    args: [seriesArg('x')],
    result: 'series',
    window: 'up to 11:30',
    nan: FILTER_NAN,
    doc: 'x on morning bars (time <= 11:30)',
    example: 'sum(log_return(morning(close), 1))',
    impl: { kind: 'time', expr: (c) => `(${c.t} <= ${c.num(MORNING_CLOSE)} ? ${c.a[0]} : NaN)` },
  },
  {
    name: 'afternoon',
    family: 'time',
    args: [seriesArg('x')],
    result: 'series',
    window: 'after 11:30',
    nan: FILTER_NAN,
    doc: 'x on afternoon bars (time > 11:30)',
    example: 'share(afternoon(volume), volume)',
    impl: { kind: 'time', expr: (c) => `(${c.t} > ${c.num(MORNING_CLOSE)} ? ${c.a[0]} : NaN)` },
  },
];
