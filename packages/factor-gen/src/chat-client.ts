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
import { redact } from './redact.js';

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
  /** Model name the server reports (falls back to the requested one). */
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
}

/** Options of {@link createChatClient}. Times in milliseconds. */
export interface ChatClientOptions extends LlmEndpointOptions, Partial<RetryPolicy> {
  /** Per-attempt limit for the whole exchange (headers and body). Default 120 000. */
  timeoutMs?: number;
  /** Largest response body accepted. Default 8 MiB. */
  maxResponseBytes?: number;
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
 * The API key is held in a closure: it is not a property of the client, and it never appears in
 * an error, a report or provenance (server text is passed through {@link redact}).
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
  const rng = new Rng(options.seed ?? 0, 'llm-backoff');

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
      const text = await readCapped(res, maxBytes, controller);
      if (!res.ok) {
        const retryAfterMs = parseRetryAfter(res.headers);
        const error = llmError(
          'DSL_LLM_HTTP',
          `chat-completions answered ${res.status}: ${redact(text, apiKey)}`,
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
      return { ok: true, reply: parseReply(text, endpoint.model, apiKey) };
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
        error: llmError('DSL_LLM_RETRIES_EXHAUSTED', `network error: ${redact(msg, apiKey)}`, {
          source: endpoint.host,
        }),
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
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

  return Object.freeze({ model: endpoint.model, endpointHost: endpoint.host, complete });
}

/** Reads the body as UTF-8 text, failing once it passes `maxBytes`. */
async function readCapped(res: Response, maxBytes: number, controller: AbortController): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    controller.abort(new Error('too large'));
    throw llmError('DSL_LLM_RESPONSE_TOO_LARGE', `response of ${declared} bytes exceeds ${maxBytes}`, {
      size: declared,
    });
  }
  if (res.body === null) return '';
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      controller.abort(new Error('too large'));
      throw llmError('DSL_LLM_RESPONSE_TOO_LARGE', `response exceeds ${maxBytes} bytes`, { size });
    }
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

function parseReply(
  text: string,
  requestedModel: string,
  apiKey: string | undefined,
): Omit<ChatReply, 'attempts'> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw llmError('DSL_LLM_BAD_RESPONSE', `the endpoint did not answer JSON: ${redact(text, apiKey, 120)}`);
  }
  const choices = field(json, 'choices');
  const first = Array.isArray(choices) ? choices[0] : undefined;
  const content = field(field(first, 'message'), 'content');
  if (typeof content !== 'string') {
    throw llmError('DSL_LLM_BAD_RESPONSE', 'the answer has no choices[0].message.content string');
  }
  const model = field(json, 'model');
  const finish = field(first, 'finish_reason');
  const usage = field(json, 'usage');
  const pt = field(usage, 'prompt_tokens');
  const ct = field(usage, 'completion_tokens');
  return {
    content,
    model: typeof model === 'string' && model.length > 0 && model.length < 200 ? model : requestedModel,
    ...(typeof finish === 'string' && { finishReason: finish }),
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
