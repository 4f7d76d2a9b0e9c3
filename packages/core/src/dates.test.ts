import { describe, expect, it } from 'vitest';
import { addCalendarDays, formatYmd, isYmd, parseYmd, weekdays, ymdToEpochDay, ymdWeekday } from './dates.js';
import { formatTimeOfDay, parseTimeOfDay, timeOfDay } from './time.js';

describe('dates', () => {
  it('knows real days, leap years included', () => {
    expect(isYmd(20240229)).toBe(true);
    expect(isYmd(20250229)).toBe(false);
    expect(isYmd(21000229)).toBe(false);
    expect(isYmd(20000229)).toBe(true);
    expect(isYmd(20251301)).toBe(false);
  });
  it('converts to epoch days and weekdays', () => {
    expect(ymdToEpochDay(19700101)).toBe(0);
    expect(ymdWeekday(20250228)).toBe(5); // a Friday
    expect(addCalendarDays(20241231, 1)).toBe(20250101);
    expect(addCalendarDays(20250301, -1)).toBe(20250228);
  });
  it('parses and formats', () => {
    expect(parseYmd('2025-02-28')).toBe(20250228);
    expect(parseYmd('20250228')).toBe(20250228);
    expect(parseYmd('2025/02/28')).toBe(20250228);
    expect(parseYmd('2021.12.01')).toBe(20211201);
    expect(() => parseYmd('2025-02/28')).toThrowError(/cannot read/); // mixed separators
    expect(() => parseYmd('2025-02-30')).toThrowError(/real day/);
    expect(() => parseYmd('yesterday')).toThrowError(/cannot read/);
    expect(formatYmd(20250228)).toBe('2025-02-28');
  });
  it('lists weekdays minus holidays', () => {
    expect([...weekdays(20250103, 20250108, [20250106])]).toEqual([20250103, 20250107, 20250108]);
  });
});

describe('time of day', () => {
  it('round-trips ms since midnight', () => {
    expect(timeOfDay(15)).toBe(54_000_000);
    expect(formatTimeOfDay(timeOfDay(9, 31))).toBe('09:31:00');
    expect(parseTimeOfDay('09:25:03.120')).toBe(timeOfDay(9, 25, 3, 120));
    expect(parseTimeOfDay('93103000')).toBe(timeOfDay(9, 31, 3));
    expect(parseTimeOfDay(145700)).toBe(timeOfDay(14, 57));
    expect(() => parseTimeOfDay('25:00')).toThrowError(/time of day/);
  });
});
