import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomicSync } from '@hfq/core';
import { modelsError } from '../errors.js';

/** A named float32 array with its shape. */
export interface NamedTensor {
  shape: readonly number[];
  data: Float32Array;
}

const MAGIC = 0x54514648; // "HFQT" little-endian
const VERSION = 1;

interface Entry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

/** A decoded tensor file. */
export interface TensorFile {
  meta: unknown;
  tensors: Map<string, NamedTensor>;
  /**
   * Whether the file carried a content hash (and it matched: a mismatch throws). Files written
   * before the hash was added have none.
   */
  hashed: boolean;
}

/**
 * sha256 (hex) over the header's `{ meta, tensors }` JSON and the data bytes in entry order: what
 * `encodeTensorFile` stores as `sha256` and `decodeTensorFile` checks.
 */
function contentHash(headerCore: string, datas: Iterable<Float32Array>): string {
  const h = createHash('sha256');
  h.update(headerCore);
  for (const d of datas) h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  return h.digest('hex');
}

/**
 * Encodes tensors and a JSON-able `meta` object into one buffer:
 * `"HFQT"`, u32 version, u32 header bytes, UTF-8 JSON header `{ meta, tensors: [{ name, shape,
 * offset, length }], sha256 }`, zero padding to 4 bytes, then the float32 little-endian data.
 * `sha256` covers the JSON of `{ meta, tensors }` and every data byte, so a value edited on disk
 * (a weight, an epoch count) is detected on read.
 */
export function encodeTensorFile(meta: unknown, tensors: ReadonlyMap<string, NamedTensor>): Uint8Array {
  const entries: Entry[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    entries.push({ name, shape: [...t.shape], offset, length: t.data.length });
    offset += t.data.length * 4;
  }
  const core = JSON.stringify({ meta, tensors: entries });
  const sha256 = contentHash(
    core,
    Array.from(tensors.values(), (t) => t.data),
  );
  const header = new TextEncoder().encode(JSON.stringify({ meta, tensors: entries, sha256 }));
  const headerEnd = 12 + header.length;
  const dataStart = (headerEnd + 3) & ~3;
  const out = new Uint8Array(dataStart + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  let p = dataStart;
  for (const t of tensors.values()) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(bytes, p);
    p += bytes.length;
  }
  return out;
}

/**
 * Decodes `encodeTensorFile` output, checking the header's shape (every entry a name, integer
 * shape, offset and length that agree and lie inside the file) and the content hash when the file
 * has one.
 * @throws `MODELS_FORMAT` naming `source` and the field or tensor at fault, on anything else or
 *   on a hash mismatch (the file was edited or damaged after it was written).
 */
export function decodeTensorFile(buf: Uint8Array, source?: string): TensorFile {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 12 || view.getUint32(0, true) !== MAGIC) {
    throw modelsError('MODELS_FORMAT', 'not an hfq tensor file (bad magic)', { source });
  }
  if (view.getUint32(4, true) !== VERSION) {
    throw modelsError('MODELS_FORMAT', `unsupported tensor file version ${view.getUint32(4, true)}`, {
      source,
    });
  }
  const headerLen = view.getUint32(8, true);
  if (12 + headerLen > buf.length)
    throw modelsError('MODELS_FORMAT', 'truncated tensor file header', { source });
  let header: { meta?: unknown; tensors?: unknown; sha256?: unknown };
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(12, 12 + headerLen)));
  } catch (e) {
    throw modelsError('MODELS_FORMAT', 'corrupt tensor file header', { source }, e);
  }
  if (header === null || typeof header !== 'object' || !Array.isArray(header.tensors)) {
    throw modelsError('MODELS_FORMAT', 'tensor file header lacks its tensor list', {
      source,
      field: 'tensors',
    });
  }
  const entries = header.tensors.map((e, i) => checkEntry(e, i, source));
  const dataStart = (12 + headerLen + 3) & ~3;
  const tensors = new Map<string, NamedTensor>();
  for (const e of entries) {
    if (tensors.has(e.name)) {
      throw modelsError('MODELS_FORMAT', `tensor ${e.name} appears twice`, { source, field: e.name });
    }
    const start = dataStart + e.offset;
    if (start + e.length * 4 > buf.length) {
      throw modelsError('MODELS_FORMAT', `tensor ${e.name} runs past the end of the file`, {
        source,
        field: e.name,
      });
    }
    // Copy: the file buffer may not be 4-byte aligned for a Float32Array view.
    const data = new Float32Array(e.length);
    new Uint8Array(data.buffer).set(buf.subarray(start, start + e.length * 4));
    tensors.set(e.name, { shape: e.shape, data });
  }
  if (header.sha256 !== undefined) {
    const core = JSON.stringify({ meta: header.meta, tensors: header.tensors });
    const actual = contentHash(
      core,
      Array.from(tensors.values(), (t) => t.data),
    );
    if (header.sha256 !== actual) {
      throw modelsError(
        'MODELS_FORMAT',
        'tensor file content does not match its sha256 (edited or damaged after it was written)',
        { source, field: 'sha256', expected: String(header.sha256), actual },
      );
    }
  }
  return { meta: header.meta, tensors, hashed: header.sha256 !== undefined };
}

/** One header entry, checked: a name, a shape of non-negative integers, its length, a 4-byte offset. */
function checkEntry(e: unknown, i: number, source: string | undefined): Entry {
  const o = (e ?? {}) as Partial<Entry>;
  const name = typeof o.name === 'string' ? o.name : `#${i}`;
  const bad = (what: string) =>
    modelsError('MODELS_FORMAT', `tensor ${name}: ${what}`, { source, field: name, row: i });
  if (typeof o.name !== 'string') throw bad('has no name');
  if (!Array.isArray(o.shape) || !o.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw bad('shape is not a list of non-negative integers');
  }
  if (!Number.isInteger(o.length) || o.length! < 0) throw bad('length is not a non-negative integer');
  if (o.shape.reduce((a: number, b: number) => a * b, 1) !== o.length) {
    throw bad(`shape [${o.shape.join(', ')}] does not hold ${o.length} values`);
  }
  if (!Number.isInteger(o.offset) || o.offset! < 0 || o.offset! % 4 !== 0)
    throw bad('offset is not a 4-byte offset');
  return { name: o.name, shape: o.shape, offset: o.offset!, length: o.length! };
}

/**
 * The first non-finite value of `data` (NaN or ±Infinity) as `{ index, value }`, or undefined.
 * Weights, optimiser moments and scores read back from disk must be finite.
 */
export function firstNonFinite(data: Float32Array): { index: number; value: number } | undefined {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) return { index: i, value: data[i]! };
  }
  return undefined;
}

/**
 * Writes `bytes` to `path` atomically through `@hfq/core`'s `writeFileAtomicSync` (temporary file
 * beside it, fsync, rename): a reader or a resumed run sees the old file or the new one.
 * @throws HfqError `MODELS_FORMAT` naming the file when it cannot be written.
 */
export function saveBytes(path: string, bytes: Uint8Array): void {
  try {
    writeFileAtomicSync(path, bytes);
  } catch (e) {
    throw modelsError('MODELS_FORMAT', `could not write ${path}`, { source: path, dir: dirname(path) }, e);
  }
}

/** Reads and decodes a tensor file (see `decodeTensorFile`). @throws `MODELS_FORMAT` */
export function readTensorFile(path: string): TensorFile {
  let buf: Uint8Array;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw modelsError('MODELS_FORMAT', `could not read ${path}`, { source: path }, e);
  }
  return decodeTensorFile(buf, path);
}
