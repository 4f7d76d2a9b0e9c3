/**
 * Moving the demo's large arrays to worker threads without copying: factor matrices and panels
 * are placed on SharedArrayBuffers once, and each worker wraps them in `FactorCube` / `Panel`
 * views. Workers only read them.
 */
import { FactorCube, Panel } from '@hfq/core';

export interface SharedPanel {
  dates: Int32Array;
  assets: string[];
  values: SharedArrayBuffer;
}

export interface SharedCube {
  dates: Int32Array;
  assets: string[];
  factors: string[];
  days: SharedArrayBuffer[];
}

export function sharePanel(p: Panel): SharedPanel {
  const values = new SharedArrayBuffer(p.values.length * 8);
  new Float64Array(values).set(p.values);
  return { dates: Int32Array.from(p.dates), assets: [...p.assets], values };
}

export function panelOf(s: SharedPanel): Panel<Float64Array> {
  return new Panel(s.dates, s.assets, new Float64Array(s.values));
}

export function shareCube(c: FactorCube): SharedCube {
  const days = Array.from({ length: c.nDates }, (_, t) => {
    const d = c.day(t);
    const buf = new SharedArrayBuffer(d.length * 4);
    new Float32Array(buf).set(d);
    return buf;
  });
  return { dates: Int32Array.from(c.dates), assets: [...c.assets], factors: [...c.factors], days };
}

export function cubeOf(s: SharedCube): FactorCube {
  return new FactorCube(
    s.dates,
    s.assets,
    s.factors,
    s.days.map((b) => new Float32Array(b)),
  );
}
