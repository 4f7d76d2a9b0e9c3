/**
 * A minimal WebAssembly assembler: typed expression trees and statements compiled to the binary
 * format, enough to write the package's SIMD kernels in TypeScript (no toolchain, no binary blob
 * in the repository). Every expression knows its value type, so a kernel that mixes types fails
 * when it is built here or when `WebAssembly.Module` validates it, not at run time.
 *
 * Opcodes: WebAssembly core 1.0 and the fixed-width SIMD proposal (0xfd prefix), as numbered in
 * the specification.
 */

export type ValType = 'i32' | 'f32' | 'f64' | 'v128';

const TYPE_CODE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Unsigned LEB128. */
export function uleb(n: number, out: number[]): void {
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number, out: number[]): void {
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** A typed expression: emitting it leaves one value of type `t` on the stack. */
export interface Expr {
  readonly t: ValType;
  emit(out: number[]): void;
}

/** A statement: emitting it leaves the stack as it was. */
export type Stmt = (out: number[]) => void;

/** A local variable (or parameter) of a function. */
export interface Local {
  readonly index: number;
  readonly t: ValType;
}

function check(e: Expr, t: ValType, what: string): void {
  if (e.t !== t) throw new Error(`asm: ${what} expects ${t}, got ${e.t}`);
}

function op(t: ValType, code: number[], args: Expr[], types: ValType[], name: string): Expr {
  args.forEach((a, i) => {
    check(a, types[i]!, name);
  });
  return {
    t,
    emit: (out) => {
      for (const a of args) a.emit(out);
      out.push(...code);
    },
  };
}

const simd = (code: number): number[] => {
  const out = [0xfd];
  uleb(code, out);
  return out;
};

// ---- constants and locals ----

export const i32 = (n: number): Expr => ({
  t: 'i32',
  emit: (out) => {
    out.push(0x41);
    sleb(n, out);
  },
});

export const f32 = (x: number): Expr => ({
  t: 'f32',
  emit: (out) => {
    out.push(0x43);
    const b = new Uint8Array(new Float32Array([x]).buffer);
    out.push(...b);
  },
});

export const get = (l: Local): Expr => ({
  t: l.t,
  emit: (out) => {
    out.push(0x20);
    uleb(l.index, out);
  },
});

export const set =
  (l: Local, e: Expr): Stmt =>
  (out) => {
    check(e, l.t, 'local.set');
    e.emit(out);
    out.push(0x21);
    uleb(l.index, out);
  };

// ---- i32 ----

const i2 = (code: number, name: string) => (a: Expr, b: Expr) =>
  op('i32', [code], [a, b], ['i32', 'i32'], name);
export const I = {
  eqz: (a: Expr) => op('i32', [0x45], [a], ['i32'], 'i32.eqz'),
  eq: i2(0x46, 'i32.eq'),
  ne: i2(0x47, 'i32.ne'),
  lt_s: i2(0x48, 'i32.lt_s'),
  lt_u: i2(0x49, 'i32.lt_u'),
  gt_s: i2(0x4a, 'i32.gt_s'),
  ge_s: i2(0x4e, 'i32.ge_s'),
  ge_u: i2(0x4f, 'i32.ge_u'),
  add: i2(0x6a, 'i32.add'),
  sub: i2(0x6b, 'i32.sub'),
  mul: i2(0x6c, 'i32.mul'),
  div_u: i2(0x6e, 'i32.div_u'),
  rem_u: i2(0x70, 'i32.rem_u'),
  and: i2(0x71, 'i32.and'),
  or: i2(0x72, 'i32.or'),
  xor: i2(0x73, 'i32.xor'),
  shl: i2(0x74, 'i32.shl'),
  shr_u: i2(0x76, 'i32.shr_u'),
};

// ---- f32 ----

const f2 = (code: number, name: string) => (a: Expr, b: Expr) =>
  op('f32', [code], [a, b], ['f32', 'f32'], name);
export const F = {
  neg: (a: Expr) => op('f32', [0x8c], [a], ['f32'], 'f32.neg'),
  sqrt: (a: Expr) => op('f32', [0x91], [a], ['f32'], 'f32.sqrt'),
  add: f2(0x92, 'f32.add'),
  sub: f2(0x93, 'f32.sub'),
  mul: f2(0x94, 'f32.mul'),
  div: f2(0x95, 'f32.div'),
  min: f2(0x96, 'f32.min'),
  max: f2(0x97, 'f32.max'),
  gt: (a: Expr, b: Expr) => op('i32', [0x5e], [a, b], ['f32', 'f32'], 'f32.gt'),
  fromI32: (a: Expr) => op('f32', [0xb2], [a], ['i32'], 'f32.convert_i32_s'),
  /** `f32.load` at byte address `addr + offset`. */
  load: (addr: Expr, offset = 0): Expr =>
    op('f32', [0x2a, 0x02, ...leb(offset)], [addr], ['i32'], 'f32.load'),
  store:
    (addr: Expr, v: Expr, offset = 0): Stmt =>
    (out) => {
      check(addr, 'i32', 'f32.store');
      check(v, 'f32', 'f32.store');
      addr.emit(out);
      v.emit(out);
      out.push(0x38, 0x02, ...leb(offset));
    },
};

function leb(n: number): number[] {
  const out: number[] = [];
  uleb(n, out);
  return out;
}

// ---- v128 ----

const v2 = (code: number, name: string) => (a: Expr, b: Expr) =>
  op('v128', simd(code), [a, b], ['v128', 'v128'], name);
const v1 = (code: number, name: string) => (a: Expr) => op('v128', simd(code), [a], ['v128'], name);

export const V = {
  /** `v128.load` at byte address `addr + offset` (no alignment assumed). */
  load: (addr: Expr, offset = 0): Expr =>
    op('v128', [...simd(0x00), 0x00, ...leb(offset)], [addr], ['i32'], 'v128.load'),
  store:
    (addr: Expr, v: Expr, offset = 0): Stmt =>
    (out) => {
      check(addr, 'i32', 'v128.store');
      check(v, 'v128', 'v128.store');
      addr.emit(out);
      v.emit(out);
      out.push(...simd(0x0b), 0x00, ...leb(offset));
    },
  /** `f32.load` at `addr + offset` splatted into all four lanes. */
  load32Splat: (addr: Expr, offset = 0): Expr =>
    op('v128', [...simd(0x09), 0x02, ...leb(offset)], [addr], ['i32'], 'v128.load32_splat'),
  and: v2(0x4e, 'v128.and'),
  andnot: v2(0x4f, 'v128.andnot'),
  or: v2(0x50, 'v128.or'),
  xor: v2(0x51, 'v128.xor'),
  /** Bits of `a` where `mask` is 1, of `b` elsewhere. */
  bitselect: (a: Expr, b: Expr, mask: Expr) =>
    op('v128', simd(0x52), [a, b, mask], ['v128', 'v128', 'v128'], 'v128.bitselect'),
};

/** f32x4 lanes. */
export const F4 = {
  splat: (a: Expr) => op('v128', simd(0x13), [a], ['f32'], 'f32x4.splat'),
  const: (x: number) => F4.splat(f32(x)),
  extract: (a: Expr, lane: number) => op('f32', [...simd(0x1f), lane], [a], ['v128'], 'f32x4.extract_lane'),
  eq: v2(0x41, 'f32x4.eq'),
  lt: v2(0x43, 'f32x4.lt'),
  gt: v2(0x44, 'f32x4.gt'),
  ge: v2(0x46, 'f32x4.ge'),
  nearest: v1(0x6a, 'f32x4.nearest'),
  abs: v1(0xe0, 'f32x4.abs'),
  neg: v1(0xe1, 'f32x4.neg'),
  sqrt: v1(0xe3, 'f32x4.sqrt'),
  add: v2(0xe4, 'f32x4.add'),
  sub: v2(0xe5, 'f32x4.sub'),
  mul: v2(0xe6, 'f32x4.mul'),
  div: v2(0xe7, 'f32x4.div'),
  min: v2(0xe8, 'f32x4.min'),
  max: v2(0xe9, 'f32x4.max'),
  /** Integer lanes to float (signed). */
  fromI32x4: v1(0xfa, 'f32x4.convert_i32x4_s'),
  /** Sum of the four lanes (f32): `(l0 + l1) + (l2 + l3)`. */
  hsum: (a: Expr): Expr => {
    check(a, 'v128', 'hsum');
    return {
      t: 'f32',
      emit: (out) => {
        // Needs the vector four times: evaluate once into the caller's scratch is not possible
        // here, so `a` must be cheap (a local.get).
        F.add(F.add(F4.extract(a, 0), F4.extract(a, 1)), F.add(F4.extract(a, 2), F4.extract(a, 3))).emit(out);
      },
    };
  },
};

/** i32x4 lanes. */
export const I4 = {
  splat: (a: Expr) => op('v128', simd(0x11), [a], ['i32'], 'i32x4.splat'),
  const: (n: number) => I4.splat(i32(n)),
  /** `[a, a + 1, a + 2, a + 3]`. */
  iota: (a: Expr) => I4.add(I4.splat(a), V4CONST_0123),
  ge_u: v2(0x40, 'i32x4.ge_u'),
  shl: (a: Expr, n: Expr) => op('v128', simd(0xab), [a, n], ['v128', 'i32'], 'i32x4.shl'),
  shr_u: (a: Expr, n: Expr) => op('v128', simd(0xad), [a, n], ['v128', 'i32'], 'i32x4.shr_u'),
  add: v2(0xae, 'i32x4.add'),
  sub: v2(0xb1, 'i32x4.sub'),
  mul: v2(0xb5, 'i32x4.mul'),
  /** Float lanes to integer, truncating, saturating. */
  truncSatF32x4: v1(0xf8, 'i32x4.trunc_sat_f32x4_s'),
};

/** The v128 constant `[0, 1, 2, 3]` (i32 lanes). */
const V4CONST_0123: Expr = {
  t: 'v128',
  emit: (out) => {
    out.push(...simd(0x0c));
    out.push(...new Uint8Array(new Int32Array([0, 1, 2, 3]).buffer));
  },
};

// ---- statements and control ----

export const seq =
  (...stmts: Stmt[]): Stmt =>
  (out) => {
    for (const s of stmts) s(out);
  };

/** `if (cond) then else`. */
export const ifElse =
  (cond: Expr, then: Stmt, otherwise?: Stmt): Stmt =>
  (out) => {
    check(cond, 'i32', 'if');
    cond.emit(out);
    out.push(0x04, 0x40);
    then(out);
    if (otherwise !== undefined) {
      out.push(0x05);
      otherwise(out);
    }
    out.push(0x0b);
  };

/** A typed `select`: `cond ? a : b` (both evaluated). */
export const select = (a: Expr, b: Expr, cond: Expr): Expr => {
  check(b, a.t, 'select');
  check(cond, 'i32', 'select');
  return {
    t: a.t,
    emit: (out) => {
      a.emit(out);
      b.emit(out);
      cond.emit(out);
      out.push(0x1b);
    },
  };
};

/**
 * `for (i = from; i < to; i += step) body` with signed comparison (`to` re-evaluated each
 * iteration: pass a local or a constant).
 */
export const forRange =
  (i: Local, from: Expr, to: Expr, step: number, body: Stmt): Stmt =>
  (out) => {
    set(i, from)(out);
    out.push(0x02, 0x40, 0x03, 0x40); // block, loop
    I.ge_s(get(i), to).emit(out);
    out.push(0x0d, 0x01); // br_if 1 (exit)
    body(out);
    set(i, I.add(get(i), i32(step)))(out);
    out.push(0x0c, 0x00, 0x0b, 0x0b); // br 0, end loop, end block
  };

// ---- functions and modules ----

/** A function under construction: parameters first, then locals. */
export class Func {
  readonly params: Local[];
  private readonly locals: ValType[] = [];
  private body: Stmt = () => {};

  constructor(
    readonly name: string,
    paramTypes: ValType[],
  ) {
    this.params = paramTypes.map((t, index) => ({ index, t }));
  }

  local(t: ValType): Local {
    this.locals.push(t);
    return { index: this.params.length + this.locals.length - 1, t };
  }

  define(...stmts: Stmt[]): this {
    this.body = seq(...stmts);
    return this;
  }

  /** The code-section entry (locals + body, size-prefixed). */
  encodeBody(): number[] {
    const code: number[] = [];
    // Locals: one run per local (simple; the count is small).
    uleb(this.locals.length, code);
    for (const t of this.locals) {
      code.push(1, TYPE_CODE[t]);
    }
    this.body(code);
    code.push(0x0b);
    const out: number[] = [];
    uleb(code.length, out);
    return out.concat(code);
  }

  encodeType(): number[] {
    const out = [0x60];
    uleb(this.params.length, out);
    for (const p of this.params) out.push(TYPE_CODE[p.t]);
    out.push(0); // no results
    return out;
  }
}

function section(id: number, content: number[]): number[] {
  const out = [id];
  uleb(content.length, out);
  return out.concat(content);
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  const out: number[] = [];
  uleb(bytes.length, out);
  return out.concat(bytes);
}

/**
 * A module importing its memory as `env.memory` (no maximum: it accepts any non-shared memory,
 * e.g. the tfjs wasm backend's heap) and exporting `funcs` by name. Functions return nothing.
 */
export function buildModule(funcs: Func[]): Uint8Array {
  const types: number[] = [];
  uleb(funcs.length, types);
  for (const f of funcs) types.push(...f.encodeType());
  const imports: number[] = [1, ...name('env'), ...name('memory'), 0x02, 0x00, 0x00];
  const fsec: number[] = [];
  uleb(funcs.length, fsec);
  funcs.forEach((_, i) => {
    uleb(i, fsec);
  });
  const exports: number[] = [];
  uleb(funcs.length, exports);
  funcs.forEach((f, i) => {
    exports.push(...name(f.name), 0x00);
    uleb(i, exports);
  });
  const code: number[] = [];
  uleb(funcs.length, code);
  for (const f of funcs) code.push(...f.encodeBody());
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, fsec),
    ...section(7, exports),
    ...section(10, code),
  ]);
}
