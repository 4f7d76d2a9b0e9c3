import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { screenshot } from '../../../../test-support/chromium.js';
import { type DecodedPng, decodePng, pixelStats } from '../../../../test-support/png.js';

/** What a screenshot of a rendered page shows (see {@link shootPage}). */
export interface PageShot {
  /** Whether Chromium wrote the PNG. */
  exists: boolean;
  img: DecodedPng;
  stats: ReturnType<typeof pixelStats>;
  /** Pixels within L1 distance 40 of the charts' blue #1f77b4 (31, 119, 180). */
  blue: number;
}

/**
 * Renders `htmlPath` in headless Chromium at 1200 x 3000 CSS pixels into `pngPath` and reads the
 * image back, for the report tests' "does it look drawn" checks ({@link expectDrawn}).
 */
export async function shootPage(chromium: string, htmlPath: string, pngPath: string): Promise<PageShot> {
  await screenshot(chromium, htmlPath, pngPath, 1200, 3000);
  const exists = existsSync(pngPath);
  const img = decodePng(readFileSync(pngPath));
  let blue = 0;
  for (let i = 0; i < img.width * img.height; i++) {
    const o = i * img.channels;
    const d =
      Math.abs(img.pixels[o]! - 31) + Math.abs(img.pixels[o + 1]! - 119) + Math.abs(img.pixels[o + 2]! - 180);
    if (d < 40) blue++;
  }
  return { exists, img, stats: pixelStats(img), blue };
}

/**
 * Asserts that the screenshot exists and shows a drawn page: over 3% non-white pixels, luminance
 * variance over 100, over 100 distinct colours, and more than `minBlue` pixels of the charts' blue.
 */
export function expectDrawn(shot: PageShot, minBlue: number): void {
  expect(shot.exists).toBe(true);
  expect(shot.stats.nonWhiteShare).toBeGreaterThan(0.03);
  expect(shot.stats.lumaVariance).toBeGreaterThan(100);
  expect(shot.stats.distinctColors).toBeGreaterThan(100);
  expect(shot.blue).toBeGreaterThan(minBlue);
}
