import { MessageHeader } from 'apache-arrow';
import { Message as FbMessage } from 'apache-arrow/fb/message';
import { RecordBatch as FbRecordBatch } from 'apache-arrow/fb/record-batch';
import { ByteBuffer } from 'flatbuffers';

/** Where the int64 fields of one record-batch message lie in the file's bytes (test support). */
export interface BatchLayout {
  /** Byte offset of the RecordBatch `length` (int64). */
  length: number;
  /** Byte offsets of each FieldNode's `length` (its `null_count` follows at +8). */
  nodes: number[];
  /** Byte offsets of each Buffer's `offset` (its `length` follows at +8). */
  buffers: number[];
  /** Byte offset of the Message `bodyLength` (int64). */
  bodyLength: number;
}

/**
 * Parses the IPC messages of an Arrow file or stream (flatbuffer headers, not magic offsets) and
 * returns where each record batch's counts are stored, so tests can patch them.
 */
export function recordBatchLayouts(bytes: Uint8Array): BatchLayout[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isFile = new TextDecoder().decode(bytes.subarray(0, 6)) === 'ARROW1';
  let pos = isFile ? 8 : 0;
  const out: BatchLayout[] = [];
  while (pos + 8 <= bytes.length) {
    let len = dv.getInt32(pos, true);
    let prefix = 4;
    if (len === -1) {
      len = dv.getInt32(pos + 4, true);
      prefix = 8;
    }
    if (len <= 0) break;
    const start = pos + prefix;
    const bb = new ByteBuffer(bytes.subarray(start, start + len));
    const msg = FbMessage.getRootAsMessage(bb);
    const at = (table: number, slot: number) => start + table + bb.__offset(table, slot);
    if (msg.headerType() === MessageHeader.RecordBatch) {
      const rb = msg.header(new FbRecordBatch()) as FbRecordBatch;
      out.push({
        length: at(rb.bb_pos, 4),
        nodes: Array.from({ length: rb.nodesLength() }, (_, i) => start + rb.nodes(i)!.bb_pos),
        buffers: Array.from({ length: rb.buffersLength() }, (_, i) => start + rb.buffers(i)!.bb_pos),
        bodyLength: at(msg.bb_pos, 10),
      });
    }
    pos = start + len + Number(msg.bodyLength());
  }
  return out;
}

/** A copy of `bytes` with the int64 at each offset set to `value`. */
export function patchInt64(bytes: Uint8Array, offsets: number[], value: bigint): Uint8Array {
  const copy = Uint8Array.from(bytes);
  const dv = new DataView(copy.buffer);
  for (const o of offsets) dv.setBigInt64(o, value, true);
  return copy;
}
