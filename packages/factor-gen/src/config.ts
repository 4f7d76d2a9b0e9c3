import { llmError } from './errors.js';

/** Environment variables read by {@link resolveLlmConfig}. */
export const LLM_ENV = {
  baseUrl: 'HFQ_LLM_BASE_URL',
  model: 'HFQ_LLM_MODEL',
  apiKey: 'HFQ_LLM_API_KEY',
  apiKeyFallback: 'OPENAI_API_KEY',
} as const;

/** Default base URL of an OpenAI-compatible API (the `/chat/completions` path is appended). */
export const DEFAULT_LLM_BASE_URL = 'https://api.openai.com/v1';

/** Where and as what to call the chat-completions API. Options win over the environment. */
export interface LlmEndpointOptions {
  /** Base URL, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8000/v1`. Env `HFQ_LLM_BASE_URL`. */
  baseUrl?: string;
  /** Model name sent in each request. Env `HFQ_LLM_MODEL`. Required from one or the other. */
  model?: string;
  /**
   * API key, sent as `Authorization: Bearer <key>`. Env `HFQ_LLM_API_KEY`, then `OPENAI_API_KEY`.
   * May be absent for local servers. Never logged, never put in errors, reports or provenance.
   */
  apiKey?: string;
  /** Environment to read (default `process.env`); tests pass their own. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A resolved endpoint. The key is kept out of this object (see `createChatClient`). */
export interface LlmEndpoint {
  /** Full chat-completions URL (no credentials, no query string). */
  url: string;
  /** Host (and port) of the endpoint, safe to record in provenance. */
  host: string;
  model: string;
}

/**
 * Resolves base URL, model and key from options, then the environment.
 * @throws `DSL_LLM_CONFIG` without a model, for a base URL that is not http(s), or one that
 *   carries user info or a query string (credentials belong in `apiKey`).
 */
export function resolveLlmConfig(options: LlmEndpointOptions = {}): {
  endpoint: LlmEndpoint;
  apiKey?: string;
} {
  const env = options.env ?? process.env;
  const base = nonEmpty(options.baseUrl) ?? nonEmpty(env[LLM_ENV.baseUrl]) ?? DEFAULT_LLM_BASE_URL;
  const model = nonEmpty(options.model) ?? nonEmpty(env[LLM_ENV.model]);
  const apiKey =
    nonEmpty(options.apiKey) ?? nonEmpty(env[LLM_ENV.apiKey]) ?? nonEmpty(env[LLM_ENV.apiKeyFallback]);
  if (model === undefined) {
    throw llmError('DSL_LLM_CONFIG', `no model: pass options.model or set ${LLM_ENV.model}`, {
      field: 'model',
    });
  }
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    // The text is not echoed: a malformed URL may still contain a secret.
    throw llmError('DSL_LLM_CONFIG', 'the LLM base URL is not a valid URL', { field: 'baseUrl' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw llmError('DSL_LLM_CONFIG', `the LLM base URL must be http(s), got ${u.protocol}`, {
      field: 'baseUrl',
    });
  }
  if (u.username !== '' || u.password !== '' || u.search !== '') {
    throw llmError(
      'DSL_LLM_CONFIG',
      'the LLM base URL must not carry credentials or a query string; pass the key as apiKey',
      { field: 'baseUrl' },
    );
  }
  const path = u.pathname.replace(/\/+$/, '');
  const url = `${u.protocol}//${u.host}${path}/chat/completions`;
  return apiKey === undefined
    ? { endpoint: { url, host: u.host, model } }
    : { endpoint: { url, host: u.host, model }, apiKey };
}

function nonEmpty(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t === undefined || t === '' ? undefined : t;
}
