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
import { barsError, checkOption } from '../errors.js';

/** Default longest text line, in characters (1 Mi). */
export const DEFAULT_MAX_LINE = 1 << 20;

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
export async function* textLineBatches(
  source: string | Readable,
  maxLineLength = DEFAULT_MAX_LINE,
): AsyncGenerator<string[]> {
  checkOption(
    Number.isInteger(maxLineLength) && maxLineLength > 0,
    'maxLineLength',
    'must be a positive integer',
  );
  let input: Readable;
  if (typeof source === 'string') {
    if (!existsSync(source)) throw barsError('BARS_FILE_NOT_FOUND', `no file at ${source}`, { source });
    const raw = createReadStream(source, { highWaterMark: 1 << 18 });
    input = isGzipFile(source) ? raw.pipe(createGunzip({ chunkSize: 1 << 18 })) : raw;
    raw.on('error', (e) => input.destroy(e));
  } else {
    input = source;
  }
  // fatal: bytes that are not UTF-8 are an error, never U+FFFD (which would make a new, wrong id)
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // the unfinished last line, kept as pieces so that a long line costs linear time
  let rest: string[] = [];
  let restLen = 0;
  let lineNo = 0;
  const tooLong = (len: number) =>
    barsError(
      'BARS_LINE_TOO_LONG',
      `line ${lineNo + 1} is longer than ${maxLineLength} characters (${len}+); raise maxLineLength if the file is right`,
      typeof source === 'string' ? { source, row: lineNo } : { row: lineNo },
    );
  const decode = (b?: Uint8Array): string => {
    try {
      return b === undefined ? decoder.decode() : decoder.decode(b, { stream: true });
    } catch (e) {
      throw barsError(
        'BARS_ENCODING',
        `bytes that are not UTF-8 after line ${lineNo} (re-encode the file as UTF-8, e.g. from GBK)`,
        typeof source === 'string' ? { source, row: lineNo } : { row: lineNo },
        e,
      );
    }
  };
  try {
    for await (const chunk of input) {
      const text = typeof chunk === 'string' ? chunk : decode(chunk as Uint8Array);
      if (text.indexOf('\n') < 0) {
        rest.push(text);
        restLen += text.length;
        if (restLen > maxLineLength) throw tooLong(restLen);
        continue;
      }
      const lines = text.split('\n');
      if (rest.length > 0) {
        rest.push(lines[0]!);
        lines[0] = rest.join('');
      }
      const last = lines.pop()!;
      rest = last.length > 0 ? [last] : [];
      restLen = last.length;
      for (let i = 0; i < lines.length; i++) {
        const l = lines[i]!;
        if (l.length > maxLineLength) {
          lineNo += i;
          throw tooLong(l.length);
        }
        if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
      }
      if (restLen > maxLineLength) {
        lineNo += lines.length;
        throw tooLong(restLen);
      }
      lineNo += lines.length;
      if (lines.length > 0) yield lines;
    }
    rest.push(decode());
    const tail = rest.join('');
    if (tail.length > maxLineLength) throw tooLong(tail.length);
    if (tail.length > 0) yield [tail.charCodeAt(tail.length - 1) === 13 ? tail.slice(0, -1) : tail];
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
