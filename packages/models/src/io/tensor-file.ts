import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
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

/**
 * Encodes tensors and a JSON-able `meta` object into one buffer:
 * `"HFQT"`, u32 version, u32 header bytes, UTF-8 JSON header `{ meta, tensors: [{ name, shape,
 * offset, length }] }`, zero padding to 4 bytes, then the float32 little-endian data.
 */
export function encodeTensorFile(meta: unknown, tensors: ReadonlyMap<string, NamedTensor>): Uint8Array {
  const entries: Entry[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    entries.push({ name, shape: [...t.shape], offset, length: t.data.length });
    offset += t.data.length * 4;
  }
  const header = new TextEncoder().encode(JSON.stringify({ meta, tensors: entries }));
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

/** Decodes `encodeTensorFile` output. @throws `MODELS_FORMAT` on anything else. */
export function decodeTensorFile(
  buf: Uint8Array,
  source?: string,
): { meta: unknown; tensors: Map<string, NamedTensor> } {
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
  let header: { meta: unknown; tensors: Entry[] };
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(12, 12 + headerLen)));
  } catch (e) {
    throw modelsError('MODELS_FORMAT', 'corrupt tensor file header', { source }, e);
  }
  const dataStart = (12 + headerLen + 3) & ~3;
  const tensors = new Map<string, NamedTensor>();
  for (const e of header.tensors) {
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
  return { meta: header.meta, tensors };
}

/**
 * Writes `bytes` to `path` atomically: a temporary file in the same directory, fsync, rename.
 * A reader (or a resumed run after a kill) sees the old file or the new one, never half of one.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw modelsError('MODELS_FORMAT', `could not write ${path}`, { source: path, dir: dirname(path) }, e);
  }
}

/** Reads and decodes a tensor file. @throws `MODELS_FORMAT` */
export function readTensorFile(path: string): { meta: unknown; tensors: Map<string, NamedTensor> } {
  let buf: Uint8Array;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw modelsError('MODELS_FORMAT', `could not read ${path}`, { source: path }, e);
  }
  return decodeTensorFile(buf, path);
}
