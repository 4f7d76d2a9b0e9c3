import { describe, expect, it } from 'vitest';
import { Calendar } from './calendar.js';
import { weekdays } from './dates.js';
import { HfqError } from './errors.js';

// 2025-01-27..2025-02-07 with the Spring Festival closure (Jan 28 - Feb 4) removed.
const days = [20250127, 20250205, 20250206, 20250207, 20250210, 20250211];
const cal = new Calendar(days);

describe('Calendar', () => {
  it('indexes trading days and rejects non-trading days', () => {
    expect(cal.length).toBe(6);
    expect(cal.index(20250205)).toBe(1);
    expect(cal.indexOf(20250128)).toBe(-1);
    expect(() => cal.index(20250128)).toThrowError(HfqError);
    expect(cal.has(20250211)).toBe(true);
  });

  it('offsets by trading days across holidays and weekends', () => {
    expect(cal.offset(20250127, 1)).toBe(20250205); // across the holiday
    expect(cal.offset(20250207, 1)).toBe(20250210); // across a weekend
    expect(cal.offset(20250211, -5)).toBe(20250127);
    expect(cal.offset(20250206, 0)).toBe(20250206);
  });

  it('refuses offsets that leave the calendar with OUT_OF_RANGE', () => {
    try {
      cal.offset(20250210, 2);
      expect.unreachable();
    } catch (e) {
      expect(HfqError.is(e, 'OUT_OF_RANGE')).toBe(true);
    }
    expect(() => cal.offset(20250127, -1)).toThrowError(/leaves the calendar/);
    expect(() => cal.offset(20250127, 1.5)).toThrowError(/integer/);
  });

  it('finds floor and ceiling days for non-trading dates', () => {
    expect(cal.floorIndex(20250201)).toBe(0);
    expect(cal.ceilIndex(20250201)).toBe(1);
    expect(cal.floorIndex(20250101)).toBe(-1);
    expect(cal.ceilIndex(20250301)).toBe(-1);
    expect(cal.floorIndex(20250205)).toBe(1);
  });

  it('ranges inclusively, as views', () => {
    expect([...cal.range(20250128, 20250207)]).toEqual([20250205, 20250206, 20250207]);
    expect([...cal.range(20250206, 20250206)]).toEqual([20250206]);
    expect(cal.range(20250301, 20250401).length).toBe(0);
    expect(cal.rangeIndices(20250128, 20250204)).toEqual([1, 1]);
  });

  it('samples every k-th day and finds period ends', () => {
    expect([...cal.every(2)]).toEqual([0, 2, 4]);
    expect([...cal.every(5, 1)]).toEqual([1]);
    const c = new Calendar(weekdays(20241223, 20250110));
    expect([...c.monthEndIndices()].map((i) => c.at(i))).toEqual([20241231, 20250110]);
    expect([...c.weekEndIndices()].map((i) => c.at(i))).toEqual([20241227, 20250103, 20250110]);
    expect([...c.yearEndIndices()].map((i) => c.at(i))).toEqual([20241231, 20250110]);
  });

  it('validates its input', () => {
    expect(() => new Calendar([20250102, 20250102])).toThrowError(/strictly increasing/);
    expect(() => new Calendar([20250103, 20250102])).toThrowError(HfqError);
    expect(() => new Calendar([20250230])).toThrowError(/real day/);
    expect(() => new Calendar([20250102.5])).toThrowError(/real day/);
  });
});
