import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atomicTempPath, commitAtomicFile, writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';
import { HfqError } from './errors.js';

const dir = mkdtempSync(join(tmpdir(), 'hfq-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atomic writes', () => {
  it('replaces a file whole and leaves no temporary file', async () => {
    const p = join(dir, 'a.json');
    writeFileSync(p, 'old');
    await writeFileAtomic(p, '{"new":1}');
    expect(readFileSync(p, 'utf8')).toBe('{"new":1}');
    writeFileAtomicSync(p, Uint8Array.of(104, 105), { fsync: false });
    expect(readFileSync(p, 'utf8')).toBe('hi');
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('a temporary path sits beside the target; commit renames it into place', () => {
    const p = join(dir, 'b.bin');
    const tmp = atomicTempPath(p);
    expect(tmp.startsWith(join(dir, '.b.bin.tmp-'))).toBe(true);
    writeFileSync(tmp, 'payload');
    commitAtomicFile(tmp, p);
    expect(readFileSync(p, 'utf8')).toBe('payload');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('fails with a typed IO error naming the path, and cleans up', async () => {
    const p = join(dir, 'missing-dir', 'c.txt');
    await expect(writeFileAtomic(p, 'x')).rejects.toSatisfy(
      (e: unknown) => HfqError.is(e, 'IO') && e.context.source === p,
    );
    expect(() => writeFileAtomicSync(p, 'x')).toThrow(expect.objectContaining({ code: 'IO' }));
  });
});
