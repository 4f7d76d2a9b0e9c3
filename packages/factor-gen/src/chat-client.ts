import { HfqError, Rng, type TaskOptions } from '@hfq/core';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfter,
  type RetryPolicy,
  sleep,
} from './backoff.js';
import { type LlmEndpointOptions, resolveLlmConfig } from './config.js';
import { llmError } from './errors.js';
import { bound, createRedactor, type Redact } from './redact.js';

/** One chat message. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One chat-completions request. */
export interface ChatRequest {
  messages: readonly ChatMessage[];
  /** Sampling temperature (server default when omitted). */
  temperature?: number;
  /** Cap on generated tokens (`max_tokens`). */
  maxTokens?: number;
  /** Asks for `response_format: { type: 'json_object' }` (not every compatible server supports it). */
  jsonMode?: boolean;
}

/** A successful reply. */
export interface ChatReply {
  /** Text of the first choice. */
  content: string;
  /** Model name the server reports, redacted and cut to 200 characters (the requested one when it reports none). */
  model: string;
  finishReason?: string;
  usage?: { promptTokens: number; completionTokens: number };
  /** Attempts it took (1 = no retry). */
  attempts: number;
}

/** What happened before a retry (for progress and tests). */
export interface RetryEvent {
  /** The attempt that failed (1-based). */
  attempt: number;
  /** HTTP status, or undefined for a timeout / network error. */
  status?: number;
  /** `timeout`, `network`, or `http`. */
  kind: 'timeout' | 'network' | 'http';
  /** Milliseconds the client waits before the next attempt. */
  delayMs: number;
  /** Server-requested wait, when sent. */
  retryAfterMs?: number;
}

/** Anything that answers chat requests: the HTTP client below, or a stand-in in tests. */
export interface ChatClient {
  /** Model name requests go to. */
  readonly model: string;
  /** Endpoint host (no credentials), for provenance. */
  readonly endpointHost: string;
  complete(request: ChatRequest, options?: TaskOptions): Promise<ChatReply>;
  /**
   * Removes the client's secrets (and their encodings) from a text. `generateFactors` passes
   * everything it returns or writes through it. Optional for stand-ins that hold no secret;
   * without it only token-shaped strings are redacted.
   */
  readonly redact?: Redact;
}

/** Options of {@link createChatClient}. Times in milliseconds. */
export interface ChatClientOptions extends LlmEndpointOptions, Partial<RetryPolicy> {
  /** Per-attempt limit for the whole exchange (headers and body). Default 120 000. */
  timeoutMs?: number;
  /** Largest response body accepted. Default 8 MiB. */
  maxResponseBytes?: number;
  /**
   * Most bytes of an error answer's (non-2xx) body read for its message, at least 4096. The rest
   * is not read (the connection is dropped); the message keeps at most 300 characters of it.
   * Default 64 KiB.
   */
  maxErrorBodyBytes?: number;
  /** Seed of the backoff jitter (through `Rng`). Default 0. */
  seed?: number;
  /** Called before each retry, after the delay is chosen. */
  onRetry?: (event: RetryEvent) => void;
}

type Attempt =
  | { ok: true; reply: Omit<ChatReply, 'attempts'> }
  | {
      ok: false;
      retryable: boolean;
      kind: RetryEvent['kind'];
      status?: number;
      retryAfterMs?: number;
      error: HfqError;
    };

/**
 * A chat-completions client for any OpenAI-compatible endpoint, on Node's global `fetch`.
 *
 * Each attempt runs under `timeoutMs` (an `AbortSignal`). 408/425/429/5xx answers, timeouts and
 * network errors are retried up to `maxAttempts` with exponential backoff and jitter, waiting at
 * least what `Retry-After` (or `retry-after-ms`) asks; other 4xx fail at once. The caller's
 * `signal` aborts the request and any wait at once (`ABORTED`); retries are reported through
 * `onProgress` (stage `llm`).
 *
 * The API key is held in a closure: it is not a property of the client. Everything the client
 * returns or throws that came from the server (the reply's content, model and finish reason,
 * error bodies, network messages) first goes through one redaction step ({@link createRedactor}
 * of the key: verbatim, `Bearer <key>`, JSON-escaped, URL-encoded, hex, base64), exposed as
 * `client.redact` for what callers persist. Server text in an error is cut to 300 characters
 * with a marker saying how much was cut.
 *
 * A 2xx answer must be `application/json` (or `+json`) in UTF-8: another content type or charset,
 * bytes that are not UTF-8, or a body that is not a chat completion fail with
 * `DSL_LLM_BAD_RESPONSE`; a body over `maxResponseBytes` fails with `DSL_LLM_RESPONSE_TOO_LARGE`
 * as soon as it passes the limit (an endless body included); a body that stops coming times out.
 *
 * @throws `DSL_LLM_CONFIG` on bad configuration (at creation).
 */
export function createChatClient(options: ChatClientOptions = {}): ChatClient {
  const { endpoint, apiKey } = resolveLlmConfig(options);
  const policy: RetryPolicy = {
    maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
  };
  checkIntOpt(policy.maxAttempts, 'maxAttempts', 1, 100);
  checkMs(policy.baseDelayMs, 'baseDelayMs');
  checkMs(policy.maxDelayMs, 'maxDelayMs');
  checkMs(policy.maxRetryAfterMs, 'maxRetryAfterMs');
  const timeoutMs = checkMs(options.timeoutMs ?? 120_000, 'timeoutMs', 1);
  const maxBytes = checkIntOpt(options.maxResponseBytes ?? 8 * 1024 * 1024, 'maxResponseBytes', 1, 2 ** 31);
  const maxErrorBytes = checkIntOpt(
    options.maxErrorBodyBytes ?? 64 * 1024,
    'maxErrorBodyBytes',
    4096,
    2 ** 31,
  );
  const rng = new Rng(options.seed ?? 0, 'llm-backoff');
  const redactText = createRedactor([apiKey]);
  /** Server text for an error message: redacted, then bounded (never the other way round). */
  const serverText = (text: string, maxChars = 300) => bound(redactText(text), maxChars);

  async function attempt(request: ChatRequest, signal: AbortSignal | undefined): Promise<Attempt> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, timeoutMs);
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'application/json',
      };
      if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
      const body: Record<string, unknown> = { model: endpoint.model, messages: request.messages };
      if (request.temperature !== undefined) body.temperature = request.temperature;
      if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
      if (request.jsonMode) body.response_format = { type: 'json_object' };
      const res = await fetch(endpoint.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: controller.signal,
        redirect: 'error',
      });
      if (!res.ok) {
        // Only the start of an error body is read: it is only there to be quoted.
        const text = await readErrorBody(res, maxErrorBytes);
        const retryAfterMs = parseRetryAfter(res.headers);
        const error = llmError(
          'DSL_LLM_HTTP',
          `chat-completions answered ${res.status}: ${serverText(text)}`,
          { status: res.status, source: endpoint.host },
        );
        return {
          ok: false,
          retryable: isRetryableStatus(res.status),
          kind: 'http',
          status: res.status,
          ...(retryAfterMs !== undefined && { retryAfterMs }),
          error,
        };
      }
      checkContentType(res.headers.get('content-type'), endpoint.host);
      const text = await readCapped(res, maxBytes, controller, endpoint.host);
      return { ok: true, reply: parseReply(text, endpoint.model, redactText, endpoint.host) };
    } catch (e) {
      if (signal?.aborted) {
        throw new HfqError('ABORTED', 'LLM request was aborted', { stage: 'llm' }, { cause: signal.reason });
      }
      if (HfqError.is(e)) throw e;
      if (timedOut) {
        return {
          ok: false,
          retryable: true,
          kind: 'timeout',
          error: llmError('DSL_LLM_RETRIES_EXHAUSTED', `no answer within ${timeoutMs} ms`, {
            source: endpoint.host,
          }),
        };
      }
      // fetch rejects with a TypeError on connection problems; the message names no secret.
      const msg = e instanceof Error ? `${e.message}${causeText(e)}` : String(e);
      if (/redirect/i.test(msg)) {
        // Redirects are refused (the key must not follow them); retrying cannot help.
        throw llmError(
          'DSL_LLM_HTTP',
          'the endpoint answered with a redirect; give the final URL as baseUrl',
          {
            source: endpoint.host,
          },
        );
      }
      return {
        ok: false,
        retryable: true,
        kind: 'network',
        error: llmError('DSL_LLM_RETRIES_EXHAUSTED', `network error: ${serverText(msg)}`, {
          source: endpoint.host,
        }),
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // Whatever was left unread (a refused content type, an early error) is dropped, not kept.
      controller.abort(new Error('attempt over'));
    }
  }

  async function complete(request: ChatRequest, task: TaskOptions = {}): Promise<ChatReply> {
    const signal = task.signal;
    for (let n = 1; ; n++) {
      if (signal?.aborted) {
        throw new HfqError('ABORTED', 'LLM request was aborted', { stage: 'llm' }, { cause: signal.reason });
      }
      const r = await attempt(request, signal);
      if (r.ok) return { ...r.reply, attempts: n };
      if (!r.retryable) throw r.error;
      if (r.retryAfterMs !== undefined && r.retryAfterMs > policy.maxRetryAfterMs) {
        throw llmError(
          'DSL_LLM_RATE_LIMITED',
          `the endpoint asks to wait ${Math.ceil(r.retryAfterMs)} ms, more than maxRetryAfterMs = ${policy.maxRetryAfterMs}`,
          { retryAfterMs: r.retryAfterMs, status: r.status, source: endpoint.host },
          r.error,
        );
      }
      if (n >= policy.maxAttempts) {
        throw llmError(
          'DSL_LLM_RETRIES_EXHAUSTED',
          `chat-completions failed ${n} times; last: ${r.error.message}`,
          {
            attempts: n,
            ...(r.status !== undefined ? { lastStatus: r.status } : { lastError: r.kind }),
            source: endpoint.host,
          },
          r.error,
        );
      }
      const delayMs = backoffDelay(n, policy, rng, r.retryAfterMs);
      const event: RetryEvent = {
        attempt: n,
        kind: r.kind,
        delayMs,
        ...(r.status !== undefined && { status: r.status }),
        ...(r.retryAfterMs !== undefined && { retryAfterMs: r.retryAfterMs }),
      };
      options.onRetry?.(event);
      task.onProgress?.({
        stage: 'llm',
        done: n,
        total: policy.maxAttempts,
        unit: 'attempts',
        message: `attempt ${n} failed (${r.status ?? r.kind}); retrying in ${Math.round(delayMs)} ms`,
      });
      await sleep(delayMs, signal);
    }
  }

  return Object.freeze({ model: endpoint.model, endpointHost: endpoint.host, complete, redact: redactText });
}

/**
 * A 2xx answer must be JSON (`application/json` or `application/*+json`), in UTF-8 when a charset
 * is named. A missing content type is wrong too: the body is not assumed to be what was asked for.
 */
function checkContentType(header: string | null, host: string): void {
  const [type = '', ...params] = (header ?? '').split(';').map((p) => p.trim().toLowerCase());
  if (!/^application\/([a-z0-9.+-]+\+)?json$/.test(type)) {
    throw llmError(
      'DSL_LLM_BAD_RESPONSE',
      `the endpoint answered content type ${header === null ? '(none)' : JSON.stringify(bound(header, 100))}, not application/json`,
      { source: host, field: 'content-type' },
    );
  }
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw llmError(
      'DSL_LLM_BAD_RESPONSE',
      `the endpoint answered in charset ${JSON.stringify(bound(charset, 40))}; only UTF-8 is read`,
      { source: host, field: 'content-type' },
    );
  }
}

/**
 * Reads the body as UTF-8 text, failing with `DSL_LLM_RESPONSE_TOO_LARGE` once it passes
 * `maxBytes` (a declared `content-length` over it fails before reading) and with
 * `DSL_LLM_BAD_RESPONSE` on bytes that are not UTF-8 (nothing is replaced silently).
 */
async function readCapped(
  res: Response,
  maxBytes: number,
  controller: AbortController,
  host: string,
): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    controller.abort(new Error('too large'));
    throw llmError('DSL_LLM_RESPONSE_TOO_LARGE', `response of ${declared} bytes exceeds ${maxBytes}`, {
      size: declared,
      source: host,
    });
  }
  if (res.body === null) return '';
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let size = 0;
  let text = '';
  try {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        controller.abort(new Error('too large'));
        throw llmError('DSL_LLM_RESPONSE_TOO_LARGE', `response exceeds ${maxBytes} bytes`, {
          size,
          source: host,
        });
      }
      text += decoder.decode(chunk, { stream: true });
    }
    return text + decoder.decode();
  } catch (e) {
    if (e instanceof TypeError && (e as { code?: unknown }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
      controller.abort(new Error('not UTF-8'));
      throw llmError(
        'DSL_LLM_BAD_RESPONSE',
        `the answer is not valid UTF-8 (within its first ${size} bytes)`,
        {
          source: host,
          size,
        },
      );
    }
    throw e;
  }
}

/**
 * The first `maxBytes` of an error body as text (invalid UTF-8 shown as U+FFFD: it is only
 * quoted); the rest is not read.
 */
async function readErrorBody(res: Response, maxBytes: number): Promise<string> {
  if (res.body === null) return '';
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  let cut = false;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    const room = maxBytes - size;
    size += chunk.byteLength;
    text += decoder.decode(room < chunk.byteLength ? chunk.subarray(0, room) : chunk, { stream: true });
    if (size >= maxBytes) {
      cut = true;
      break; // cancels the body; the caller's finally drops the connection
    }
  }
  text += decoder.decode();
  return cut ? `${text}… [rest of the body not read]` : text;
}

function parseReply(
  text: string,
  requestedModel: string,
  redactText: Redact,
  host: string,
): Omit<ChatReply, 'attempts'> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw llmError(
      'DSL_LLM_BAD_RESPONSE',
      `the endpoint did not answer JSON: ${bound(redactText(text), 120)}`,
      { source: host },
    );
  }
  const choices = field(json, 'choices');
  const first = Array.isArray(choices) ? choices[0] : undefined;
  const content = field(field(first, 'message'), 'content');
  if (typeof content !== 'string') {
    throw llmError('DSL_LLM_BAD_RESPONSE', 'the answer has no choices[0].message.content string', {
      source: host,
    });
  }
  const model = field(json, 'model');
  const finish = field(first, 'finish_reason');
  const usage = field(json, 'usage');
  const pt = field(usage, 'prompt_tokens');
  const ct = field(usage, 'completion_tokens');
  return {
    content: redactText(content),
    // An over-long name is cut with a marker, not swapped for the requested one (that would claim
    // the requested model answered).
    model: typeof model === 'string' && model.length > 0 ? bound(redactText(model), 200) : requestedModel,
    ...(typeof finish === 'string' && { finishReason: bound(redactText(finish), 100) }),
    ...(typeof pt === 'number' &&
      typeof ct === 'number' && { usage: { promptTokens: pt, completionTokens: ct } }),
  };
}

/** `obj[key]` for own properties of plain objects only (no prototype walk, no getters of arrays). */
function field(obj: unknown, key: string): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return undefined;
  return Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

function causeText(e: Error): string {
  const c = (e as { cause?: unknown }).cause;
  if (c instanceof Error) {
    const code = (c as { code?: unknown }).code;
    return ` (${typeof code === 'string' ? code : c.message})`;
  }
  return '';
}

function checkIntOpt(n: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw llmError('DSL_LLM_CONFIG', `${field} must be an integer in [${min}, ${max}], got ${String(n)}`, {
      field,
    });
  }
  return n;
}

function checkMs(n: number, field: string, min = 0): number {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min) {
    throw llmError('DSL_LLM_CONFIG', `${field} must be a finite number of ms >= ${min}, got ${String(n)}`, {
      field,
    });
  }
  return n;
}
