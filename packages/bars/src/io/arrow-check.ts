import type { FileHandle } from 'node:fs/promises';
import {
  type DataType,
  DateUnit,
  type Field,
  IntervalUnit,
  Message,
  MessageHeader,
  Precision,
  type Schema,
  Type,
} from 'apache-arrow';
import { DictionaryBatch as FbDictionaryBatch } from 'apache-arrow/fb/dictionary-batch';
import type { Field as FbField } from 'apache-arrow/fb/field';
import { Footer as FbFooter } from 'apache-arrow/fb/footer';
import { Message as FbMessage } from 'apache-arrow/fb/message';
import { RecordBatch as FbRecordBatch } from 'apache-arrow/fb/record-batch';
import { Schema as FbSchema } from 'apache-arrow/fb/schema';
import { Footer } from 'apache-arrow/ipc/metadata/file';
import { ByteBuffer } from 'flatbuffers';
import { barsError } from '../errors.js';

/** Most rows one Arrow record batch may claim: apache-arrow indexes vectors with int32. */
export const MAX_ARROW_BATCH_ROWS = 2 ** 31 - 1;

const MAGIC = 'ARROW1';
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

type Where = { source: string; batch?: number; field?: string; row?: number };

const corrupt = (message: string, where: Where, extra: Record<string, unknown> = {}) =>
  barsError('BARS_FILE_FORMAT', message, { ...where, ...extra });

/** A non-negative safe integer from a flatbuffer int64, or undefined. */
function safe(x: bigint | number): number | undefined {
  const b = typeof x === 'bigint' ? x : Number.isSafeInteger(x) ? BigInt(x) : -1n;
  return b >= 0n && b <= MAX_SAFE ? Number(b) : undefined;
}

/**
 * Checks the IPC metadata of an Arrow file or stream **before apache-arrow reads it**: every
 * message header lies inside the file, every record batch's claimed row count is a non-negative
 * integer of at most 2^31 - 1 that every column node repeats, null counts are at most the row
 * count, and every buffer lies inside its message body and is large enough for the claimed rows
 * (and not larger than they need plus padding: a count below what is stored would drop rows),
 * starts on an 8-byte boundary and overlaps no other buffer (a moved offset would read another
 * column's bytes).
 * Flatbuffer vector lengths are bounded by the bytes that hold them, so a hostile header cannot
 * make the decoder loop or allocate without bound. Reads only the headers (small reads).
 *
 * @throws `BARS_FILE_FORMAT` naming the file, the batch (0-based), the field and what was claimed
 * vs what the bytes hold; `BARS_COLUMN_TYPE` for an Arrow type the readers do not support (unions,
 * view types, run-end encoding).
 */
export async function checkArrowIpc(fh: FileHandle, size: number, source: string): Promise<void> {
  const readAt = async (pos: number, n: number): Promise<Uint8Array> => {
    const buf = new Uint8Array(n);
    const { bytesRead } = await fh.read(buf, 0, n, pos);
    if (bytesRead !== n) throw corrupt(`the file ends inside a message header at byte ${pos}`, { source });
    return buf;
  };
  const head = await readAt(0, Math.min(size, 8));
  const isFile = size >= 8 && new TextDecoder().decode(head.subarray(0, 6)) === MAGIC;
  if (isFile) return checkFile(readAt, size, source);
  return checkStream(readAt, size, source);
}

type ReadAt = (pos: number, n: number) => Promise<Uint8Array>;

/** The message at `pos`: its flatbuffer bytes and where its body starts, or null at the end marker. */
async function messageAt(
  readAt: ReadAt,
  pos: number,
  end: number,
  where: Where,
): Promise<{ meta: Uint8Array; bodyStart: number } | null> {
  if (pos + 4 > end) return null;
  const pre = new DataView((await readAt(pos, Math.min(8, end - pos))).buffer);
  let len = pre.getInt32(0, true);
  let prefix = 4;
  if (len === -1) {
    if (pos + 8 > end) throw corrupt(`the file ends inside a message prefix at byte ${pos}`, where);
    len = pre.getInt32(4, true);
    prefix = 8;
  }
  if (len === 0) return null;
  if (len < 0 || pos + prefix + len > end) {
    throw corrupt(
      `a message at byte ${pos} claims ${len} header bytes; ${end - pos - prefix} are left`,
      where,
      { claimed: len, possible: end - pos - prefix },
    );
  }
  return { meta: await readAt(pos + prefix, len), bodyStart: pos + prefix + len };
}

function decodeFbMessage(meta: Uint8Array, where: Where): FbMessage {
  try {
    return FbMessage.getRootAsMessage(new ByteBuffer(meta));
  } catch (e) {
    throw corrupt(`unreadable message header: ${(e as Error).message}`, where);
  }
}

/** Flatbuffer vector lengths must fit in the bytes that hold them (else decoding would not end). */
function checkVector(n: number, elemBytes: number, total: number, what: string, where: Where): void {
  if (!(n >= 0 && n * elemBytes <= total)) {
    throw corrupt(
      `${what} claims ${n} entries; ${total} header bytes hold at most ${Math.floor(total / elemBytes)}`,
      where,
      {
        claimed: n,
        possible: Math.floor(total / elemBytes),
      },
    );
  }
}

/** Bounds every vector of a schema flatbuffer (fields, children, metadata) before it is decoded. */
function checkFbSchema(s: FbSchema | null, total: number, where: Where): void {
  if (!s) throw corrupt('the Arrow file has no schema', where);
  let budget = Math.max(16, total >> 2);
  const field = (f: FbField | null, depth: number) => {
    if (!f) throw corrupt('a schema field is missing', where);
    if (depth > 64 || --budget < 0) throw corrupt('the schema nests fields too deeply', where);
    checkVector(f.childrenLength(), 4, total, 'a schema field', where);
    checkVector(f.customMetadataLength(), 4, total, 'a field metadata list', where);
    for (let i = 0; i < f.childrenLength(); i++) field(f.children(i), depth + 1);
  };
  checkVector(s.fieldsLength(), 4, total, 'the schema', where);
  checkVector(s.customMetadataLength(), 4, total, 'the schema metadata', where);
  for (let i = 0; i < s.fieldsLength(); i++) field(s.fields(i), 0);
}

async function checkFile(readAt: ReadAt, size: number, source: string): Promise<void> {
  const where: Where = { source };
  if (size < 8 + 10) throw corrupt(`an Arrow file of ${size} bytes is too short to hold a footer`, where);
  const tail = await readAt(size - 10, 10);
  if (new TextDecoder().decode(tail.subarray(4)) !== MAGIC) {
    throw corrupt('the Arrow file does not end with the ARROW1 magic (truncated?)', where);
  }
  const footerLen = new DataView(tail.buffer).getInt32(0, true);
  const footerEnd = size - 10;
  if (footerLen <= 0 || footerLen > footerEnd - 8) {
    throw corrupt(`the footer claims ${footerLen} bytes; ${footerEnd - 8} are possible`, where, {
      claimed: footerLen,
      possible: footerEnd - 8,
    });
  }
  const bytes = await readAt(footerEnd - footerLen, footerLen);
  let schema: Schema;
  const blocks: { offset: number; metaLength: number; bodyLength: number; dictionary: boolean }[] = [];
  try {
    const fb = FbFooter.getRootAsFooter(new ByteBuffer(bytes));
    checkVector(fb.recordBatchesLength(), 24, footerLen, 'the footer list of record batches', where);
    checkVector(fb.dictionariesLength(), 24, footerLen, 'the footer list of dictionaries', where);
    checkFbSchema(fb.schema(), footerLen, where);
    const dataEnd = footerEnd - footerLen;
    const block = (b: ReturnType<typeof fb.recordBatches>, i: number, dictionary: boolean) => {
      const w = { ...where, batch: i };
      const what = dictionary ? `dictionary block ${i}` : `record batch ${i}`;
      const offset = b ? safe(b.offset()) : undefined;
      const bodyLength = b ? safe(b.bodyLength()) : undefined;
      const metaLength = b ? b.metaDataLength() : -1;
      if (offset === undefined || bodyLength === undefined || metaLength < 0) {
        throw corrupt(`the footer's ${what} has a negative or huge offset or length`, w);
      }
      if (offset < 8 || offset + metaLength + bodyLength > dataEnd) {
        throw corrupt(
          `the footer's ${what} claims bytes ${offset}..${offset + metaLength + bodyLength}; the data ends at ${dataEnd}`,
          w,
          { claimed: offset + metaLength + bodyLength, possible: dataEnd },
        );
      }
      blocks.push({ offset, metaLength, bodyLength, dictionary });
    };
    for (let i = 0; i < fb.dictionariesLength(); i++) block(fb.dictionaries(i), i, true);
    for (let i = 0; i < fb.recordBatchesLength(); i++) block(fb.recordBatches(i), i, false);
    schema = Footer.decode(bytes).schema;
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('BARS_')) throw e;
    throw corrupt(`unreadable Arrow footer: ${(e as Error).message}`, where);
  }
  let batch = 0;
  let dict = 0;
  for (const b of blocks) {
    const w: Where = { source, batch: b.dictionary ? dict++ : batch++ };
    const end = b.offset + b.metaLength + b.bodyLength;
    const m = await messageAt(readAt, b.offset, end, w);
    if (!m) throw corrupt(`the footer points at an empty message at byte ${b.offset}`, w);
    checkMessage(m.meta, m.bodyStart, end, schema, w, b.dictionary ? 'dictionary' : 'batch');
  }
}

async function checkStream(readAt: ReadAt, size: number, source: string): Promise<void> {
  let pos = 0;
  let schema: Schema | undefined;
  let batch = 0;
  let dict = 0;
  for (;;) {
    const where: Where = schema ? { source, batch } : { source };
    const m = await messageAt(readAt, pos, size, where);
    if (!m) break;
    if (!schema) {
      const fb = decodeFbMessage(m.meta, where);
      if (fb.headerType() !== MessageHeader.Schema) {
        throw corrupt('the Arrow stream does not start with a schema message', where);
      }
      try {
        checkFbSchema(fb.header(new FbSchema()), m.meta.length, where);
        schema = Message.decode(m.meta).header() as Schema;
      } catch (e) {
        if ((e as { code?: string }).code?.startsWith('BARS_')) throw e;
        throw corrupt(`unreadable Arrow schema: ${(e as Error).message}`, where);
      }
      pos = m.bodyStart + bodyLengthOf(fb, m.bodyStart, size, where);
      continue;
    }
    const kind = decodeFbMessage(m.meta, where).headerType() === MessageHeader.DictionaryBatch;
    const w: Where = { source, batch: kind ? dict++ : batch++ };
    pos = checkMessage(m.meta, m.bodyStart, size, schema, w, kind ? 'dictionary' : 'batch');
  }
}

/** The body length a message claims, checked against the bytes left. */
function bodyLengthOf(fb: FbMessage, bodyStart: number, end: number, where: Where): number {
  const n = safe(fb.bodyLength());
  if (n === undefined || bodyStart + n > end) {
    throw corrupt(
      `a message body claims ${String(fb.bodyLength())} bytes; ${end - bodyStart} are left in the file`,
      where,
      { claimed: String(fb.bodyLength()), possible: end - bodyStart },
    );
  }
  return n;
}

/** Checks one record-batch or dictionary message; returns where the next message starts. */
function checkMessage(
  meta: Uint8Array,
  bodyStart: number,
  end: number,
  schema: Schema,
  where: Where,
  expect: 'batch' | 'dictionary',
): number {
  const fb = decodeFbMessage(meta, where);
  const bodyLength = bodyLengthOf(fb, bodyStart, end, where);
  const type = fb.headerType();
  const name = expect === 'batch' ? `record batch ${where.batch}` : `dictionary batch ${where.batch}`;
  try {
    if (type === MessageHeader.RecordBatch) {
      if (expect !== 'batch')
        throw corrupt(`the footer's dictionary block ${where.batch} holds a record batch`, where);
      const rb = fb.header(new FbRecordBatch()) as FbRecordBatch | null;
      if (!rb) throw corrupt(`${name} has no header`, where);
      checkBatch(rb, bodyLength, meta.length, schema.fields, name, where);
    } else if (type === MessageHeader.DictionaryBatch) {
      const db = fb.header(new FbDictionaryBatch()) as FbDictionaryBatch | null;
      const rb = db?.data();
      if (!db || !rb) throw corrupt(`${name} has no header`, where);
      const id = safe(db.id());
      const valueType = id === undefined ? undefined : schema.dictionaries.get(id);
      if (valueType === undefined)
        throw corrupt(`${name} is for dictionary id ${String(db.id())}, which no field uses`, where);
      const field = schema.fields.find(
        (f) => f.type.typeId === Type.Dictionary && (f.type as { id: number }).id === id,
      );
      checkBatch(
        rb,
        bodyLength,
        meta.length,
        [{ name: field?.name ?? `dictionary ${id}`, type: valueType }],
        name,
        where,
      );
    } else if (type === MessageHeader.Schema) {
      throw corrupt('a second schema message in the Arrow stream', where);
    } else {
      throw corrupt(`an Arrow message of unsupported type ${type}`, where);
    }
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('BARS_')) throw e;
    throw corrupt(`unreadable ${name} header: ${(e as Error).message}`, where);
  }
  return bodyStart + bodyLength;
}

const pad64 = (n: number) => Math.ceil(n / 64) * 64;

/** Walks the schema's fields over the batch's nodes and buffers (the IPC's depth-first order). */
function checkBatch(
  rb: FbRecordBatch,
  bodyLength: number,
  metaBytes: number,
  fields: readonly Pick<Field, 'name' | 'type'>[],
  name: string,
  where: Where,
): void {
  checkVector(rb.nodesLength(), 16, metaBytes, `${name}'s list of column nodes`, where);
  checkVector(rb.buffersLength(), 16, metaBytes, `${name}'s list of buffers`, where);
  const claimed = rb.length();
  const rows = safe(claimed);
  if (rows === undefined || rows > MAX_ARROW_BATCH_ROWS) {
    throw corrupt(
      `${name} claims ${String(claimed)} rows; a batch holds 0 to ${MAX_ARROW_BATCH_ROWS} rows`,
      where,
      { claimed: String(claimed), possible: MAX_ARROW_BATCH_ROWS },
    );
  }
  const compressed = rb.compression() !== null;
  let ni = 0;
  let bi = 0;
  const buffer = (field: string, what: string): number => {
    const b = rb.buffers(bi++);
    if (!b)
      throw corrupt(`${name} has fewer buffers than its schema needs (column ${JSON.stringify(field)})`, {
        ...where,
        field,
      });
    const off = safe(b.offset());
    const len = safe(b.length());
    if (off === undefined || len === undefined || off + len > bodyLength) {
      throw corrupt(
        `${name}, column ${JSON.stringify(field)}: the ${what} buffer claims bytes ${String(b.offset())}+${String(b.length())}; the body holds ${bodyLength}`,
        { ...where, field },
        { claimed: `${String(b.offset())}+${String(b.length())}`, possible: bodyLength },
      );
    }
    if (off % 8 !== 0) {
      throw corrupt(
        `${name}, column ${JSON.stringify(field)}: the ${what} buffer starts at body byte ${off}, not on an 8-byte boundary`,
        { ...where, field },
      );
    }
    if (len > 0) extents.push([off, off + len, field]);
    return len;
  };
  const extents: [start: number, end: number, field: string][] = [];
  /**
   * Checks that a buffer of `width`-byte slots (0: a bit map) has room for `rows` rows (`extra`
   * more slots for offsets) and, when `exact`, no room for more than padding (writers pad to 8
   * or 64 bytes): a larger buffer means the claimed count is below what is stored.
   */
  const sized = (field: string, have: number, rows: number, width: number, extra: number, exact: boolean) => {
    if (compressed) return;
    const need = rows + extra;
    const bytes = width === 0 ? Math.ceil(need / 8) : need * width;
    const room = (width === 0 ? have * 8 : Math.floor(have / width)) - extra;
    const what = extra ? 'offsets' : width === 0 ? 'bits' : 'values';
    if (have < bytes) {
      throw corrupt(
        `${name}, column ${JSON.stringify(field)}: ${rows} rows are claimed but its ${what} buffer has room for ${Math.max(room, 0)}`,
        { ...where, field },
        { claimed: rows, possible: Math.max(room, 0) },
      );
    }
    if (exact && have > pad64(bytes) && room > rows) {
      throw corrupt(
        `${name}, column ${JSON.stringify(field)}: ${rows} rows are claimed but its ${what} buffer stores about ${room} (rows would be dropped)`,
        { ...where, field },
        { claimed: rows, stored: room },
      );
    }
  };
  const visit = (type: DataType, field: string, expected: number | undefined): void => {
    const node = rb.nodes(ni++);
    if (!node)
      throw corrupt(
        `${name} has fewer column nodes than its schema needs (column ${JSON.stringify(field)})`,
        { ...where, field },
      );
    const len = safe(node.length());
    const nulls = safe(node.nullCount());
    if (len === undefined || len > MAX_ARROW_BATCH_ROWS) {
      throw corrupt(
        `${name}, column ${JSON.stringify(field)} claims ${String(node.length())} values; a column holds 0 to ${MAX_ARROW_BATCH_ROWS}`,
        { ...where, field },
        { claimed: String(node.length()), possible: MAX_ARROW_BATCH_ROWS },
      );
    }
    if (expected !== undefined && len !== expected) {
      throw corrupt(
        `${name} claims ${expected} rows but column ${JSON.stringify(field)} holds ${len}`,
        { ...where, field },
        { claimed: expected, stored: len },
      );
    }
    if (nulls === undefined || nulls > len) {
      throw corrupt(
        `${name}, column ${JSON.stringify(field)}: ${String(node.nullCount())} nulls claimed in ${len} values`,
        { ...where, field },
      );
    }
    if (type.typeId === Type.Null) return;
    const validity = buffer(field, 'validity');
    if (nulls > 0) sized(field, validity, len, 0, 0, false);
    const fixed = (width: number) => sized(field, buffer(field, 'data'), len, width, 0, true);
    const offsets = (width: number) => {
      const have = buffer(field, 'offsets');
      if (len > 0) sized(field, have, len, width, 1, true);
    };
    const t = type as DataType & Record<string, number>;
    switch (type.typeId) {
      case Type.Bool:
        fixed(0);
        return;
      case Type.Int:
      case Type.Decimal:
      case Type.Time:
        fixed(t.bitWidth! / 8);
        return;
      case Type.Float:
        fixed(t.precision === Precision.HALF ? 2 : t.precision === Precision.SINGLE ? 4 : 8);
        return;
      case Type.Date:
        fixed(t.unit === DateUnit.DAY ? 4 : 8);
        return;
      case Type.Timestamp:
      case Type.Duration:
        fixed(8);
        return;
      case Type.Interval:
        fixed(t.unit === IntervalUnit.YEAR_MONTH ? 4 : t.unit === IntervalUnit.DAY_TIME ? 8 : 16);
        return;
      case Type.FixedSizeBinary:
        fixed(t.byteWidth!);
        return;
      case Type.Dictionary:
        fixed((type as unknown as { indices: { bitWidth: number } }).indices.bitWidth / 8);
        return;
      case Type.Utf8:
      case Type.Binary:
        offsets(4);
        buffer(field, 'data');
        return;
      case Type.LargeUtf8:
      case Type.LargeBinary:
        offsets(8);
        buffer(field, 'data');
        return;
      case Type.List:
      case Type.Map:
      case Type.LargeList:
        offsets(type.typeId === Type.LargeList ? 8 : 4);
        for (const c of type.children) visit(c.type, `${field}.${c.name}`, undefined);
        return;
      case Type.FixedSizeList:
        for (const c of type.children) visit(c.type, `${field}.${c.name}`, len * t.listSize!);
        return;
      case Type.Struct:
        for (const c of type.children) visit(c.type, `${field}.${c.name}`, len);
        return;
      default:
        throw barsError(
          'BARS_COLUMN_TYPE',
          `column ${JSON.stringify(field)} has Arrow type ${String(type)}, which the readers do not support`,
          {
            ...where,
            field,
          },
        );
    }
  };
  for (const f of fields) visit(f.type, f.name, rows);
  // buffers may not overlap: a moved offset would read another column's bytes as values
  extents.sort((a, b) => a[0] - b[0]);
  for (let k = 1; k < extents.length; k++) {
    if (extents[k]![0] < extents[k - 1]![1]) {
      throw corrupt(
        `${name}: buffers of columns ${JSON.stringify(extents[k - 1]![2])} and ${JSON.stringify(extents[k]![2])} overlap`,
        {
          ...where,
          field: extents[k]![2],
        },
      );
    }
  }
  if (ni !== rb.nodesLength() || bi !== rb.buffersLength()) {
    throw corrupt(
      `${name} has ${rb.nodesLength()} column nodes and ${rb.buffersLength()} buffers; its schema needs ${ni} and ${bi}`,
      where,
    );
  }
}
