/**
 * Headless Chromium for tests: takes a screenshot of a local HTML file the way a person would
 * see it. Skips (the caller uses `it.runIf(chromiumPath)`) when no browser is installed.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CANDIDATES = [
  process.env.HFQ_CHROMIUM,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

/** Path of a Chromium binary, or undefined (with a visible warning) when none is installed. */
export function findChromium(): string | undefined {
  const found = CANDIDATES.find((p): p is string => p !== undefined && existsSync(p));
  if (!found)
    console.warn('[hfq tests] SKIPPING browser screenshot checks: no chromium found (set HFQ_CHROMIUM)');
  return found;
}

/** Screenshots `htmlPath` into `pngPath` at `width` x `height` CSS pixels. */
export function screenshot(
  chromium: string,
  htmlPath: string,
  pngPath: string,
  width = 1200,
  height = 3000,
  timeoutMs = 90_000,
): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'hfq-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    `--screenshot=${pngPath}`,
    `--window-size=${width},${height}`,
    pathToFileURL(htmlPath).href,
  ];
  return new Promise((resolve, reject) => {
    execFile(chromium, args, { timeout: timeoutMs }, (err, _stdout, stderr) => {
      // Chromium's helper processes may still be writing the profile when the browser exits:
      // retry on ENOTEMPTY/EBUSY rather than fail the test on its temp folder.
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      if (err) reject(new Error(`chromium failed: ${err.message}\n${stderr}`));
      else resolve();
    });
  });
}
