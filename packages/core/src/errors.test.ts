import { describe, expect, it } from 'vitest';
import { checkFinite, checkInteger, ensure, HfqError } from './errors.js';
import { ProgressReporter, throwIfAborted } from './progress.js';
import { formatDuration, formatProgressLine } from './progress-bar.js';

describe('HfqError', () => {
  it('carries a code and context and prints where', () => {
    const e = new HfqError('BARS_HIGH_BELOW_LOW', 'high < low', {
      field: 'high',
      asset: '600000.SH',
      date: 20250102,
      row: 17,
    });
    expect(e.code).toBe('BARS_HIGH_BELOW_LOW');
    expect(e.context.asset).toBe('600000.SH');
    expect(e.message).toBe(
      '[BARS_HIGH_BELOW_LOW] high < low (field=high, asset=600000.SH, date=20250102, row=17)',
    );
    expect(HfqError.is(e, 'BARS_HIGH_BELOW_LOW')).toBe(true);
    expect(HfqError.is(e, 'OTHER')).toBe(false);
    expect(HfqError.is(new Error('x'))).toBe(false);
    expect(Object.isFrozen(e.context)).toBe(true);
  });
  it('checks arguments', () => {
    expect(() => ensure(false, 'nope', { field: 'x' })).toThrowError('[INVALID_ARGUMENT] nope (field=x)');
    expect(checkInteger(3, 'n', 1, 5)).toBe(3);
    expect(() => checkInteger(6, 'n', 1, 5)).toThrowError(/n must be an integer/);
    expect(() => checkFinite(NaN, 'k')).toThrowError(/finite/);
  });
});

describe('progress', () => {
  it('reports throttled progress and the final count', () => {
    const events: number[] = [];
    const rep = new ProgressReporter({ onProgress: (e) => events.push(e.done) }, 'work', 1000, 'items', 1e9);
    for (let i = 0; i < 1000; i++) rep.tick();
    expect(events).toEqual([0, 1000]);
  });
  it('stops on abort with ABORTED', () => {
    const ctl = new AbortController();
    const rep = new ProgressReporter({ signal: ctl.signal }, 'work', 10);
    rep.tick();
    ctl.abort();
    expect(() => rep.tick()).toThrowError(/aborted/);
    try {
      throwIfAborted(ctl.signal, 'x');
    } catch (e) {
      expect(HfqError.is(e, 'ABORTED')).toBe(true);
    }
  });
  it('formats bars and durations', () => {
    expect(formatDuration(65_000)).toBe('1m05s');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatProgressLine({ stage: 's', done: 5, total: 10, unit: 'days' }, 10_000, 10)).toBe(
      's [#####-----] 5/10 days  50%  10.0s elapsed, ETA 10.0s',
    );
  });
});
