import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSimMarket } from './sim-export.js';
import { type CliCapture, captureCli, factorsArgs } from './test-utils/capture-cli.js';

const BIN = fileURLToPath(new URL('../bin/hfq.js', import.meta.url));

/** Runs `hfq` as a child process, like `npx hfq` does (the bin re-runs the sources under tsx). */
function hfq(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Runs the same CLI in this process (fast; the child-process runs above cover the bin itself). */
const hfqHere = (...args: string[]): Promise<CliCapture> => captureCli(args);

let root: string;
let ds: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hfq-cli-'));
  ds = join(root, 'ds');
  await exportSimMarket(ds, { config: { nStocks: 3, nDays: 4, seed: 4 }, ticks: false });
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('hfq help and usage', () => {
  it('--help for the command and every verb exits 0; a usage error exits 2', async () => {
    const main = hfq('--help');
    expect(main.code).toBe(0);
    expect(main.out).toMatch(/sim export <dir>/);
    expect(hfq('factors', '--help').out).toMatch(/^Usage: hfq factors/);
    for (const v of [['sim', 'export'], ['data', 'import'], ['data', 'check'], ['factors']]) {
      const r = await hfqHere(...v, '--help');
      expect(r.code, v.join(' ')).toBe(0);
      expect(r.out).toMatch(new RegExp(`^Usage: hfq ${v.join(' ')}`));
    }
    const bad = hfq('sim', 'export', join(root, 'x'), '--stocks', 'many');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--stocks must be a positive integer/);
    expect((await hfqHere('frobnicate')).code).toBe(2);
    expect((await hfqHere()).code).toBe(2);
    expect((await hfqHere('data', 'check')).code).toBe(2);
  }, 60_000);
});

describe('hfq sim export and data check', () => {
  it('exports a tiny market that checks clean (plain progress lines off a TTY)', async () => {
    const dir = join(root, 'cli-export');
    const r = hfq('sim', 'export', dir, '--stocks', '2', '--days', '2', '--seed', '3', '--no-ticks');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/2 days .* 2 assets, 2 minute and 0 tick partitions/);
    expect(r.err).toMatch(/^export \[#+\] 2\/2 days 100%/m);
    expect(r.err).not.toMatch(/\r/);
    const c = await hfqHere('data', 'check', dir);
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/: ok$/m);
  }, 60_000);

  it('a truncated, a mis-typed and a missing partition: exit 1, each named by file (and row and field)', async () => {
    const bad = join(root, 'bad');
    cpSync(ds, bad, { recursive: true });
    const m = JSON.parse(readFileSync(join(bad, 'dataset.json'), 'utf8'));
    const [p0, p1, p2] = m.minute.map((p: { files: string[] }) => join(bad, p.files[0]!));
    truncateSync(p0, Math.floor(statSync(p0).size / 2));
    writeFileSync(
      p1,
      Buffer.from(
        parquetWriteBuffer({
          columnData: [
            { name: 'asset', data: ['600000.SH'], type: 'STRING' },
            { name: 'date', data: [m.minute[1].date], type: 'INT32' },
            { name: 'time', data: [34260000], type: 'INT32' },
            ...['open', 'high', 'low'].map((name) => ({ name, data: [10], type: 'DOUBLE' as const })),
            { name: 'close', data: ['ten yuan'], type: 'STRING' },
            ...['volume', 'amount', 'trades'].map((name) => ({ name, data: [100], type: 'DOUBLE' as const })),
          ],
        }),
      ),
    );
    rmSync(p2);
    const r = hfq('data', 'check', bad);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines.find((l) => l.includes(p0))).toMatch(/BARS_FILE_FORMAT/);
    expect(lines.find((l) => l.includes(p1))).toMatch(/row 0, field close: .*BARS_/);
    expect(lines.find((l) => l.includes(p2))).toMatch(/DATASET_MISSING_PARTITION/);
    expect(r.out).toMatch(/3 problem\(s\)/);
    expect((await hfqHere('data', 'check', join(root, 'nowhere'))).code).toBe(1);
  }, 60_000);
});

describe('hfq factors', () => {
  it('writes date=YYYYMMDD/part-<i> per shard, a re-run is a no-op, --verify names missing dates', async () => {
    const out = join(root, 'f');
    const dates: number[] = JSON.parse(readFileSync(join(ds, 'dataset.json'), 'utf8')).calendar;
    const s0 = hfq(...factorsArgs(ds, 'minute', out), '--format', 'csv', '--shard', '0/2');
    expect(s0.code, s0.err).toBe(0);
    expect(s0.out).toMatch(/2 dates written, 0 already there/);
    const first = join(out, `date=${dates[0]}`, 'part-0.csv');
    const mtime = statSync(first).mtimeMs;
    const v1 = hfq('factors', '--verify', out);
    expect(v1.code).toBe(1);
    expect(v1.out).toContain(`missing dates (2): ${dates[2]} ${dates[3]}`);
    const again = await hfqHere(...factorsArgs(ds, 'minute', out), '--format', 'csv', '--shard', '0/2');
    expect(again.out).toMatch(/0 dates written, 2 already there/);
    expect(statSync(first).mtimeMs).toBe(mtime);
    expect((await hfqHere(...factorsArgs(ds, 'minute', out), '--format', 'csv', '--shard', '1/2')).code).toBe(
      0,
    );
    expect((await hfqHere('factors', '--verify', out)).code).toBe(0);
    const csv = readFileSync(first, 'utf8').split('\n');
    expect(csv[0]).toMatch(/^date,asset,min_/);
    expect(csv.filter((l) => l !== '').length).toBe(4); // header + 3 assets
    expect(readdirSync(join(out, `date=${dates[3]}`))).toEqual(['part-1.csv']);
    expect((await hfqHere(...factorsArgs(ds, 'nosuchset', join(root, 'g')))).code).toBe(2);
    expect((await hfqHere(...factorsArgs(ds, 'minute', out), '--shard', '2/2')).code).toBe(2);
    expect(existsSync(join(root, 'g'))).toBe(false);
    // tick factors on a dataset exported without ticks: refused, not all-NaN files
    const noTicks = await hfqHere(...factorsArgs(ds, 'tick', join(root, 'h')));
    expect(noTicks.code).toBe(2);
    expect(noTicks.err).toMatch(/tick factors need tick partitions/);
  }, 60_000);
});
