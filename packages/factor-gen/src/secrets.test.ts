/**
 * The API key never reaches anything the package persists or reports: not the library file (also
 * the partial one written when a run stops), not the result, not an error (message, context,
 * cause chain), not a progress or retry event. The fake endpoint echoes the key in every field it
 * can, verbatim and in common encodings.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { HfqError, type ProgressEvent, Rng } from '@hfq/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RetryEvent } from './chat-client.js';
import { type GenerationSample, generateFactors } from './generate.js';
import { createRedactor } from './redact.js';
import { failure } from './test-utils/failure.js';
import { type FakeChatServer, type FakeStep, fakeChatClient } from './test-utils/fake-chat-server.js';
import { normalForward } from './test-utils/sample.js';

// Not shaped like `sk-...`: only the key-specific redaction can catch it. Has characters that
// URL-encoding and JSON escaping change.
const KEY = 'Qz7/mK+p=W9x:secret.tail~42"\\q';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
/** Every spelling of the key the endpoint echoes. */
const ECHOES = [
  KEY,
  `Bearer ${KEY}`,
  encodeURIComponent(KEY),
  encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  b64(KEY),
  b64url(KEY),
  b64(`user:${KEY}`), // HTTP Basic credentials: the key's base64 is not aligned
  b64(`x${KEY}`),
  Buffer.from(KEY, 'utf8').toString('hex'),
];
/** What must not appear in any output: each echo's key-determined part. */
const FORBIDDEN = [
  KEY,
  JSON.stringify(KEY).slice(1, -1),
  encodeURIComponent(KEY),
  encodeURIComponent(KEY).toLowerCase(),
  b64(KEY).slice(0, 36),
  b64url(KEY).slice(0, 36),
  b64(`user:${KEY}`).slice(8, 40),
  b64(`x${KEY}`).slice(4, 36),
  Buffer.from(KEY, 'utf8').toString('hex'),
  // a prefix of the key must not survive a cut either
  KEY.slice(0, 12),
];
const ECHO_TEXT = ECHOES.join(' | ');

function leaked(text: string): string[] {
  return FORBIDDEN.filter((f) => text.includes(f));
}
function errorText(e: unknown): string {
  const parts: string[] = [];
  let x: unknown = e;
  for (let i = 0; x !== undefined && x !== null && i < 10; i++) {
    parts.push(inspect(x, { depth: 10 }), String(x));
    if (HfqError.is(x)) parts.push(JSON.stringify(x.context));
    x = (x as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

const servers: FakeChatServer[] = [];
const dir = mkdtempSync(join(tmpdir(), 'hfq-secrets-'));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function clientFor(steps: FakeStep[], extra: { onRetry?: (e: RetryEvent) => void } = {}) {
  return fakeChatClient(servers, steps, {
    apiKey: KEY,
    baseDelayMs: 1,
    maxDelayMs: 5,
    maxAttempts: 2,
    timeoutMs: 5000,
    ...extra,
  });
}

// Any formula evaluates to a strong signal: the echoing factor is accepted and its meaning written.
const rng = new Rng(11, 'secrets-test');
const forward = normalForward(6, 30, rng);
const sample: GenerationSample = {
  forward,
  evaluate: (factors) => factors.map((_, i) => forward.map((v) => v + 0.3 * (i + 1) * rng.normal())),
};

/** A 200 answer with the key in every field a chat completion has. */
function echoingAnswer(formula: string): FakeStep {
  const content = JSON.stringify({
    factors: [
      { name: `n ${KEY}`, formula, meaning: `means ${ECHO_TEXT}` },
      { name: ECHO_TEXT, formula: `mean(close) + ${KEY}`, meaning: ECHO_TEXT },
      { name: 'b64', formula: b64(KEY), meaning: 'base64 as a formula' },
    ],
    note: ECHO_TEXT,
  });
  return {
    status: 200,
    headers: { 'x-echo': encodeURIComponent(KEY) },
    body: JSON.stringify({
      id: KEY,
      object: 'chat.completion',
      model: KEY,
      system_fingerprint: ECHO_TEXT,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: ECHO_TEXT }],
      usage: { prompt_tokens: 10, completion_tokens: 5 },
    }),
  };
}

describe('the API key is never persisted or reported', () => {
  it('redacts the key verbatim and its common encodings, at any base64 alignment', () => {
    const redact = createRedactor([KEY]);
    for (const echo of ECHOES) {
      const out = redact(`before ${echo} after`);
      expect(out).toContain('[redacted]');
      expect(leaked(out)).toEqual([]);
      expect(out.startsWith('before ')).toBe(true);
    }
    expect(redact(JSON.stringify({ k: KEY }))).toBe('{"k":"[redacted]"}');
    // Ordinary text is left alone; no key, nothing but token-shaped strings redacted.
    expect(redact('mean(close) / std(volume)')).toBe('mean(close) / std(volume)');
    expect(createRedactor([])('x Bearer abcdefghijkl y')).toBe('x [redacted] y');
    expect(createRedactor([undefined, ''])('plain')).toBe('plain');
  });

  it('keeps it out of the library file, the result and every event when the endpoint echoes it everywhere', async () => {
    const retries: RetryEvent[] = [];
    const events: ProgressEvent[] = [];
    const { client } = await clientFor(
      [
        { status: 500, body: `{"error":"upstream rejected ${ECHO_TEXT}"}` },
        { status: 200, body: `not json: ${ECHO_TEXT}` },
        { status: 200, body: `not json either: ${ECHO_TEXT}` },
        echoingAnswer('last(close) / first(open) - 1'),
      ],
      { onRetry: (e) => retries.push(e) },
    );
    const outFile = join(dir, 'echo.json');
    const res = await generateFactors({
      client,
      source: 'minute',
      existing: [],
      count: 1,
      maxRounds: 4,
      maxFailedRounds: 5,
      sample,
      screening: { minAbsRankIC: 0.05 },
      outFile,
      onProgress: (e) => events.push(e),
    });
    expect(res.library.factors).toHaveLength(1);
    expect(res.failedRounds.map((f) => f.code)).toEqual(['DSL_LLM_BAD_RESPONSE', 'DSL_LLM_BAD_RESPONSE']);
    const file = readFileSync(outFile, 'utf8');
    expect(file).toContain('[redacted]'); // the meaning was written, without the key
    expect(leaked(file)).toEqual([]);
    expect(leaked(JSON.stringify(res))).toEqual([]);
    expect(leaked(JSON.stringify(retries))).toEqual([]);
    expect(events.length).toBeGreaterThan(0);
    expect(leaked(JSON.stringify(events))).toEqual([]);
    // the served model (the key) is not recorded as a model name
    expect(res.library.provenance.servedModels).toEqual(['[redacted]']);
  });

  it('keeps it out of the partial library and the error when a run stops after accepting factors', async () => {
    const { client } = await clientFor([
      echoingAnswer('last(close) / first(open) - 1'),
      { status: 401, body: JSON.stringify({ error: { message: `invalid key ${ECHO_TEXT}` } }) },
    ]);
    const outFile = join(dir, 'partial.json');
    const e = await failure(
      generateFactors({
        client,
        source: 'minute',
        existing: [],
        count: 3,
        perRequest: 1,
        maxCandidatesPerReply: 1,
        sample,
        screening: { minAbsRankIC: 0.05 },
        outFile,
      }),
    );
    expect(e.code).toBe('DSL_LLM_HTTP');
    expect(leaked(errorText(e))).toEqual([]);
    const file = readFileSync(outFile, 'utf8');
    expect(JSON.parse(file).provenance.stoppedBy.code).toBe('DSL_LLM_HTTP');
    expect(leaked(file)).toEqual([]);
  });

  it('keeps it out of every client error, however the endpoint fails', async () => {
    const cases: FakeStep[][] = [
      [{ status: 401, body: ECHO_TEXT }],
      [{ status: 400, body: JSON.stringify({ error: { message: ECHO_TEXT, type: KEY } }) }],
      [
        { status: 503, body: ECHO_TEXT },
        { status: 502, body: ECHO_TEXT },
      ],
      [{ status: 200, body: ECHO_TEXT }],
      [{ status: 200, body: JSON.stringify({ choices: [], error: ECHO_TEXT }) }],
      [{ status: 200, headers: { 'content-type': 'text/html' }, body: `<p>${ECHO_TEXT}</p>` }],
    ];
    for (const steps of cases) {
      const { client } = await clientFor(steps);
      const e = await failure(client.complete({ messages: [{ role: 'user', content: 'hi' }] }));
      expect(leaked(errorText(e))).toEqual([]);
    }
  });
});
