import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';
import { spawnWorker } from './worker.js';

describe('spawnWorker', () => {
  it('runs a TypeScript worker from sources, workspace imports included', async () => {
    const w = spawnWorker(import.meta.url, './__fixtures__/echo-worker', { workerData: { x: 1 } });
    const msg = await new Promise<{ echo: unknown; draw: number }>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await w.terminate();
    expect(msg.echo).toEqual({ x: 1 });
    expect(msg.draw).toBe(new Rng(7).nextUint32());
  });
});

describe('spawnWorker from built JavaScript', () => {
  it('runs <name>.js beside a .js caller as is', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { pathToFileURL } = await import('node:url');
    const dir = mkdtempSync(join(tmpdir(), 'hfq-worker-'));
    try {
      writeFileSync(
        join(dir, 'plain.js'),
        "import { parentPort, workerData } from 'node:worker_threads'; parentPort.postMessage(workerData * 2);",
      );
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
      const caller = pathToFileURL(join(dir, 'caller.js')).href;
      const w = spawnWorker(caller, './plain', { workerData: 21 });
      const msg = await new Promise((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
      await w.terminate();
      expect(msg).toBe(42);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
