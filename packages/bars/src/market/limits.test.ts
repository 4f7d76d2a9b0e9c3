import { describe, expect, it } from 'vitest';
import { boardOf, limitPriceCents, limitPrices, priceLimitPct, roundToTick } from './limits.js';
import { isMinuteBarEndInSession, SESSION, tradingMinuteClock } from './session.js';

describe('A-share price rules', () => {
  it('maps codes to boards and rejects non-A-share ids', () => {
    expect(boardOf('600519.SH')).toBe('main');
    expect(boardOf('002594.SZ')).toBe('main');
    expect(boardOf('300750.SZ')).toBe('chinext');
    expect(boardOf('688981.SH')).toBe('star');
    expect(boardOf('830799.BJ')).toBe('bse');
    expect(() => boardOf('AAPL')).toThrow(expect.objectContaining({ code: 'BARS_INVALID_OPTION' }));
  });
  it('applies the rule changes by date (ChiNext 2020-08-24, main-board ST 2025-07-07)', () => {
    expect(priceLimitPct('main', 20240102)).toBe(10);
    expect(priceLimitPct('main', 20240102, true)).toBe(5);
    expect(priceLimitPct('main', 20250707, true)).toBe(10);
    expect(priceLimitPct('chinext', 20200821)).toBe(10);
    expect(priceLimitPct('chinext', 20200821, true)).toBe(5);
    expect(priceLimitPct('chinext', 20200824)).toBe(20);
    expect(priceLimitPct('chinext', 20200824, true)).toBe(20);
    expect(priceLimitPct('star', 20190722, true)).toBe(20);
    expect(priceLimitPct('bse', 20211115)).toBe(30);
  });
  it('rounds limit prices half up to the cent, exactly', () => {
    // 10.05 x 1.1 = 11.055 -> 11.06 (float arithmetic gives 11.054999...)
    expect(limitPriceCents(1005, 10)).toBe(1106);
    expect(limitPriceCents(1005, -10)).toBe(905); // 9.045 -> 9.05
    expect(limitPriceCents(1, -30)).toBe(1); // never below one cent
    expect(limitPrices(10.05, 10)).toEqual({ up: 11.06, down: 9.05 });
    expect(limitPrices(Number.NaN, 10)).toEqual({ up: Number.NaN, down: Number.NaN });
    expect(roundToTick(12.345678)).toBe(12.35);
  });
  it('knows the session: bar end labels and trading-minute clocks', () => {
    expect(isMinuteBarEndInSession(SESSION.morningOpen + 60_000)).toBe(true);
    expect(isMinuteBarEndInSession(SESSION.morningClose)).toBe(true);
    expect(isMinuteBarEndInSession(SESSION.morningClose + 60_000)).toBe(false); // lunch
    expect(isMinuteBarEndInSession(SESSION.afternoonOpen)).toBe(false);
    expect(isMinuteBarEndInSession(SESSION.close)).toBe(true);
    expect(isMinuteBarEndInSession(SESSION.close + 60_000)).toBe(false);
    expect(isMinuteBarEndInSession(93_100)).toBe(false); // HHMMSS integer read as ms
    expect(tradingMinuteClock(0)).toBe(SESSION.morningOpen);
    expect(tradingMinuteClock(120)).toBe(SESSION.morningClose);
    expect(tradingMinuteClock(121)).toBe(SESSION.afternoonOpen + 60_000);
    expect(tradingMinuteClock(240)).toBe(SESSION.close);
  });
});
