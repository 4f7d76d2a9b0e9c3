import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  openSync,
  readSync,
  rmSync,
} from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { atomicTempPath, commitAtomicFile } from '@hfq/core';
import { barsError } from '../errors.js';

/** True when the file starts with the gzip magic bytes. */
export function isGzipFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const n = readSync(fd, b, 0, 2, 0);
    return n === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * The lines of a text file or stream, in batches (one batch per decoded chunk of 256 KB, so
 * the consumer loops synchronously and pays one await per chunk, not per line), decompressing
 * gzip (detected by its magic bytes) through a `node:zlib` stream. `\r\n` and `\n` both end a
 * line. Memory: one chunk at a time, whatever the file size.
 */
export async function* textLineBatches(source: string | Readable): AsyncGenerator<string[]> {
  let input: Readable;
  if (typeof source === 'string') {
    if (!existsSync(source)) throw barsError('BARS_FILE_NOT_FOUND', `no file at ${source}`, { source });
    const raw = createReadStream(source, { highWaterMark: 1 << 18 });
    input = isGzipFile(source) ? raw.pipe(createGunzip({ chunkSize: 1 << 18 })) : raw;
    raw.on('error', (e) => input.destroy(e));
  } else {
    input = source;
  }
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  try {
    for await (const chunk of input) {
      const text =
        rest + (typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true }));
      const lines = text.split('\n');
      rest = lines.pop()!;
      for (let i = 0; i < lines.length; i++) {
        const l = lines[i]!;
        if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
      }
      if (lines.length > 0) yield lines;
    }
    rest += decoder.decode();
    if (rest.length > 0) yield [rest.charCodeAt(rest.length - 1) === 13 ? rest.slice(0, -1) : rest];
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('BARS_')) throw e;
    const src = typeof source === 'string' ? source : undefined;
    throw barsError(
      'BARS_FILE_FORMAT',
      `cannot read ${src ?? 'the stream'}: ${(e as Error).message}`,
      src === undefined ? {} : { source: src },
      e,
    );
  } finally {
    input.destroy();
  }
}

/** The lines of a text file or stream one by one (see `textLineBatches`). */
export async function* textLines(source: string | Readable): AsyncGenerator<string> {
  for await (const batch of textLineBatches(source)) yield* batch;
}

/** Splits one CSV line (RFC 4180 quoting: `"a,b"`, `""` inside quotes). */
export function splitCsvLine(line: string, out: string[] = []): string[] {
  out.length = 0;
  if (line.indexOf('"') < 0) {
    let start = 0;
    for (let i = 0; i <= line.length; i++) {
      if (i === line.length || line.charCodeAt(i) === 44) {
        out.push(line.slice(start, i));
        start = i + 1;
      }
    }
    return out;
  }
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = false;
      } else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Writes text chunks to `path` atomically (a temporary file renamed into place at the end, so a
 * crash never leaves half a file under the real name); gzip when the path ends in `.gz`.
 * Honours stream back-pressure, so memory stays at one chunk.
 */
export async function writeTextAtomic(
  path: string,
  chunks: AsyncIterable<string> | Iterable<string>,
): Promise<void> {
  const tmp = atomicTempPath(path);
  const file = createWriteStream(tmp);
  const gz = path.endsWith('.gz') ? createGzip() : undefined;
  const sink: Writable = gz ?? file;
  if (gz) gz.pipe(file);
  const done = new Promise<void>((resolve, reject) => {
    file.on('finish', resolve);
    file.on('error', reject);
    gz?.on('error', reject);
  });
  try {
    for await (const chunk of chunks) {
      if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', r));
    }
    sink.end();
    await done;
    commitAtomicFile(tmp, path);
  } catch (e) {
    sink.destroy();
    file.destroy();
    rmSync(tmp, { force: true });
    throw e;
  }
}
