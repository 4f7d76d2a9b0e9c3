import { timeOfDay } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { MINUTE_BAR_END_TIMES, minuteIndexOf } from './session.js';

describe('A-share session', () => {
  it('has 240 bar end times 09:31..11:30, 13:01..15:00', () => {
    expect(MINUTE_BAR_END_TIMES.length).toBe(240);
    expect(MINUTE_BAR_END_TIMES[0]).toBe(timeOfDay(9, 31));
    expect(MINUTE_BAR_END_TIMES[119]).toBe(timeOfDay(11, 30));
    expect(MINUTE_BAR_END_TIMES[120]).toBe(timeOfDay(13, 1));
    expect(MINUTE_BAR_END_TIMES[239]).toBe(timeOfDay(15, 0));
  });
  it('assigns times to bars by [E - 60 s, E) with the auction and session-end edges', () => {
    expect(minuteIndexOf(timeOfDay(9, 14, 59))).toBe(-1);
    expect(minuteIndexOf(timeOfDay(9, 25))).toBe(0); // opening auction print
    expect(minuteIndexOf(timeOfDay(9, 30))).toBe(0);
    expect(minuteIndexOf(timeOfDay(9, 30, 59, 999))).toBe(0);
    expect(minuteIndexOf(timeOfDay(9, 31))).toBe(1);
    expect(minuteIndexOf(timeOfDay(11, 29, 59))).toBe(119);
    expect(minuteIndexOf(timeOfDay(11, 30))).toBe(119);
    expect(minuteIndexOf(timeOfDay(12, 0))).toBe(119);
    expect(minuteIndexOf(timeOfDay(13, 0))).toBe(120);
    expect(minuteIndexOf(timeOfDay(14, 59, 57))).toBe(239);
    expect(minuteIndexOf(timeOfDay(15, 0))).toBe(239); // closing auction print
    expect(minuteIndexOf(timeOfDay(15, 1))).toBe(-1);
    for (let i = 0; i < 240; i++) expect(minuteIndexOf(MINUTE_BAR_END_TIMES[i]! - 1)).toBe(i);
  });
});
