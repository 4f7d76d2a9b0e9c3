/**
 * Runs a page in headless Chromium (found by `../chromium.ts`) from a local HTTP server on
 * 127.0.0.1 and waits for the page to POST its result to `/result`. Pages served over http (not
 * file://) may fetch their own files, wasm binaries included.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/**
 * Serves `dir`, opens `index.html` in Chromium and resolves with the body of the page's
 * `POST /result` (parsed JSON). Rejects after `timeoutMs`, or when Chromium exits first.
 */
export async function runPage(chromium: string, dir: string, timeoutMs = 90_000): Promise<unknown> {
  let report: (body: string) => void = () => {};
  const posted = new Promise<string>((resolve) => {
    report = resolve;
  });
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/result') {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => {
        res.end('ok');
        report(body);
      });
      return;
    }
    const path = normalize(join(dir, decodeURIComponent((req.url ?? '/').split('?')[0]!)));
    if (!path.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const data = readFileSync(path.endsWith('/') ? join(path, 'index.html') : path);
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(data);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const profile = mkdtempSync(join(tmpdir(), 'hfq-chromium-'));
  // Its own process group, so that the browser's helper processes (which keep writing the
  // profile after the main process exits) are killed with it before the profile is removed.
  const child = spawn(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      `--user-data-dir=${profile}`,
      `http://127.0.0.1:${port}/index.html`,
    ],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  };
  const timer = setTimeout(killGroup, timeoutMs);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const exit = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => resolve(String(code ?? signal))),
  );
  try {
    const first = await Promise.race([posted.then((body) => ({ body })), exit.then((how) => ({ how }))]);
    if ('how' in first)
      throw new Error(`chromium exited (${first.how}) before the page reported:\n${stderr.slice(-2000)}`);
    return JSON.parse(first.body);
  } finally {
    clearTimeout(timer);
    killGroup();
    await exit;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // Chromium's helper processes may still be writing the profile when the browser exits:
    // retry on ENOTEMPTY/EBUSY rather than fail the test on its temp folder.
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}
