import { bound } from './redact.js';

/**
 * Pulling candidate formulas out of an LLM's reply. The reply is untrusted text: it is only ever
 * scanned as a string and read with `JSON.parse`; nothing here interprets it, and what comes out
 * are plain strings that go to the factor parser and nowhere else.
 */

/** A formula as the model wrote it, with the name and meaning it gave (when it gave them). */
export interface RawCandidate {
  formula: string;
  name?: string;
  meaning?: string;
}

/**
 * Something in the reply that could not become a candidate, and why: a formula over
 * `maxFormulaChars` (`too_long`), one beyond `maxCandidates` (`over_limit`), or the part of the
 * reply beyond `maxReplyChars`, which is not read (`too_long`, one entry saying how much).
 * `text` is cut to 120 characters with a marker saying how much was cut.
 */
export interface ExtractionReject {
  text: string;
  reason: 'too_long' | 'over_limit';
}

/** Limits of {@link extractCandidates}. */
export interface ExtractOptions {
  /** Longest formula accepted, in characters. Default 1000. */
  maxFormulaChars?: number;
  /** Most candidates taken from one reply; the rest are counted as `over_limit`. Default 200. */
  maxCandidates?: number;
  /** Characters of the reply scanned at all; the rest is reported as one `too_long` reject. Default 200 000. */
  maxReplyChars?: number;
}

const FENCE = /```[^\n`]*\n([\s\S]*?)```/g;
const FORMULA_KEYS = ['formula', 'expression', 'expr', 'factor'] as const;
const NAME_KEYS = ['name', 'id', 'title'] as const;
const MEANING_KEYS = ['meaning', 'description', 'desc', 'rationale', 'explanation'] as const;
const LIST_KEYS = ['factors', 'formulas', 'candidates', 'items', 'results'] as const;
/** A line that starts like a formula: an identifier then `(`, or `(`, or a sign then one of those. */
const FORMULA_START = /^[-+]?\s*(?:\(|[A-Za-z_][A-Za-z0-9_]*\s*\()/;
/** `name: formula` / `name = formula` with a short identifier-like name. */
const NAMED_LINE = /^([A-Za-z_][A-Za-z0-9_.-]{0,63})\s*[:=]\s+(.+)$/;
const LIST_MARKER = /^\s*(?:[-*•]\s+|\d{1,3}[.)]\s+)/;

/**
 * Extracts candidate formulas from a reply. Understands, in this order:
 * 1. JSON (the whole reply, a fenced block, or the first balanced `{...}` / `[...]` in it):
 *    `{"factors": [{"name", "formula", "meaning"}]}`, a bare array of such objects, or an array
 *    of strings; also the keys `formulas`/`candidates`/`expression`/`description`.
 * 2. Otherwise lines (those inside fenced blocks when there are any, else all lines) that look
 *    like formulas, with list markers, backticks, quotes and a leading `name:` or `name =` removed.
 *
 * Duplicates are kept (the AST-hash step reports them); prose, headings and empty lines are
 * skipped. Only own properties of parsed objects are read, so keys like `__proto__` or
 * `constructor` in the reply change nothing.
 */
export function extractCandidates(
  reply: string,
  options: ExtractOptions = {},
): { candidates: RawCandidate[]; rejected: ExtractionReject[] } {
  const maxChars = options.maxFormulaChars ?? 1000;
  const maxCandidates = options.maxCandidates ?? 200;
  const maxReply = options.maxReplyChars ?? 200_000;
  const text = reply.length > maxReply ? reply.slice(0, maxReply) : reply;
  let found = fromJson(text);
  if (found.length === 0) found = fromLines(text, maxChars);
  const candidates: RawCandidate[] = [];
  const rejected: ExtractionReject[] = [];
  if (reply.length > maxReply) {
    rejected.push({
      text: `the reply's last ${reply.length - maxReply} of ${reply.length} characters were not read (maxReplyChars ${maxReply})`,
      reason: 'too_long',
    });
  }
  for (const c of found) {
    const formula = c.formula.trim();
    if (formula.length === 0) continue;
    if (formula.length > maxChars) {
      rejected.push({ text: bound(formula, 120), reason: 'too_long' });
      continue;
    }
    if (candidates.length >= maxCandidates) {
      rejected.push({ text: bound(formula, 120), reason: 'over_limit' });
      continue;
    }
    candidates.push({ ...c, formula });
  }
  return { candidates, rejected };
}

function fromJson(text: string): RawCandidate[] {
  const tries: string[] = [text.trim()];
  for (const m of text.matchAll(FENCE)) tries.push(m[1]!.trim());
  const balanced = firstBalanced(text);
  if (balanced !== undefined) tries.push(balanced);
  for (const t of tries) {
    if (t.length === 0 || (t[0] !== '{' && t[0] !== '[')) continue;
    let json: unknown;
    try {
      json = JSON.parse(t);
    } catch {
      continue;
    }
    const out: RawCandidate[] = [];
    collect(json, out, 0);
    if (out.length > 0) return out;
  }
  return [];
}

function collect(v: unknown, out: RawCandidate[], depth: number): void {
  if (depth > 4 || out.length > 10_000) return;
  if (typeof v === 'string') {
    out.push({ formula: v });
    return;
  }
  if (Array.isArray(v)) {
    for (const item of v) collect(item, out, depth + 1);
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  const formula = ownString(v, FORMULA_KEYS);
  if (formula !== undefined) {
    const name = ownString(v, NAME_KEYS);
    const meaning = ownString(v, MEANING_KEYS);
    out.push({
      formula,
      ...(name !== undefined && { name: name.slice(0, 200) }),
      ...(meaning !== undefined && { meaning: meaning.slice(0, 500) }),
    });
    return;
  }
  for (const k of LIST_KEYS) {
    if (Object.hasOwn(v, k)) collect((v as Record<string, unknown>)[k], out, depth + 1);
  }
}

function ownString(o: object, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    if (!Object.hasOwn(o, k)) continue;
    const s = (o as Record<string, unknown>)[k];
    if (typeof s === 'string') return s;
  }
  return undefined;
}

/** The first balanced `{...}` or `[...]` in `text` (string-aware), if any. */
function firstBalanced(text: string): string | undefined {
  const start = text.search(/[[{]/);
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return text.slice(start, i + 1);
      if (depth < 0) return undefined;
    }
  }
  return undefined;
}

function fromLines(text: string, maxChars: number): RawCandidate[] {
  const fenced = [...text.matchAll(FENCE)].map((m) => m[1]!);
  const body = fenced.length > 0 ? fenced.join('\n') : text;
  const out: RawCandidate[] = [];
  for (const raw of body.split(/\r?\n/)) {
    let line = raw.replace(LIST_MARKER, '').trim();
    if (line.length === 0 || line.startsWith('#') || line.startsWith('//')) continue;
    // Too long to be a formula even with a name and a comment: reported as too_long, and kept away
    // from the regular expressions below (whose backtracking is quadratic in the line length).
    if (line.length > maxChars + 500) {
      if (FORMULA_START.test(line.slice(0, 200))) out.push({ formula: line });
      continue;
    }
    // `**name**: formula`, `name: formula`, `name = formula`
    line = line.replace(/\*\*/g, '');
    let name: string | undefined;
    const named = NAMED_LINE.exec(line);
    if (named) {
      name = named[1];
      line = named[2]!.trim();
    }
    line = stripWrapping(line);
    let meaning: string | undefined;
    // `formula  -- meaning` / `formula — meaning` / `formula  # meaning`
    const sep = /\s+(?:--|—|–|#|\/\/)\s+/.exec(line);
    if (sep) {
      meaning = line.slice(sep.index + sep[0].length).trim();
      line = stripWrapping(line.slice(0, sep.index).trim());
    }
    if (!FORMULA_START.test(line)) continue;
    out.push({
      formula: line,
      ...(name !== undefined && { name }),
      ...(meaning !== undefined && meaning.length > 0 && { meaning: meaning.slice(0, 500) }),
    });
  }
  return out;
}

function stripWrapping(s: string): string {
  let t = s.trim();
  for (let i = 0; i < 3; i++) {
    const m = /^(`+|"|')([\s\S]*)\1[,;]?$/.exec(t);
    if (!m) break;
    t = m[2]!.trim();
  }
  return t.replace(/[,;]$/, '').trim();
}
