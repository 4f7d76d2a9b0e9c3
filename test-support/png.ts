/**
 * A minimal PNG decoder for tests (8-bit greyscale / RGB / RGBA, non-interlaced): enough to check
 * that a browser screenshot is not blank. Uses node:zlib to inflate the IDAT stream and undoes
 * the five scanline filters.
 */
import { inflateSync } from 'node:zlib';

export interface DecodedPng {
  width: number;
  height: number;
  /** Bytes per pixel (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA). */
  channels: number;
  pixels: Uint8Array;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export function decodePng(buf: Uint8Array): DecodedPng {
  for (let i = 0; i < 8; i++) if (buf[i] !== SIGNATURE[i]) throw new Error('not a PNG');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Uint8Array[] = [];
  while (pos < buf.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...buf.subarray(pos + 4, pos + 8));
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      const depth = data[8]!;
      const color = data[9]!;
      const interlace = data[12]!;
      if (depth !== 8 || interlace !== 0)
        throw new Error(`unsupported PNG depth ${depth} / interlace ${interlace}`);
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[color] ?? 0;
      if (!channels) throw new Error(`unsupported PNG colour type ${color}`);
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[x - channels]! : 0;
      const b = prev[x]!;
      const c = x >= channels ? prev[x - channels]! : 0;
      let v = src[x]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[x] = v & 255;
    }
  }
  return { width, height, channels, pixels };
}

/** Share of pixels that are not (near) white, and the variance of their luminance. */
export function pixelStats(png: DecodedPng): {
  nonWhiteShare: number;
  lumaVariance: number;
  distinctColors: number;
} {
  const { pixels, channels } = png;
  const n = png.width * png.height;
  let nonWhite = 0;
  let s = 0;
  let ss = 0;
  const colors = new Set<number>();
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    const r = pixels[o]!;
    const g = channels >= 3 ? pixels[o + 1]! : r;
    const b = channels >= 3 ? pixels[o + 2]! : r;
    const luma = 0.299 * r + 0.587 * g + 0.114 * b;
    if (luma < 245) nonWhite++;
    s += luma;
    ss += luma * luma;
    if (colors.size < 5000) colors.add((r << 16) | (g << 8) | b);
  }
  const mean = s / n;
  return { nonWhiteShare: nonWhite / n, lumaVariance: ss / n - mean * mean, distinctColors: colors.size };
}
