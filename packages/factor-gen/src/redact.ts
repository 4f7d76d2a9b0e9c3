/**
 * The one redaction step of the package. Everything it persists or reports (the library file, the
 * result of `generateFactors`, error messages, progress and retry events) passes through a
 * {@link Redact} function built from the API key by {@link createRedactor}.
 */

/** Replaces every secret in a text with `[redacted]`. Pure; never throws. */
export type Redact = (text: string) => string;

/** What a redacted secret is replaced with. */
export const REDACTED = '[redacted]';

/** Token-like strings (OpenAI-style `sk-...` keys, bearer tokens) that must never reach a message. */
const TOKENISH = /\b(?:sk|pk|rk|key|tok)-[A-Za-z0-9_-]{8,}|\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** Encoded forms shorter than this are not redacted (too likely to occur by chance). */
const MIN_ENCODED_CHARS = 8;

/**
 * A {@link Redact} for the given secrets (empty and undefined entries are ignored). It replaces:
 *
 * - each secret verbatim (so also `Bearer <key>`), whatever its length;
 * - its JSON-escaped form (a key inside a JSON body), URL-encoded form (`encodeURIComponent`,
 *   upper- or lower-case hex, `+` for spaces), hex of its UTF-8 bytes;
 * - its base64 and base64url forms at each of the three byte alignments, so the key is also
 *   found inside a longer encoded string such as HTTP Basic credentials (`base64("user:" + key)`):
 *   the characters that depend on the key alone are replaced;
 * - anything shaped like an API key or bearer token (`sk-...`, `Bearer ...`), secret or not.
 *
 * Encoded forms shorter than 8 characters are skipped; the verbatim key never is (a very short
 * key therefore also blanks ordinary text that contains it).
 */
export function createRedactor(secrets: readonly (string | undefined)[]): Redact {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === undefined || secret.length === 0) continue;
    forms.add(secret);
    const encoded = [
      JSON.stringify(secret).slice(1, -1),
      encodeURIComponent(secret),
      encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      encodeURIComponent(secret).replace(/%20/g, '+'),
      Buffer.from(secret, 'utf8').toString('hex'),
      Buffer.from(secret, 'utf8').toString('hex').toUpperCase(),
      ...base64Cores(secret),
    ];
    for (const f of encoded) if (f.length >= MIN_ENCODED_CHARS) forms.add(f);
  }
  // Longest first, so a form that contains another is replaced whole.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let s = text;
    for (const f of ordered) if (s.includes(f)) s = s.split(f).join(REDACTED);
    return s.replace(TOKENISH, REDACTED);
  };
}

/**
 * The base64 and base64url characters that depend on `secret` alone when it is encoded after 0, 1
 * or 2 other bytes: for an offset of `k` bytes, characters `ceil(8k / 6)` up to `floor(8(k + n) / 6)`.
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const padded = Buffer.concat([Buffer.alloc(k), bytes]);
    const from = Math.ceil((8 * k) / 6);
    const to = Math.floor((8 * (k + bytes.length)) / 6);
    for (const enc of ['base64', 'base64url'] as const) out.push(padded.toString(enc).slice(from, to));
  }
  return out;
}

/**
 * `text` cut to at most `maxChars` characters plus a marker that says how many were cut
 * (`… [1234 more characters cut]`). Bounds every piece of outside text the package keeps. Redact
 * first, then bound: a cut must not leave a prefix of a secret behind.
 */
export function bound(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}… [${text.length - maxChars} more characters cut]`;
}

/**
 * `text` with every occurrence of `secret` (when given) and its encodings, and anything that looks
 * like an API key or bearer token, replaced by `[redacted]`, then cut to `maxChars` (default 300)
 * with a marker. Used on server text that goes into an error: endpoints echo keys back in 401 bodies.
 */
export function redact(text: string, secret?: string, maxChars = 300): string {
  return bound(createRedactor([secret])(text), maxChars);
}

/**
 * A deep copy of a JSON-like value (plain objects, arrays, strings, numbers, booleans, null) with
 * `redactText` applied to every string, object keys included. Other values are copied as they are.
 */
export function redactValue<T>(value: T, redactText: Redact): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactText(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[redactText(k)] = walk(x);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
