import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '@hfq/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchInt64, recordBatchLayouts } from '../test-utils/arrow-bytes.js';
import { makeMinuteDay } from '../test-utils/frames.js';
import type { FuzzCase } from '../test-utils/fuzz-probe.js';
import { writeMinuteBarsArrow } from './arrow.js';
import { writeMinuteBarsParquet } from './parquet.js';

/**
 * Reader fuzzing: claimed lengths (Arrow batches, Parquet row groups and pages), time units and
 * encodings. Every input must end in a typed `HfqError` or in the right data, within 2 s, in a
 * process capped at 512 MB (the cases run in one child process so an abort cannot take the test
 * runner down). Seeds are fixed; inputs are small.
 */

const dir = mkdtempSync(join(tmpdir(), 'hfq-bars-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const probe = fileURLToPath(new URL('../test-utils/fuzz-probe.ts', import.meta.url));
const day = makeMinuteDay('600000.SH', 20240102, 9, 40);

interface Outcome {
  name: string;
  ms: number;
  rows?: number;
  sum?: number | string;
  assets?: string[];
  code?: string;
  crash?: string;
}
/** What an accepted input must have read; undefined: any data (the bytes changed values). */
const expected = new Map<string, { rows: number; sum: number | string; assets?: string[] } | undefined>();
/** Cases that must be read (valid inputs, units declared right). */
const mustRead = new Set<string>();
const cases: FuzzCase[] = [];
const add = (
  c: FuzzCase,
  bytes: Uint8Array | string,
  want?: { rows: number; sum: number | string; assets?: string[] },
) => {
  writeFileSync(c.path, bytes);
  cases.push(c);
  expected.set(c.name, want);
};
let outcomes: Outcome[] = [];
let maxRss = 0;

const HEAD = 'asset,date,time,open,high,low,close,volume,amount,trades';
const csvOf = (times: string[], asset = '600000.SH') =>
  `${HEAD}\n${times.map((t, i) => `${asset},20240102,${t},10,10.1,9.9,10.0${i},1000,10000,5`).join('\n')}\n`;
const SUM3 = [34_260_000, 34_320_000, 34_380_000].reduce((s, t, i) => s + t + (10 + i / 100) * 7 + 1000, 0);

/** Zigzag varint of a Thrift compact integer. */
function varint(n: bigint): number[] {
  let z = n >= 0n ? n << 1n : (-n << 1n) - 1n;
  const out: number[] = [];
  do {
    const b = Number(z & 0x7fn);
    z >>= 7n;
    out.push(z > 0n ? b | 0x80 : b);
  } while (z > 0n);
  return out;
}

beforeAll(async () => {
  const rng = new Rng(20240102, 'bars-fuzz');
  const claims = [-1n, 0n, 1n, 39n, 41n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 62n];

  // Arrow: every claimed count and buffer extent of the batch, file and stream formats
  for (const format of ['file', 'stream'] as const) {
    const path = join(dir, `valid.${format}.arrow`);
    await writeMinuteBarsArrow(path, [day], { format });
    const bytes = new Uint8Array(readFileSync(path));
    const [b] = recordBatchLayouts(bytes);
    const fields = [
      ['length', b!.length],
      ['bodyLength', b!.bodyLength],
      ...b!.nodes.flatMap((o, i) => [
        [`node${i}.length`, o],
        [`node${i}.nulls`, o + 8],
      ]),
      ...b!.buffers.flatMap((o, i) => [
        [`buffer${i}.offset`, o],
        [`buffer${i}.length`, o + 8],
      ]),
    ] as [string, number][];
    let original: { rows: number; sum: number | string } | undefined;
    for (const [field, at] of fields) {
      for (const v of claims) {
        if (field.startsWith('node') || field.endsWith('.length')) {
          if (rng.uniform() > 0.25) continue; // a sample of the node and buffer-length fields
        }
        const name = `arrow ${format} ${field} = ${v}`;
        add(
          { name, reader: 'arrow', path: join(dir, `${name.replaceAll(' ', '_')}.arrow`) },
          patchInt64(bytes, [at], v),
          original,
        );
      }
    }
    for (const [i, o] of b!.buffers.entries()) {
      const at0 = new DataView(bytes.buffer).getBigInt64(o, true);
      for (const d of [-8n, 8n, 16n]) {
        const name = `arrow ${format} buffer${i}.offset moved ${d}`;
        add(
          { name, reader: 'arrow', path: join(dir, `${name.replaceAll(' ', '_')}.arrow`) },
          patchInt64(bytes, [o], at0 + d),
          original,
        );
      }
    }
    add({ name: `arrow ${format} valid`, reader: 'arrow', path }, bytes, original);
    for (let k = 0; k < 25; k++) {
      const flipped = Uint8Array.from(bytes);
      flipped[rng.int(flipped.length)] ^= 1 << rng.int(8);
      add(
        {
          name: `arrow ${format} bit flip ${k}`,
          reader: 'arrow',
          path: join(dir, `flip-${format}-${k}.arrow`),
        },
        flipped,
      );
    }
  }

  // Parquet: the Thrift varints that hold the row count (file and row group num_rows, column
  // num_values: field type i64 = 0x16; page num_values: i32 = 0x15), replaced by other counts
  const pq = join(dir, 'valid.parquet');
  await writeMinuteBarsParquet(pq, [day], { codec: 'UNCOMPRESSED' });
  const pbytes = new Uint8Array(readFileSync(pq));
  const footerLen = new DataView(pbytes.buffer).getUint32(pbytes.length - 8, true);
  const footerStart = pbytes.length - 8 - footerLen;
  const hits: number[] = [];
  for (let i = 0; i + 1 < pbytes.length - 8; i++) {
    if ((pbytes[i] === 0x16 || pbytes[i] === 0x15) && pbytes[i + 1] === varint(40n)[0]) hits.push(i);
  }
  expect(hits.length).toBeGreaterThan(10);
  for (const at of hits) {
    for (const v of claims) {
      if (rng.uniform() > 0.3) continue;
      const rep = varint(v);
      const spliced = new Uint8Array(pbytes.length - 1 + rep.length);
      spliced.set(pbytes.subarray(0, at + 1));
      spliced.set(rep, at + 1);
      spliced.set(pbytes.subarray(at + 2), at + 1 + rep.length);
      if (at >= footerStart) {
        new DataView(spliced.buffer).setUint32(spliced.length - 8, footerLen - 1 + rep.length, true);
      }
      const name = `parquet varint at ${at}${at >= footerStart ? ' (footer)' : ' (page)'} = ${v}`;
      add({ name, reader: 'parquet', path: join(dir, `pq-${at}-${v}.parquet`) }, spliced, undefined);
      // accepted -> must be the original data (checked below against the valid file's outcome)
      expected.set(name, { rows: -1, sum: 'same-as-valid' });
    }
  }
  add({ name: 'parquet valid', reader: 'parquet', path: pq }, pbytes, undefined);
  for (let k = 0; k < 25; k++) {
    const flipped = Uint8Array.from(pbytes);
    flipped[footerStart + rng.int(footerLen)] ^= 1 << rng.int(8);
    add(
      { name: `parquet footer bit flip ${k}`, reader: 'parquet', path: join(dir, `pflip-${k}.parquet`) },
      flipped,
    );
  }

  // time units: HH:MM:SS text, HHMMSS numbers, seconds, ms, dates in the time column
  const want3 = { rows: 3, sum: SUM3 };
  const unit = (name: string, times: string[], tn: FuzzCase['timeNumbers'], ok: boolean) => {
    if (ok) mustRead.add(`time ${name}`);
    add(
      { name: `time ${name}`, reader: 'csv', path: join(dir, `time-${name}.csv`), timeNumbers: tn },
      csvOf(times),
      ok ? want3 : undefined,
    );
  };
  unit('hh:mm:ss', ['09:31:00', '09:32:00', '09:33:00'], undefined, true);
  unit('hhmmss as hhmmss', ['93100', '93200', '93300'], 'hhmmss', true);
  unit('hhmmss text by form', ['93100', '93200', '93300'], undefined, true);
  unit('hhmmss read as ms', ['93100', '93200', '93300'], 'ms', false);
  unit('hhmmss read as seconds', ['93100', '93200', '93300'], 'seconds', false);
  unit('seconds as seconds', ['34260', '34320', '34380'], 'seconds', true);
  unit('seconds read as ms', ['34260', '34320', '34380'], 'ms', false);
  unit('seconds text by form', ['34260', '34320', '34380'], undefined, false);
  unit('ms as ms', ['34260000', '34320000', '34380000'], 'ms', true);
  unit('ms read as seconds', ['34260000', '34320000', '34380000'], 'seconds', false);
  unit('ms read as hhmmss', ['34260000', '34320000', '34380000'], 'hhmmss', false);
  unit('dates in the time column', ['20240102', '20240102', '20240102'], undefined, false);
  unit('dates read as hhmmss', ['20240102', '20240103', '20240104'], 'hhmmss', false);
  for (let k = 0; k < 20; k++) {
    const t = Array.from({ length: 3 }, () => String(rng.int(2) ? rng.int(240_000) : rng.int(86_400_000)));
    const tn = (['ms', 'hhmmss', 'seconds'] as const)[rng.int(3)];
    unit(`random ${k}`, t, tn, false);
  }

  // encodings: random bytes in the asset id (invalid UTF-8, NUL, U+FFFD, control characters)
  const pieces = [
    [0x00],
    [0xc0, 0x80],
    [0xed, 0xa0, 0x80],
    [0xef, 0xbf, 0xbd],
    [0xff],
    [0xc6, 0xd6],
    [0xef, 0xbb, 0xbf],
    [0x01],
    [0x7f],
    [0xe6, 0xb5, 0xa6],
    [0x36],
    [0x2e, 0x53, 0x48],
  ];
  for (let k = 0; k < 40; k++) {
    const raw = Buffer.from(
      Array.from({ length: 1 + rng.int(4) }, () => pieces[rng.int(pieces.length)]!).flat(),
    );
    const text = Buffer.concat([
      Buffer.from(`${HEAD}\n`),
      ...[0, 1, 2].map((i) =>
        Buffer.concat([raw, Buffer.from(`,20240102,09:3${i + 1}:00,10,10.1,9.9,10.0${i},1000,10000,5\n`)]),
      ),
    ]);
    const valid = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    let decoded: string | undefined;
    try {
      decoded = valid.decode(raw);
    } catch {
      decoded = undefined;
    }
    const clean =
      decoded !== undefined &&
      [...decoded].every((ch) => {
        const c = ch.charCodeAt(0);
        return c >= 0x20 && c !== 0x7f && c !== 0xfffd && c !== 0xfeff;
      });
    if (clean) mustRead.add(`encoding ${k} [${raw.toString('hex')}]`);
    add(
      { name: `encoding ${k} [${raw.toString('hex')}]`, reader: 'csv', path: join(dir, `enc-${k}.csv`) },
      text,
      clean ? { ...want3, assets: [decoded!] } : undefined,
    );
  }

  const list = join(dir, 'cases.json');
  writeFileSync(list, JSON.stringify(cases));
  const out = execFileSync(
    process.execPath,
    ['--max-old-space-size=512', '--conditions=source', '--import', 'tsx', probe, list],
    {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      timeout: 120_000,
      maxBuffer: 64 << 20,
    },
  );
  const lines = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Outcome & { maxRssBytes?: number });
  maxRss = lines.pop()!.maxRssBytes!;
  outcomes = lines;
}, 180_000);

describe('reader fuzzing: claimed lengths, time units, encodings', () => {
  it('ran every case, none crashed, each within 2 s, the process under 512 MB', () => {
    expect(outcomes.length).toBe(cases.length);
    expect(outcomes.filter((o) => o.crash !== undefined)).toEqual([]);
    expect(outcomes.filter((o) => o.ms > 2000).map((o) => o.name)).toEqual([]);
    expect(maxRss).toBeLessThan(512 * 2 ** 20);
    expect(outcomes.every((o) => o.code === undefined || o.code.startsWith('BARS_'))).toBe(true);
  });

  it('the valid inputs read the right data', () => {
    const by = new Map(outcomes.map((o) => [o.name, o]));
    for (const name of mustRead) expect(by.get(name), name).toMatchObject({ rows: 3 });
    for (const name of ['arrow file valid', 'arrow stream valid', 'parquet valid']) {
      expect(by.get(name)).toMatchObject({ rows: 40, assets: ['600000.SH'] });
    }
    expect(by.get('arrow file valid')!.sum).toBe(by.get('parquet valid')!.sum);
  });

  it('an accepted input is read exactly; otherwise it gets a typed error', () => {
    const ref = outcomes.find((o) => o.name === 'parquet valid')!;
    const wrong: string[] = [];
    let rejected = 0;
    for (const o of outcomes) {
      if (o.code !== undefined) {
        rejected++;
        continue;
      }
      let want = expected.get(o.name);
      if (o.name.startsWith('arrow') && !o.name.includes('flip')) want = { rows: 40, sum: ref.sum! };
      if (want?.sum === 'same-as-valid' || o.name === 'parquet valid') want = { rows: 40, sum: ref.sum! };
      if (want === undefined) {
        // bit flips may change values but never the row count; other unexpected cases must fail
        if (o.name.includes('flip')) {
          if (o.rows !== 40) wrong.push(`${o.name}: ${o.rows} rows`);
        } else if (!o.name.startsWith('time random')) wrong.push(`${o.name}: accepted`);
        continue;
      }
      if (o.rows !== want.rows || o.sum !== want.sum) wrong.push(`${o.name}: ${o.rows} rows, sum ${o.sum}`);
      if (want.assets && JSON.stringify(o.assets) !== JSON.stringify(want.assets))
        wrong.push(`${o.name}: ${o.assets}`);
    }
    expect(wrong).toEqual([]);
    expect(rejected).toBeGreaterThan(outcomes.length / 2);
  });
});
