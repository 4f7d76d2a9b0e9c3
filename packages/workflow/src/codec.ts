/**
 * Stage outputs on disk, exactly: a JSON skeleton (`value.json`) plus one binary file
 * (`value.bin`) holding every typed array's bytes, so that a value read back is bit-identical to
 * the one written (NaN and +-Infinity included). Understands plain objects, arrays, strings,
 * numbers, booleans, null, typed arrays, `Panel` and `FactorCube`; anything else is refused.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FactorCube, HfqError, Panel } from '@hfq/core';

const TYPED = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint8Array,
  Int8Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
} as const;
type TypedName = keyof typeof TYPED;
type Typed = InstanceType<(typeof TYPED)[TypedName]>;

function typedName(v: unknown): TypedName | undefined {
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return undefined;
  const n = v.constructor.name as TypedName;
  return Object.hasOwn(TYPED, n) ? n : undefined;
}

/** Writes `value` as `<dir>/value.json` + `<dir>/value.bin` (the folder must exist). */
export function writeValue(dir: string, value: unknown): void {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const enc = (v: unknown, path: string): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (v === undefined) return { $undef: 1 };
    if (typeof v === 'number') return Number.isFinite(v) ? v : { $num: String(v) };
    const t = typedName(v);
    if (t !== undefined) {
      const a = v as Typed;
      const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      const pad = (8 - (offset % 8)) % 8;
      if (pad > 0) chunks.push(new Uint8Array(pad));
      offset += pad;
      chunks.push(bytes);
      const ref = { $ta: t, o: offset, n: a.length };
      offset += bytes.byteLength;
      return ref;
    }
    if (v instanceof Panel)
      return { $panel: enc({ dates: v.dates, assets: v.assets, values: v.values }, path) };
    if (v instanceof FactorCube) {
      const days = Array.from({ length: v.nDates }, (_, k) => v.day(k));
      return { $cube: enc({ dates: v.dates, assets: v.assets, factors: v.factors, days }, path) };
    }
    if (Array.isArray(v)) return v.map((x, i) => enc(x, `${path}[${i}]`));
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null)
      throw new HfqError('WORKFLOW_CACHE', `cannot store ${path}: a ${proto?.constructor?.name ?? 'value'}`, {
        field: path,
      });
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = enc(x, `${path}.${k}`);
    return out;
  };
  const json = enc(value, 'value');
  writeFileSync(join(dir, 'value.bin'), Buffer.concat(chunks));
  writeFileSync(join(dir, 'value.json'), JSON.stringify(json));
}

/** Reads what `writeValue` wrote in `dir`. @throws HfqError `WORKFLOW_CACHE` when it is unreadable. */
export function readValue<T>(dir: string): T {
  let json: unknown;
  let bin: Buffer;
  try {
    json = JSON.parse(readFileSync(join(dir, 'value.json'), 'utf8'));
    bin = readFileSync(join(dir, 'value.bin'));
  } catch (e) {
    throw new HfqError(
      'WORKFLOW_CACHE',
      `cannot read the cached value in ${dir}`,
      { source: dir },
      { cause: e },
    );
  }
  // a copy per array: aligned, and independent of the file buffer
  const buf: ArrayBuffer = new Uint8Array(bin).buffer;
  const dec = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(dec);
    const o = v as Record<string, unknown>;
    if ('$num' in o) return Number(o.$num);
    if ('$undef' in o) return undefined;
    if ('$ta' in o) {
      const C = TYPED[o.$ta as TypedName];
      return new C(buf.slice(o.o as number, (o.o as number) + (o.n as number) * C.BYTES_PER_ELEMENT));
    }
    if ('$panel' in o) {
      const p = dec(o.$panel) as { dates: Int32Array; assets: string[]; values: Float64Array };
      return new Panel(p.dates, p.assets, p.values);
    }
    if ('$cube' in o) {
      const c = dec(o.$cube) as {
        dates: Int32Array;
        assets: string[];
        factors: string[];
        days: Float32Array[];
      };
      return new FactorCube(c.dates, c.assets, c.factors, c.days);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = dec(x);
    return out;
  };
  return dec(json) as T;
}
