import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { HfqError } from './errors.js';

/** Options of the atomic writes. */
export interface AtomicWriteOptions {
  /**
   * Flush the file's data to the disk before it is renamed into place (default true), so that
   * after a power loss the name holds either the old file or the complete new one, never a
   * truncated one. Off only for throwaway files where the cost matters.
   */
  fsync?: boolean;
}

/**
 * A fresh temporary path beside `path` (same directory, so the final rename stays on one file
 * system and is atomic): `<dir>/.<name>.tmp-<pid>-<random>`. Write the file there, then call
 * {@link commitAtomicFile}; on failure remove it (`rmSync(tmp, { force: true })`).
 */
export function atomicTempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/**
 * Moves a completely written temporary file (see {@link atomicTempPath}) over `path` in one
 * rename, after flushing it to disk (`fsync`, default on): readers see the old file or the new
 * one, never a partial one.
 * @throws HfqError `IO` (context `source`: the target path) when the flush or rename fails.
 */
export function commitAtomicFile(tmp: string, path: string, options: AtomicWriteOptions = {}): void {
  replaceWithTemp(tmp, path, () => {
    if (options.fsync ?? true) {
      const fd = openSync(tmp, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  });
}

/**
 * Writes `data` to `path` atomically: into a temporary file beside it, flushed to disk (unless
 * `fsync: false`), then renamed over `path`. A crash or an error never leaves a partial file
 * under `path`; the temporary file is removed on failure. Parent directories must exist.
 * @throws HfqError `IO` (context `source`: `path`).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const tmp = atomicTempPath(path);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      if (options.fsync ?? true) await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw ioError(path, e);
  }
}

/** Synchronous {@link writeFileAtomic}. @throws HfqError `IO` (context `source`: `path`). */
export function writeFileAtomicSync(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  const tmp = atomicTempPath(path);
  replaceWithTemp(tmp, path, () => {
    const fd = openSync(tmp, 'wx');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      if (options.fsync ?? true) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
}

/**
 * The synchronous tail of every atomic write: runs `prepare` (write and/or flush `tmp`), then
 * renames `tmp` over `path`; on any failure removes `tmp` and throws the `IO` error for `path`.
 */
function replaceWithTemp(tmp: string, path: string, prepare: () => void): void {
  try {
    prepare();
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw ioError(path, e);
  }
}

function ioError(path: string, cause: unknown): HfqError {
  if (HfqError.is(cause)) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new HfqError('IO', `cannot write ${path} atomically: ${message}`, { source: path }, { cause });
}
