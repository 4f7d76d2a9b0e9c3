import { HfqError, type HfqErrorContext } from '@hfq/core';

/**
 * Error codes of LLM factor generation. Stable; programs match on them. No message or context
 * ever contains the API key.
 *
 * - `DSL_LLM_CONFIG`: missing or malformed configuration (no model, a base URL that is not
 *   http(s) or carries credentials, a bad option).
 * - `DSL_LLM_HTTP`: the endpoint answered with a status that retrying cannot fix (400, 401, 403,
 *   404, ...). Context: `status`.
 * - `DSL_LLM_RETRIES_EXHAUSTED`: every attempt failed with a retryable problem (429, 5xx,
 *   timeout, network). Context: `attempts`, `lastStatus` or `lastError`.
 * - `DSL_LLM_RATE_LIMITED`: the endpoint asked to wait longer (Retry-After) than
 *   `maxRetryAfterMs` allows. Context: `retryAfterMs`.
 * - `DSL_LLM_BAD_RESPONSE`: a 2xx answer that is not a chat-completions JSON with a text reply.
 * - `DSL_LLM_RESPONSE_TOO_LARGE`: the body exceeded `maxResponseBytes`.
 * - `DSL_LLM_LIBRARY`: a generated library file is malformed (on read).
 */
export type LlmErrorCode =
  | 'DSL_LLM_CONFIG'
  | 'DSL_LLM_HTTP'
  | 'DSL_LLM_RETRIES_EXHAUSTED'
  | 'DSL_LLM_RATE_LIMITED'
  | 'DSL_LLM_BAD_RESPONSE'
  | 'DSL_LLM_RESPONSE_TOO_LARGE'
  | 'DSL_LLM_LIBRARY';

export function llmError(
  code: LlmErrorCode,
  message: string,
  context: HfqErrorContext = {},
  cause?: unknown,
): HfqError<LlmErrorCode> {
  return new HfqError<LlmErrorCode>(code, message, context, cause === undefined ? undefined : { cause });
}
