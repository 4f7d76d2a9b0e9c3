import { endianness } from 'node:os';
import {
  CANONICAL_MINUTE_COLUMNS,
  findMinuteBarIssues,
  type MinuteBars,
  type ValidationOptions,
} from '@hfq/bars';
import { parquetMetadata } from 'hyparquet';
import { snappyUncompressor } from 'hysnappy';

const FIELDS = ['open', 'high', 'low', 'close', 'volume', 'amount', 'trades'] as const;
/** Column types of the writer's canonical minute layout, in column order. */
const TYPES = ['BYTE_ARRAY', 'INT32', 'INT32', ...FIELDS.map(() => 'DOUBLE')] as const;

/** Thrown inside the decoder for anything it does not expect; the caller then declines (null). */
class Decline extends Error {}
const need: (ok: boolean) => asserts ok = (ok) => {
  if (!ok) throw new Decline();
};

/** Snappy (WebAssembly, loaded on first use: several times faster than a JavaScript decoder). */
let snappy: ((input: Uint8Array, outputLength: number) => Uint8Array) | undefined;

/**
 * Reads a minute-bar partition file as written by the dataset's writer (the canonical columns
 * `asset, date, time, open, ..., trades`, all required, rows grouped by stock-day), decoding its
 * pages straight into typed arrays: one `Int32Array`/`Float64Array` per column (dictionary pages
 * looked up into them, never through a JavaScript array), then one frame per stock-day as views
 * (`subarray`) of those columns, each checked by `findMinuteBarIssues` unless `trusted`. About
 * 3x cheaper than decoding with hyparquet's general reader, and far cheaper than the general
 * reader of `@hfq/bars` (which parses and normalises every cell of any layout).
 *
 * It never decides that a file is bad: on anything it does not expect (another layout, type,
 * encoding or codec, a null, a date other than `date`, an asset outside `assets` or seen twice, a
 * frame with an issue, any decode problem) it returns `null`, and the caller reads the file with
 * the general reader, which names the file, row and field of the problem. So the values and the
 * errors are the general reader's. `trusted`: the file is the one the writer validated (its
 * SHA-256 matches the manifest's), so the frames are not validated again. Internal to
 * `DatasetReader`.
 */
export async function readCanonicalMinute(
  bytes: Uint8Array,
  date: number,
  assets: ReadonlyMap<string, number>,
  validation: ValidationOptions | undefined,
  trusted = false,
): Promise<MinuteBars[] | null> {
  try {
    return decodeMinute(bytes, date, assets, validation, trusted);
  } catch {
    // the general reader reads it again and names what is wrong
    return null;
  }
}

function decodeMinute(
  bytes: Uint8Array,
  date: number,
  assets: ReadonlyMap<string, number>,
  validation: ValidationOptions | undefined,
  trusted: boolean,
): MinuteBars[] | null {
  need(endianness() === 'LE');
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  const schema = metadata.schema.slice(1);
  if (
    schema.length !== CANONICAL_MINUTE_COLUMNS.length ||
    schema.some(
      (s, i) =>
        s.name !== CANONICAL_MINUTE_COLUMNS[i] ||
        s.type !== TYPES[i] ||
        s.repetition_type !== 'REQUIRED' ||
        (s.num_children ?? 0) > 0,
    )
  )
    return null;
  const n = Number(metadata.num_rows);
  if (!Number.isSafeInteger(n) || n < 0) return null;
  const u8 = new Uint8Array(file);
  // asset index (in `assets`) of every row; date, time and the fields as typed columns
  const assetOf = new Int32Array(n);
  const dates = new Int32Array(n);
  const time = new Int32Array(n);
  const values = FIELDS.map(() => new Float64Array(n));
  const outs: (Int32Array | Float64Array)[] = [assetOf, dates, time, ...values];
  let row0 = 0;
  for (const group of metadata.row_groups) {
    const rows = Number(group.num_rows);
    need(group.columns.length === outs.length && row0 + rows <= n);
    group.columns.forEach((chunk, c) => {
      const meta = chunk.meta_data;
      need(
        meta !== undefined && meta.path_in_schema.length === 1 && meta.path_in_schema[0] === schema[c]!.name,
      );
      need(Number(meta!.num_values) === rows);
      need(meta!.codec === 'SNAPPY' || meta!.codec === 'UNCOMPRESSED');
      const start = Number(meta!.dictionary_page_offset ?? meta!.data_page_offset);
      const end = start + Number(meta!.total_compressed_size);
      need(Number.isSafeInteger(start) && start >= 0 && end <= u8.length);
      decodeChunk(u8, start, end, meta!.codec, TYPES[c]!, outs[c]!, row0, rows, c === 0 ? assets : null);
    });
    row0 += rows;
  }
  need(row0 === n);
  for (let i = 0; i < n; i++) if (dates[i] !== date) return null;
  const byIndex = new Map([...assets].map(([a, i]) => [i, a]));
  const out: MinuteBars[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < n; ) {
    const a = assetOf[i]!;
    if (seen.has(a)) return null;
    seen.add(a);
    let j = i + 1;
    while (j < n && assetOf[j] === a) j++;
    const f: MinuteBars = {
      asset: byIndex.get(a)!,
      date,
      time: time.subarray(i, j),
      open: values[0]!.subarray(i, j),
      high: values[1]!.subarray(i, j),
      low: values[2]!.subarray(i, j),
      close: values[3]!.subarray(i, j),
      volume: values[4]!.subarray(i, j),
      amount: values[5]!.subarray(i, j),
      trades: values[6]!.subarray(i, j),
    };
    if (!trusted && findMinuteBarIssues(f, validation).length > 0) return null;
    out.push(f);
    i = j;
  }
  return out;
}

/** A Parquet page header (the fields read here, by thrift field id). */
interface PageHeader {
  type: number;
  uncompressed: number;
  compressed: number;
  /** num_values, encoding (data page v1, dictionary page). */
  v1?: Map<number, unknown>;
  dict?: Map<number, unknown>;
  /** num_values, num_nulls, num_rows, encoding, def/rep level lengths, is_compressed. */
  v2?: Map<number, unknown>;
}

const PLAIN = 0;
const PLAIN_DICTIONARY = 2;
const RLE_DICTIONARY = 8;

/**
 * Decodes one column chunk (a dictionary page, then data pages) into `out[row0 .. row0 + rows)`.
 * `assets` (the asset column): the strings are mapped to their indices, and one outside `assets`
 * declines.
 */
function decodeChunk(
  u8: Uint8Array,
  start: number,
  end: number,
  codec: string,
  type: (typeof TYPES)[number],
  out: Int32Array | Float64Array,
  row0: number,
  rows: number,
  assets: ReadonlyMap<string, number> | null,
): void {
  const pos = { at: start };
  let dict: Int32Array | Float64Array | undefined;
  let done = 0;
  while (done < rows) {
    need(pos.at < end);
    const h = pageHeader(u8, pos, end);
    need(h.compressed >= 0 && pos.at + h.compressed <= end && h.uncompressed >= 0);
    const body = u8.subarray(pos.at, pos.at + h.compressed);
    pos.at += h.compressed;
    if (h.type === 2) {
      // dictionary page: PLAIN values
      need(dict === undefined && h.dict !== undefined);
      const count = h.dict!.get(1) as number;
      const enc = h.dict!.get(2) as number;
      need(Number.isInteger(count) && count >= 0 && (enc === PLAIN || enc === PLAIN_DICTIONARY));
      const page = uncompress(body, h.uncompressed, codec);
      dict = plain(page, 0, page.length, type, count, assets);
      continue;
    }
    let count: number;
    let enc: number;
    let page: Uint8Array;
    if (h.type === 0 && h.v1 !== undefined) {
      count = h.v1.get(1) as number;
      enc = h.v1.get(2) as number;
      page = uncompress(body, h.uncompressed, codec);
    } else if (h.type === 3 && h.v2 !== undefined) {
      count = h.v2.get(1) as number;
      enc = h.v2.get(4) as number;
      // required, flat columns: no levels, no nulls
      need((h.v2.get(2) ?? 0) === 0 && (h.v2.get(5) ?? 0) === 0 && (h.v2.get(6) ?? 0) === 0);
      need(h.v2.get(3) === undefined || h.v2.get(3) === count);
      page = h.v2.get(7) === false ? body : uncompress(body, h.uncompressed, codec);
      need(page.length === h.uncompressed);
    } else {
      throw new Decline();
    }
    need(Number.isInteger(count) && count >= 0 && done + count <= rows);
    const at = row0 + done;
    if (enc === PLAIN) {
      out.set(plain(page, 0, page.length, type, count, assets), at);
    } else if ((enc === RLE_DICTIONARY || enc === PLAIN_DICTIONARY) && dict !== undefined) {
      need(page.length >= 1);
      const width = page[0]!;
      need(width <= 32);
      const idx = new Int32Array(count);
      unpackHybrid(page, 1, page.length, width, idx);
      // one monomorphic loop per array type (a loop over the union is several times slower)
      if (out instanceof Float64Array && dict instanceof Float64Array) lookupF64(idx, dict, out, at);
      else if (out instanceof Int32Array && dict instanceof Int32Array) lookupI32(idx, dict, out, at);
      else throw new Decline();
    } else {
      throw new Decline();
    }
    done += count;
  }
  need(done === rows);
}

function lookupF64(idx: Int32Array, dict: Float64Array, out: Float64Array, at: number): void {
  const size = dict.length;
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i]!;
    if (k < 0 || k >= size) throw new Decline();
    out[at + i] = dict[k]!;
  }
}

function lookupI32(idx: Int32Array, dict: Int32Array, out: Int32Array, at: number): void {
  const size = dict.length;
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i]!;
    if (k < 0 || k >= size) throw new Decline();
    out[at + i] = dict[k]!;
  }
}

function uncompress(body: Uint8Array, size: number, codec: string): Uint8Array {
  if (codec === 'UNCOMPRESSED') {
    need(body.length === size);
    return body;
  }
  // the snappy preamble (a varint) must claim the size the header claims
  let claimed = 0;
  let shift = 0;
  let p = 0;
  for (;;) {
    need(p < body.length && shift <= 28);
    const b = body[p++]!;
    claimed += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  need(claimed === size);
  snappy ??= snappyUncompressor();
  const page = snappy(body, size);
  need(page.length === size);
  return page;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `count` PLAIN values of `type` from `page[from, to)`; BYTE_ARRAY values as asset indices. */
function plain(
  page: Uint8Array,
  from: number,
  to: number,
  type: (typeof TYPES)[number],
  count: number,
  assets: ReadonlyMap<string, number> | null,
): Int32Array | Float64Array {
  if (type === 'BYTE_ARRAY') {
    need(assets !== null);
    const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
    const out = new Int32Array(count);
    let p = from;
    for (let i = 0; i < count; i++) {
      need(p + 4 <= to);
      const len = view.getUint32(p, true);
      p += 4;
      need(p + len <= to);
      const a = assets!.get(utf8.decode(page.subarray(p, p + len)));
      need(a !== undefined);
      out[i] = a!;
      p += len;
    }
    return out;
  }
  const width = type === 'DOUBLE' ? 8 : 4;
  need(from + count * width <= to);
  // a copy into a fresh (aligned) buffer
  const copy = page.slice(from, from + count * width).buffer;
  return type === 'DOUBLE' ? new Float64Array(copy) : new Int32Array(copy);
}

/** The RLE / bit-packed hybrid encoding of dictionary indices (`width` bits each) into `out`. */
function unpackHybrid(page: Uint8Array, from: number, to: number, width: number, out: Int32Array): void {
  let p = from;
  let seen = 0;
  const n = out.length;
  const bytes = (width + 7) >> 3;
  while (seen < n) {
    // run header (varint)
    let header = 0;
    let shift = 0;
    for (;;) {
      need(p < to && shift <= 28);
      const b = page[p++]!;
      header += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
    }
    if (header % 2 === 1) {
      // bit-packed: (header >> 1) groups of 8 values
      const count = Math.floor(header / 2) * 8;
      const len = (count * width) / 8;
      need(p + len <= to);
      const take = Math.min(count, n - seen);
      let acc = 0;
      let bits = 0;
      let q = p;
      if (width <= 24) {
        // fits 32-bit integer arithmetic: fewer than 24 bits held, plus one byte
        const mask = (1 << width) - 1;
        for (let i = 0; i < take; i++) {
          while (bits < width) {
            acc |= page[q++]! << bits;
            bits += 8;
          }
          out[seen++] = acc & mask;
          acc >>>= width;
          bits -= width;
        }
      } else {
        for (let i = 0; i < take; i++) {
          while (bits < width) {
            acc += page[q++]! * 2 ** bits;
            bits += 8;
          }
          out[seen++] = acc % 2 ** width;
          acc = Math.floor(acc / 2 ** width);
          bits -= width;
        }
      }
      p += len;
    } else {
      // run: one value, repeated
      const count = Math.floor(header / 2);
      need(p + bytes <= to && seen + count <= n);
      let v = 0;
      for (let i = 0; i < bytes; i++) v += page[p + i]! * 2 ** (8 * i);
      p += bytes;
      out.fill(v, seen, seen + count);
      seen += count;
    }
  }
}

/** Reads a thrift compact-protocol `PageHeader` at `pos.at` (advanced past it). */
function pageHeader(u8: Uint8Array, pos: { at: number }, end: number): PageHeader {
  const s = struct(u8, pos, end, 0);
  const num = (k: number) => {
    const v = s.get(k);
    need(typeof v === 'number');
    return v as number;
  };
  const sub = (k: number) => {
    const v = s.get(k);
    return v instanceof Map ? (v as Map<number, unknown>) : undefined;
  };
  return {
    type: num(1),
    uncompressed: num(2),
    compressed: num(3),
    ...(sub(5) ? { v1: sub(5) } : {}),
    ...(sub(7) ? { dict: sub(7) } : {}),
    ...(sub(8) ? { v2: sub(8) } : {}),
  };
}

function varint(u8: Uint8Array, pos: { at: number }, end: number): number {
  let v = 0;
  let shift = 0;
  for (;;) {
    need(pos.at < end && shift <= 63);
    const b = u8[pos.at++]!;
    v += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return v;
    shift += 7;
  }
}

const zigzag = (v: number) => (v % 2 === 0 ? v / 2 : -(v + 1) / 2);

/** A compact-protocol struct as field id -> value (numbers, booleans, nested structs; the rest skipped). */
function struct(u8: Uint8Array, pos: { at: number }, end: number, depth: number): Map<number, unknown> {
  need(depth < 8);
  const out = new Map<number, unknown>();
  let fid = 0;
  for (;;) {
    need(pos.at < end);
    const byte = u8[pos.at++]!;
    const type = byte & 0x0f;
    if (type === 0) return out;
    const delta = byte >> 4;
    fid = delta ? fid + delta : zigzag(varint(u8, pos, end));
    out.set(fid, element(u8, pos, end, type, depth));
  }
}

function element(u8: Uint8Array, pos: { at: number }, end: number, type: number, depth: number): unknown {
  switch (type) {
    case 1:
      return true;
    case 2:
      return false;
    case 3:
      need(pos.at < end);
      pos.at++;
      return undefined;
    case 4:
    case 5:
    case 6:
      return zigzag(varint(u8, pos, end));
    case 7:
      need(pos.at + 8 <= end);
      pos.at += 8;
      return undefined;
    case 8: {
      const len = varint(u8, pos, end);
      need(pos.at + len <= end);
      pos.at += len;
      return undefined;
    }
    case 9:
    case 10: {
      need(pos.at < end);
      const b = u8[pos.at++]!;
      const size = b >> 4 === 15 ? varint(u8, pos, end) : b >> 4;
      const et = b & 0x0f;
      for (let i = 0; i < size; i++) {
        // booleans in a list take one byte each
        if (et === 1 || et === 2) {
          need(pos.at < end);
          pos.at++;
        } else element(u8, pos, end, et, depth + 1);
      }
      return undefined;
    }
    case 11: {
      const size = varint(u8, pos, end);
      if (size === 0) return undefined;
      need(pos.at < end);
      const kv = u8[pos.at++]!;
      for (let i = 0; i < size; i++) {
        element(u8, pos, end, kv >> 4, depth + 1);
        element(u8, pos, end, kv & 0x0f, depth + 1);
      }
      return undefined;
    }
    case 12:
      return struct(u8, pos, end, depth + 1);
    default:
      throw new Decline();
  }
}
