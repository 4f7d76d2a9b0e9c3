import { describe, expect, it } from 'vitest';
import { Calendar } from './calendar.js';
import type { HfqError } from './errors.js';
import { parseRebalanceRule, rebalanceDates, rebalanceIndices } from './rebalance.js';
import { codeOf } from './test-utils/error-code.js';

// Mon 2024-01-01 is a holiday here; Fri 2024-01-12 too.
const days = [
  20240102, 20240103, 20240104, 20240105, 20240108, 20240109, 20240110, 20240111, 20240115, 20240131,
  20240201,
];

describe('rebalance rules', () => {
  it("'weekly' is the last trading day of each calendar week, not every 5th day", () => {
    expect(Array.from(rebalanceDates(days, 'weekly'))).toEqual([20240105, 20240111, 20240115, 20240201]);
    expect(Array.from(rebalanceDates(days, { every: 5 }))).toEqual([20240102, 20240109, 20240201]);
  });

  it("'daily', 'monthly', every-N with offset, explicit dates; a Calendar works like a date list", () => {
    expect(rebalanceIndices(days, 'daily').length).toBe(days.length);
    expect(Array.from(rebalanceDates(new Calendar(days), 'monthly'))).toEqual([20240131, 20240201]);
    expect(Array.from(rebalanceIndices(days, { every: 4, offset: 1 }))).toEqual([1, 5, 9]);
    expect(Array.from(rebalanceIndices(days, { every: 4, offset: 99 }))).toEqual([]);
    expect(Array.from(rebalanceIndices(days, [20240104, 20240131]))).toEqual([2, 9]);
  });

  it('one set of error codes for every malformed rule', () => {
    expect(codeOf(() => parseRebalanceRule('fortnightly' as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseRebalanceRule({ every: 0 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseRebalanceRule({ every: 2.5 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseRebalanceRule({ every: 5, offset: -1 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseRebalanceRule([20240105, 20240104]))).toBe('NOT_SORTED');
    expect(codeOf(() => rebalanceIndices(days, [20240106]))).toBe('NOT_FOUND');
    try {
      parseRebalanceRule({ every: 0 }, 'schedule');
    } catch (e) {
      expect((e as HfqError).context.field).toBe('schedule.every');
    }
  });
});
