import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HfqError } from '@hfq/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type FactorLibraryFile, readFactorLibrary, writeFactorLibrary } from './library-file.js';

const dir = mkdtempSync(join(tmpdir(), 'hfq-lib-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lib = (n: number): FactorLibraryFile =>
  ({
    format: 'hfq-factor-library',
    version: 1,
    source: 'minute',
    factors: Array.from({ length: n }, (_, i) => ({
      id: `llm_minute_${i}`,
      formula: `ts_mean(close, ${i + 2})`,
      original: `ts_mean(close,${i + 2})`,
      hash: `${i}`,
      meaning: '',
      source: 'minute',
      stats: { coverage: 1, rankIC: 0.05, rankICIR: 0.5, days: 10, maxCorrelation: 0 },
    })),
    provenance: {} as FactorLibraryFile['provenance'],
  }) as FactorLibraryFile;

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return HfqError.is(e) ? e.code : 'not an HfqError';
  }
  return 'no error';
}

describe('factor library files', () => {
  it('replaces the file atomically and leaves no temporary file', async () => {
    const path = join(dir, 'lib.json');
    await writeFactorLibrary(path, lib(1));
    await writeFactorLibrary(path, lib(3));
    expect((await readFactorLibrary(path)).factors).toHaveLength(3);
    expect(readdirSync(dir)).toEqual(['lib.json']);
  });

  it('keeps the old file when the new one cannot be written', async () => {
    const path = join(dir, 'keep.json');
    await writeFactorLibrary(path, lib(2));
    const before = readFileSync(path, 'utf8');
    const cyclic = lib(1) as unknown as { provenance: Record<string, unknown> };
    cyclic.provenance.self = cyclic;
    await expect(writeFactorLibrary(path, cyclic as unknown as FactorLibraryFile)).rejects.toThrow();
    expect(readFileSync(path, 'utf8')).toBe(before);
    // a directory in the way of the rename: the write fails, the temp file is removed
    const blocked = join(dir, 'blocked.json');
    mkdirSync(blocked);
    expect(await code(writeFactorLibrary(blocked, lib(1)))).toBe('DSL_LLM_LIBRARY');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('rejects files that are not factor libraries', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "something-else", "version": 1, "factors": [], "source": "minute"}');
    expect(await code(readFactorLibrary(bad))).toBe('DSL_LLM_LIBRARY');
    writeFileSync(
      bad,
      '{"format": "hfq-factor-library", "version": 1, "source": "minute", "factors": [{"id": 3}]}',
    );
    expect(await code(readFactorLibrary(bad))).toBe('DSL_LLM_LIBRARY');
    writeFileSync(bad, 'not json');
    expect(await code(readFactorLibrary(bad))).toBe('DSL_LLM_LIBRARY');
    expect(await code(readFactorLibrary(join(dir, 'missing.json')))).toBe('DSL_LLM_LIBRARY');
  });
});
