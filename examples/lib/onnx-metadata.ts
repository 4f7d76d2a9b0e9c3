/**
 * Reads the `metadata_props` of an ONNX file (ModelProto field 14: repeated key/value strings)
 * with nothing but the protobuf wire format: what a program in another stack does when it has
 * only the .onnx file and onnxruntime (which runs the graph but does not expose custom
 * metadata). Python users get the same from `onnx.load(path).metadata_props`.
 */

/** The metadata key/value pairs of an ONNX model file. @throws Error for bytes that are not a protobuf message. */
export function readOnnxMetadata(bytes: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  const r = new WireReader(bytes);
  while (!r.done()) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 14 && wire === 2) {
      // StringStringEntryProto { string key = 1; string value = 2; }
      const entry = new WireReader(r.bytes());
      let key = '';
      let value = '';
      while (!entry.done()) {
        const t = entry.varint();
        if (t === (1 << 3) + 2) key = entry.string();
        else if (t === (2 << 3) + 2) value = entry.string();
        else entry.skip(t % 8);
      }
      out.set(key, value);
    } else {
      r.skip(wire);
    }
  }
  return out;
}

class WireReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** An unsigned varint (up to 2^53, enough for tags and lengths). */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint: not an ONNX (protobuf) file');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw new Error('varint too long: not an ONNX (protobuf) file');
    }
  }

  bytes(): Uint8Array {
    const n = this.varint();
    if (this.pos + n > this.buf.length) throw new Error('truncated field: not an ONNX (protobuf) file');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  string(): string {
    return new TextDecoder().decode(this.bytes());
  }

  /** Skips one value of wire type `wire`. */
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}: not an ONNX file`);
  }
}
