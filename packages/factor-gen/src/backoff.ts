import { HfqError, type Rng } from '@hfq/core';

/** Retry policy of the chat client. All times in milliseconds. */
export interface RetryPolicy {
  /** Attempts in all, first one included. Default 5. */
  maxAttempts: number;
  /** Backoff before retry `k` (1-based) is `baseDelayMs * 2^(k-1)`, capped at `maxDelayMs`, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After the client will honour; a longer one fails with `DSL_LLM_RATE_LIMITED`. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** HTTP statuses worth retrying: request timeout, too early, rate limit, and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Backoff before retry number `retry` (1 = the first retry): exponential with "equal jitter",
 * uniform in `[d/2, d]` for `d = min(maxDelayMs, baseDelayMs * 2^(retry-1))`, so that clients
 * that failed together do not retry together. A server's Retry-After is a floor.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, rng: Rng, retryAfterMs?: number): number {
  const d = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const jittered = d * (0.5 + 0.5 * rng.uniform());
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}

/**
 * Milliseconds a response asks the client to wait: `retry-after-ms` (a number of ms, sent by some
 * OpenAI-compatible servers), else `Retry-After` as delay-seconds or an HTTP date (relative to
 * `nowMs`). Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(headers: Headers, nowMs = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.max(0, Number(ms));
  const v = headers.get('retry-after');
  if (v === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.max(0, Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Resolves after `ms`, or rejects with `ABORTED` as soon as `signal` aborts. The timer does not
 * keep the process alive past an abort.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () =>
      new HfqError('ABORTED', 'LLM request was aborted', { stage: 'llm' }, { cause: signal?.reason });
    if (signal?.aborted) {
      reject(aborted());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
