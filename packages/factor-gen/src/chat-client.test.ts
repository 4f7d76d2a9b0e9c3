import { inspect } from 'node:util';
import { HfqError, Rng } from '@hfq/core';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter } from './backoff.js';
import { createChatClient, type RetryEvent } from './chat-client.js';
import { resolveLlmConfig } from './config.js';
import { redact } from './redact.js';
import { failure } from './test-utils/failure.js';
import { chatBody, type FakeChatServer, startFakeChatServer } from './test-utils/fake-chat-server.js';

const KEY = 'sk-test-SECRET0123456789abcdef';
const servers: FakeChatServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function server(...steps: Parameters<typeof startFakeChatServer>[0] & object): Promise<FakeChatServer> {
  const s = await startFakeChatServer(steps);
  servers.push(s);
  return s;
}
const fast = { baseDelayMs: 5, maxDelayMs: 20, env: {} };
const ask = { messages: [{ role: 'user' as const, content: 'write factors' }] };

function leaks(e: HfqError): boolean {
  return `${e.message} ${JSON.stringify(e.context)} ${inspect(e)} ${String(e.cause)}`.includes(KEY);
}

describe('chat client against a local chat-completions server', () => {
  it('sends model, messages, options and the bearer key; returns content, usage and attempts', async () => {
    const s = await server({ reply: 'ts_mean(close, 5)', model: 'served-model' });
    const client = createChatClient({ ...fast, baseUrl: s.baseUrl, model: 'm1', apiKey: KEY });
    const r = await client.complete({ ...ask, temperature: 0.3, maxTokens: 500, jsonMode: true });
    expect(r).toMatchObject({
      content: 'ts_mean(close, 5)',
      model: 'served-model',
      attempts: 1,
      finishReason: 'stop',
    });
    expect(r.usage).toEqual({ promptTokens: 100, completionTokens: 50 });
    expect(s.requests).toHaveLength(1);
    const req = s.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.body).toEqual({
      model: 'm1',
      messages: ask.messages,
      temperature: 0.3,
      max_tokens: 500,
      response_format: { type: 'json_object' },
    });
    expect(client.endpointHost).toBe(new URL(s.baseUrl).host);
  });

  it('cuts an over-long served model name with a marker instead of reporting the requested one', async () => {
    const s = await server({ reply: 'x', model: 'm'.repeat(250) });
    const client = createChatClient({ ...fast, baseUrl: s.baseUrl, model: 'requested' });
    expect((await client.complete(ask)).model).toBe(`${'m'.repeat(200)}… [50 more characters cut]`);
  });

  it('keeps the key out of the client object', async () => {
    const client = createChatClient({ ...fast, baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: KEY });
    expect(JSON.stringify(client)).not.toContain(KEY);
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(KEY);
    expect(Object.isFrozen(client)).toBe(true);
  });

  it('retries 429 after the Retry-After it was given (seconds)', async () => {
    const s = await server(
      { status: 429, headers: { 'retry-after': '1' }, body: '{"error":"slow down"}' },
      { reply: 'ok' },
    );
    const events: RetryEvent[] = [];
    const client = createChatClient({
      ...fast,
      baseUrl: s.baseUrl,
      model: 'm',
      onRetry: (e) => events.push(e),
    });
    const t0 = Date.now();
    const r = await client.complete(ask);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
    expect(r.attempts).toBe(2);
    expect(events).toEqual([{ attempt: 1, kind: 'http', status: 429, retryAfterMs: 1000, delayMs: 1000 }]);
  });

  it('retries 500/502/503 with growing backoff and reports progress', async () => {
    const s = await server(
      { status: 500 },
      { status: 502 },
      { status: 503, headers: { 'retry-after-ms': '30' } },
      { reply: 'fine' },
    );
    const events: RetryEvent[] = [];
    const progress: string[] = [];
    const client = createChatClient({
      ...fast,
      baseUrl: s.baseUrl,
      model: 'm',
      onRetry: (e) => events.push(e),
    });
    const r = await client.complete(ask, { onProgress: (e) => progress.push(e.message ?? '') });
    expect(r).toMatchObject({ content: 'fine', attempts: 4 });
    expect(events.map((e) => e.status)).toEqual([500, 502, 503]);
    expect(events[0]!.delayMs).toBeGreaterThanOrEqual(2.5);
    expect(events[0]!.delayMs).toBeLessThanOrEqual(5);
    expect(events[1]!.delayMs).toBeGreaterThanOrEqual(5);
    expect(events[1]!.delayMs).toBeLessThanOrEqual(10);
    expect(events[2]!.delayMs).toBeGreaterThanOrEqual(30);
    expect(progress).toHaveLength(3);
    expect(progress[0]).toMatch(/attempt 1 failed \(500\)/);
  });

  it('times out a slow answer and retries it', async () => {
    const s = await server({ reply: 'late', delayMs: 1500 }, { reply: 'on time' });
    const events: RetryEvent[] = [];
    const client = createChatClient({
      ...fast,
      baseUrl: s.baseUrl,
      model: 'm',
      timeoutMs: 150,
      onRetry: (e) => events.push(e),
    });
    const r = await client.complete(ask);
    expect(r).toMatchObject({ content: 'on time', attempts: 2 });
    expect(events[0]!.kind).toBe('timeout');
  });

  it('times out a body that never ends and gives up after maxAttempts', async () => {
    const s = await server({ hang: true }, { hang: true });
    const client = createChatClient({
      ...fast,
      baseUrl: s.baseUrl,
      model: 'm',
      timeoutMs: 100,
      maxAttempts: 2,
    });
    const e = await failure(client.complete(ask));
    expect(e.code).toBe('DSL_LLM_RETRIES_EXHAUSTED');
    expect(e.context).toMatchObject({ attempts: 2, lastError: 'timeout' });
    expect(s.requests).toHaveLength(2);
  });

  it('gives up on a persistent 500 after exactly maxAttempts requests', async () => {
    const s = await server({ status: 500 }, { status: 500 }, { status: 500 }, { reply: 'too late' });
    const client = createChatClient({ ...fast, baseUrl: s.baseUrl, model: 'm', maxAttempts: 3, apiKey: KEY });
    const e = await failure(client.complete(ask));
    expect(e.code).toBe('DSL_LLM_RETRIES_EXHAUSTED');
    expect(e.context).toMatchObject({ attempts: 3, lastStatus: 500 });
    expect(s.requests).toHaveLength(3);
  });

  it('fails at once on 401 and never repeats the key the server echoed', async () => {
    const s = await server({
      status: 401,
      body: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}. Also Bearer ${KEY}` } }),
    });
    const client = createChatClient({ ...fast, baseUrl: s.baseUrl, model: 'm', apiKey: KEY });
    const e = await failure(client.complete(ask));
    expect(e.code).toBe('DSL_LLM_HTTP');
    expect(e.context.status).toBe(401);
    expect(e.message).toContain('[redacted]');
    expect(leaks(e)).toBe(false);
    expect(s.requests).toHaveLength(1);
  });

  it('refuses a Retry-After longer than maxRetryAfterMs instead of hammering or hanging', async () => {
    const s = await server({ status: 429, headers: { 'retry-after': '3600' } });
    const client = createChatClient({ ...fast, baseUrl: s.baseUrl, model: 'm', maxRetryAfterMs: 5000 });
    const t0 = Date.now();
    const e = await failure(client.complete(ask));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(e.code).toBe('DSL_LLM_RATE_LIMITED');
    expect(e.context.retryAfterMs).toBe(3_600_000);
  });

  it('rejects 2xx answers that are not chat completions', async () => {
    const s = await server(
      { status: 200, body: 'Gateway says hi' },
      { status: 200, body: '{"choices": []}' },
      { status: 200, body: '{"choices": [{"message": {"content": 42}}]}' },
    );
    const client = createChatClient({ ...fast, baseUrl: s.baseUrl, model: 'm' });
    for (let i = 0; i < 3; i++)
      expect((await failure(client.complete(ask))).code).toBe('DSL_LLM_BAD_RESPONSE');
  });

  it('caps the response size', async () => {
    const s = await server({ reply: 'x'.repeat(50_000) });
    const client = createChatClient({ ...fast, baseUrl: s.baseUrl, model: 'm', maxResponseBytes: 10_000 });
    expect((await failure(client.complete(ask))).code).toBe('DSL_LLM_RESPONSE_TOO_LARGE');
  });

  it('refuses a 2xx answer that is not JSON in UTF-8 by its content type, without retrying', async () => {
    const s = await server(
      { status: 200, headers: { 'content-type': 'text/html' }, body: chatBody('close') },
      { status: 200, headers: { 'content-type': 'text/event-stream' }, body: 'data: {}' },
      {
        status: 200,
        headers: { 'content-type': 'application/json; charset=iso-8859-1' },
        body: chatBody('x'),
      },
      {
        status: 200,
        headers: { 'content-type': 'application/vnd.api+json; charset=UTF-8' },
        body: chatBody('ok'),
      },
    );
    const client = createChatClient({ ...fast, baseUrl: s.baseUrl, model: 'm' });
    for (const type of ['text/html', 'text/event-stream', 'iso-8859-1']) {
      const e = await failure(client.complete(ask));
      expect(e.code).toBe('DSL_LLM_BAD_RESPONSE');
      expect(e.message).toContain(type);
    }
    expect((await client.complete(ask)).content).toBe('ok');
    expect(s.requests).toHaveLength(4);
  });

  it('refuses bytes that are not UTF-8 instead of replacing them', async () => {
    const body = Buffer.concat([
      Buffer.from('{"choices":[{"message":{"content":"mean(close'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(')"}}]}'),
    ]);
    const s = await server({ status: 200, body });
    const client = createChatClient({ ...fast, baseUrl: s.baseUrl, model: 'm' });
    const e = await failure(client.complete(ask));
    expect(e.code).toBe('DSL_LLM_BAD_RESPONSE');
    expect(e.message).toMatch(/not valid UTF-8/);
  });

  it('stops an endless body at maxResponseBytes, and a dribbling one at the timeout', async () => {
    const s = await server(
      { stream: 'x'.repeat(16 * 1024) },
      { stream: '{"a":1}', intervalMs: 20 },
      { stream: '{"a":1}', intervalMs: 20 },
    );
    const client = createChatClient({
      ...fast,
      baseUrl: s.baseUrl,
      model: 'm',
      maxResponseBytes: 1024 * 1024,
      timeoutMs: 300,
      maxAttempts: 2,
    });
    let t0 = Date.now();
    const big = await failure(client.complete(ask));
    expect(big.code).toBe('DSL_LLM_RESPONSE_TOO_LARGE');
    expect(big.context.size).toBeGreaterThan(1024 * 1024);
    expect(big.context.size).toBeLessThan(2 * 1024 * 1024);
    expect(Date.now() - t0).toBeLessThan(10_000);
    t0 = Date.now();
    const slow = await failure(client.complete(ask));
    expect(slow.code).toBe('DSL_LLM_RETRIES_EXHAUSTED');
    expect(slow.context).toMatchObject({ attempts: 2, lastError: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('bounds server text in errors: a 4 MB error or non-JSON body becomes a short message', async () => {
    const huge = `${'y'.repeat(4 * 1024 * 1024)} tail`;
    const s = await server({ status: 400, body: huge }, { status: 200, body: huge });
    const client = createChatClient({ ...fast, baseUrl: s.baseUrl, model: 'm' });
    const http = await failure(client.complete(ask));
    expect(http.code).toBe('DSL_LLM_HTTP');
    // only the first 64 KiB are read; 300 characters of them are kept
    expect(http.message).toMatch(/answered 400: y{300}… \[\d+ more characters cut\]/);
    expect(http.message.length).toBeLessThan(450);
    const bad = await failure(client.complete(ask));
    expect(bad.code).toBe('DSL_LLM_BAD_RESPONSE');
    expect(bad.message).toContain(
      `the endpoint did not answer JSON: ${'y'.repeat(120)}… [${huge.length - 120} more characters cut]`,
    );
    expect(bad.message.length).toBeLessThan(250);
  });

  it('stops at once when the caller aborts, during a request or a backoff wait', async () => {
    const s = await server(
      { reply: 'slow', delayMs: 5000 },
      { status: 503, headers: { 'retry-after': '10' } },
    );
    const client = createChatClient({ ...fast, baseUrl: s.baseUrl, model: 'm', timeoutMs: 60_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    let t0 = Date.now();
    expect((await failure(client.complete(ask, { signal: ac.signal }))).code).toBe('ABORTED');
    expect(Date.now() - t0).toBeLessThan(2000);
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 100);
    t0 = Date.now();
    expect((await failure(client.complete(ask, { signal: ac2.signal }))).code).toBe('ABORTED');
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('refuses redirects (the key never follows one) without retrying', async () => {
    const s = await server({ status: 307, headers: { location: 'http://127.0.0.1:9/elsewhere' } });
    const client = createChatClient({ ...fast, baseUrl: s.baseUrl, model: 'm', apiKey: KEY });
    const e = await failure(client.complete(ask));
    expect(e.code).toBe('DSL_LLM_HTTP');
    expect(e.message).toMatch(/redirect/);
    expect(s.requests).toHaveLength(1);
  });

  it('retries network errors (nothing listening) then gives up', async () => {
    const s = await server();
    const url = s.baseUrl;
    await s.close();
    servers.length = 0;
    const client = createChatClient({ ...fast, baseUrl: url, model: 'm', maxAttempts: 2, apiKey: KEY });
    const e = await failure(client.complete(ask));
    expect(e.code).toBe('DSL_LLM_RETRIES_EXHAUSTED');
    expect(e.context).toMatchObject({ attempts: 2, lastError: 'network' });
    expect(leaks(e)).toBe(false);
  });
});

describe('configuration', () => {
  it('reads base URL, model and key from the environment, options first', () => {
    const env = {
      HFQ_LLM_BASE_URL: 'http://127.0.0.1:8000/v1/',
      HFQ_LLM_MODEL: 'env-model',
      OPENAI_API_KEY: 'k2',
    };
    const a = resolveLlmConfig({ env });
    expect(a.endpoint).toEqual({
      url: 'http://127.0.0.1:8000/v1/chat/completions',
      host: '127.0.0.1:8000',
      model: 'env-model',
    });
    expect(a.apiKey).toBe('k2');
    expect(resolveLlmConfig({ env: { ...env, HFQ_LLM_API_KEY: 'k1' } }).apiKey).toBe('k1');
    expect(resolveLlmConfig({ env, model: 'opt', apiKey: 'k0' })).toMatchObject({
      endpoint: { model: 'opt' },
      apiKey: 'k0',
    });
    expect(resolveLlmConfig({ env: { HFQ_LLM_MODEL: 'm' } }).endpoint.url).toBe(
      'https://api.openai.com/v1/chat/completions',
    );
    expect(resolveLlmConfig({ env: { HFQ_LLM_MODEL: 'm' } }).apiKey).toBeUndefined();
  });

  it('fails without a model, and on URLs carrying credentials without echoing them', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return HfqError.is(e) ? e : undefined;
      }
      return undefined;
    };
    expect(code(() => resolveLlmConfig({ env: {} }))?.code).toBe('DSL_LLM_CONFIG');
    const e = code(() =>
      resolveLlmConfig({ env: {}, model: 'm', baseUrl: `https://user:${KEY}@example.com/v1` }),
    );
    expect(e?.code).toBe('DSL_LLM_CONFIG');
    expect(leaks(e!)).toBe(false);
    const q = code(() =>
      resolveLlmConfig({ env: {}, model: 'm', baseUrl: `https://example.com/v1?api-key=${KEY}` }),
    );
    expect(q?.code).toBe('DSL_LLM_CONFIG');
    expect(leaks(q!)).toBe(false);
    expect(code(() => resolveLlmConfig({ env: {}, model: 'm', baseUrl: 'file:///etc/passwd' }))?.code).toBe(
      'DSL_LLM_CONFIG',
    );
    expect(
      code(() => resolveLlmConfig({ env: {}, model: 'm', baseUrl: `not a url ${KEY}` }))?.message,
    ).not.toContain(KEY);
    expect(code(() => createChatClient({ env: {}, model: 'm', maxAttempts: 0 }))?.code).toBe(
      'DSL_LLM_CONFIG',
    );
  });
});

describe('backoff and Retry-After', () => {
  it('parses delay-seconds, HTTP dates and retry-after-ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': '7' }), now)).toBe(7000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(
      30_000,
    );
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }), now)).toBe(0);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
  });

  it('doubles up to the cap with jitter in [d/2, d], deterministic per seed', () => {
    const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    const a = new Rng(1, 'b');
    const b = new Rng(1, 'b');
    for (let k = 1; k <= 8; k++) {
      const d = Math.min(1000, 100 * 2 ** (k - 1));
      const x = backoffDelay(k, p, a);
      expect(x).toBeGreaterThanOrEqual(d / 2);
      expect(x).toBeLessThanOrEqual(d);
      expect(backoffDelay(k, p, b)).toBe(x);
    }
    expect(backoffDelay(1, p, a, 5000)).toBe(5000);
  });

  it('redacts keys and token-like strings', () => {
    expect(redact(`bad key ${KEY}!`, KEY)).toBe('bad key [redacted]!');
    expect(redact('Authorization: Bearer abc.def-ghijkl')).toBe('Authorization: [redacted]');
    expect(redact('sk-live-abcdefghijkl in text')).toBe('[redacted] in text');
    // cut to 300 characters with a marker that says how much was cut (was a bare '...')
    expect(redact('x'.repeat(400))).toBe(`${'x'.repeat(300)}… [100 more characters cut]`);
    expect(chatBody('a')).toContain('"content":"a"');
  });
});
