import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HfqError } from '@hfq/core';
import { afterAll, describe, expect, it } from 'vitest';
import { patchInt64, recordBatchLayouts } from '../test-utils/arrow-bytes.js';
import { makeMinuteDay } from '../test-utils/frames.js';
import type { MinuteBars } from '../types.js';
import { readMinuteBarsArrow, writeMinuteBarsArrow } from './arrow.js';
import { feedColumns } from './columnar.js';
import { collectFrames } from './csv.js';

/** Arrow record-batch lengths are checked against the bytes before apache-arrow allocates. */

const dir = mkdtempSync(join(tmpdir(), 'hfq-arrow-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// one batch of 40 rows: large enough that a count below what is stored is more than padding
const day = makeMinuteDay('600000.SH', 20240102, 3, 40);
const valid = async (format: 'file' | 'stream') => {
  const path = join(dir, `valid-${format}.arrow`);
  await writeMinuteBarsArrow(path, [day], { format });
  const { readFileSync } = await import('node:fs');
  return new Uint8Array(readFileSync(path));
};
let n = 0;
const readBytes = (bytes: Uint8Array) => {
  const path = join(dir, `patched-${n++}.arrow`);
  writeFileSync(path, bytes);
  return collectFrames(readMinuteBarsArrow(path)) as Promise<MinuteBars[]>;
};
const failure = async (bytes: Uint8Array): Promise<HfqError> => {
  const e = await readBytes(bytes).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(HfqError.is(e), `accepted or untyped: ${String(e)}`).toBe(true);
  return e as HfqError;
};

describe.each(['file', 'stream'] as const)('Arrow %s format: claimed lengths', (format) => {
  it('reads the unpatched file', async () => {
    const [f] = await readBytes(await valid(format));
    expect(Array.from(f!.close)).toEqual(Array.from(day.close));
  });

  it('rejects a batch length below what the columns hold (rows were dropped)', async () => {
    const bytes = await valid(format);
    const [b] = recordBatchLayouts(bytes);
    const e = await failure(patchInt64(bytes, [b!.length], 30n));
    expect(e.code).toBe('BARS_FILE_FORMAT');
    expect(e.context).toMatchObject({ batch: 0, field: 'asset', claimed: 30, stored: 40 });
    expect(e.message).toContain('record batch 0 claims 30 rows but column "asset" holds 40');
  });

  it('rejects a count below what is stored even when every node repeats it', async () => {
    const bytes = await valid(format);
    const [b] = recordBatchLayouts(bytes);
    const e = await failure(patchInt64(bytes, [b!.length, ...b!.nodes], 20n));
    expect(e.code).toBe('BARS_FILE_FORMAT');
    expect(e.message).toContain('rows would be dropped');
    expect(e.context).toMatchObject({ batch: 0, field: 'asset', claimed: 20, stored: 41 }); // 40 + padding
  });

  it('rejects -1 instead of reading an empty file', async () => {
    const bytes = await valid(format);
    const [b] = recordBatchLayouts(bytes);
    const e = await failure(patchInt64(bytes, [b!.length, ...b!.nodes], -1n));
    expect(e.code).toBe('BARS_FILE_FORMAT');
    expect(e.message).toContain('claims -1 rows; a batch holds 0 to 2147483647 rows');
  });

  it('rejects 2^31 rows before anything is allocated (this aborted V8 before)', async () => {
    const bytes = await valid(format);
    const [b] = recordBatchLayouts(bytes);
    const e = await failure(patchInt64(bytes, [b!.length, ...b!.nodes], 2n ** 31n));
    expect(e.code).toBe('BARS_FILE_FORMAT');
    expect(e.context).toMatchObject({ batch: 0, claimed: '2147483648', possible: 2 ** 31 - 1 });
  });

  it('rejects 2^31 - 1 rows that the buffers cannot hold, naming the column', async () => {
    const bytes = await valid(format);
    const [b] = recordBatchLayouts(bytes);
    const e = await failure(patchInt64(bytes, [b!.length, ...b!.nodes], 2n ** 31n - 1n));
    expect(e.code).toBe('BARS_FILE_FORMAT');
    expect(e.context).toMatchObject({ batch: 0, field: 'asset', claimed: 2 ** 31 - 1, possible: 41 });
  });

  it('rejects a buffer moved onto another column (its values passed validation before)', async () => {
    const bytes = await valid(format);
    const [b] = recordBatchLayouts(bytes);
    const last = b!.buffers.at(-1)!; // the trades values: reading amount's bytes gives valid counts
    const at = new DataView(bytes.buffer).getBigInt64(last, true);
    const e = await failure(patchInt64(bytes, [last], at - 8n));
    expect(e.code).toBe('BARS_FILE_FORMAT');
    expect(e.message).toContain('overlap');
    expect(e.context).toMatchObject({ batch: 0, field: 'trades' });
    const e2 = await failure(patchInt64(bytes, [last], at - 4n));
    expect(e2.message).toContain('8-byte boundary');
  });

  it('rejects a buffer that lies outside the message body, and a body longer than the file', async () => {
    const bytes = await valid(format);
    const [b] = recordBatchLayouts(bytes);
    const e = await failure(patchInt64(bytes, [b!.buffers.at(-1)! + 8], 1n << 40n));
    expect(e.code).toBe('BARS_FILE_FORMAT');
    expect(e.context).toMatchObject({ batch: 0, field: 'trades' });
    const e2 = await failure(patchInt64(bytes, [b!.bodyLength], 1n << 40n));
    expect(e2.code).toBe('BARS_FILE_FORMAT');
    expect(e2.context.source).toMatch(/patched-\d+\.arrow$/);
  });
});

describe('absurd row counts get their own message, not BARS_COLUMN_TYPE', () => {
  const sink = { add() {} } as never;
  it.each([
    [-1, 'claims -1 rows; a count is an integer from 0 to 2147483647'],
    [1.5, 'claims 1.5 rows'],
    [2 ** 31, 'claims 2147483648 rows'],
  ])('rejects a claimed count of %s', (count, text) => {
    expect(() => feedColumns(sink, [[1]], count, 0, ['x'], 'row group 0', 'f.parquet')).toThrow(
      expect.objectContaining({ code: 'BARS_FILE_FORMAT', message: expect.stringContaining(text) }),
    );
  });
  it('names the column that holds fewer values than claimed (was an "empty cell" type error)', () => {
    expect(() => feedColumns(sink, [[1, 2, 3], [1]], 3, 10, ['a', 'b'], 'record batch 2', 'f')).toThrow(
      expect.objectContaining({
        code: 'BARS_FILE_FORMAT',
        message: expect.stringContaining('record batch 2 claims 3 rows but column "b" holds 1 values'),
        context: expect.objectContaining({ field: 'b', row: 10, claimed: 3, possible: 1, source: 'f' }),
      }),
    );
  });
});
