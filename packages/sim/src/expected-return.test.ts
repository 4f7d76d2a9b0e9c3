import { describe, expect, it } from 'vitest';
import { createMarket } from './market.js';

const ZERO_PREMIA = {
  reversalPremium: 0,
  liquidityPremium: 0,
  betaPremium: 0,
  valuePremium: 0,
  sizePremium: 0,
  momentumPremium: 0,
  volatilityPremium: 0,
};

describe('truth().expectedReturn1to6', () => {
  it('is the alpha carried 5 days forward when alpha is the only premium: alphaReturn * alpha * (phi + ... + phi^5)', () => {
    const phi = 0.9;
    const m = createMarket({
      nStocks: 8,
      nDays: 30,
      seed: 3,
      alphaPersistence: phi,
      alphaReturn: 0.002,
      ...ZERO_PREMIA,
    });
    const { alpha, expectedReturn, expectedReturn1to6 } = m.truth();
    const k = phi + phi ** 2 + phi ** 3 + phi ** 4 + phi ** 5;
    let checked = 0;
    for (let t = 0; t < alpha.nDates; t++) {
      for (let a = 0; a < alpha.nAssets; a++) {
        const x = alpha.get(t, a);
        if (Number.isNaN(x)) {
          expect(Number.isNaN(expectedReturn1to6.get(t, a))).toBe(true);
          continue;
        }
        expect(expectedReturn.get(t, a)).toBeCloseTo(0.002 * x, 15);
        expect(expectedReturn1to6.get(t, a)).toBeCloseTo(0.002 * k * x, 14);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('adds a constant style premium once per day of the 5, as the other styles are held at T', () => {
    const base = { nStocks: 6, nDays: 25, seed: 4, ...ZERO_PREMIA };
    const m = createMarket({ ...base, betaPremium: 0.001 });
    const { alpha, expectedReturn, expectedReturn1to6 } = m.truth();
    const phi = m.config.alphaPersistence;
    const k = phi + phi ** 2 + phi ** 3 + phi ** 4 + phi ** 5;
    for (let a = 0; a < alpha.nAssets; a++) {
      const t = 20;
      if (Number.isNaN(alpha.get(t, a))) continue;
      const style = expectedReturn.get(t, a) - m.config.alphaReturn * alpha.get(t, a);
      expect(expectedReturn1to6.get(t, a)).toBeCloseTo(
        m.config.alphaReturn * k * alpha.get(t, a) + 5 * style,
        14,
      );
    }
  });
});
