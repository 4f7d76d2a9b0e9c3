/**
 * The stage cache: each stage's outputs live in `<root>/<stage>/<hash>/`, where the hash covers
 * everything the outputs depend on (the stage's own config section, the hashes of the stages it
 * reads, the data's identity, the package version). A folder appears in one rename from a
 * temporary folder beside it, so a run killed mid-write leaves no half entry: the next run either
 * finds the whole entry or recomputes it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readValue, writeValue } from './codec.js';

/** JSON with sorted keys (so equal values hash equally whatever their key order). */
function stable(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

/** A 16-hex-digit SHA-256 prefix of `parts` (JSON, keys sorted). */
export function stageHash(parts: unknown): string {
  return createHash('sha256').update(stable(parts)).digest('hex').slice(0, 16);
}

/** Stage outputs on disk under `root` (`<out>/cache`). */
export class StageCache {
  /** @param root - the cache folder (`<out>/cache`); created on the first save. */
  constructor(readonly root: string) {}

  /** The folder of an entry (it exists only once the entry is complete). */
  dir(stage: string, hash: string): string {
    return join(this.root, stage, hash);
  }

  /** Whether a complete entry is stored. */
  has(stage: string, hash: string): boolean {
    return existsSync(join(this.dir(stage, hash), 'value.json'));
  }

  /** The stored value, or `undefined` when there is none. */
  load<T>(stage: string, hash: string): T | undefined {
    return this.has(stage, hash) ? readValue<T>(this.dir(stage, hash)) : undefined;
  }

  /**
   * Stores `value` (and whatever `extra` writes into the folder) as one entry, atomically. When
   * another process stored the same entry meanwhile, its copy is kept (same hash, same value).
   */
  save(stage: string, hash: string, value: unknown, extra?: (dir: string) => void): void {
    const parent = join(this.root, stage);
    mkdirSync(parent, { recursive: true });
    const tmp = join(parent, `.tmp-${hash}-${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(tmp);
    try {
      extra?.(tmp);
      writeValue(tmp, value);
      if (this.has(stage, hash)) return;
      try {
        renameSync(tmp, this.dir(stage, hash));
      } catch (e) {
        // another process renamed the same entry into place first (ENOTEMPTY / EEXIST)
        if (!this.has(stage, hash)) throw e;
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}
