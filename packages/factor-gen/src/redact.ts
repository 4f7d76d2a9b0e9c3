/** Token-like strings (OpenAI-style `sk-...` keys, bearer tokens) that must never reach a message. */
const TOKENISH = /\b(?:sk|pk|rk|key|tok)-[A-Za-z0-9_-]{8,}|\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g;

/**
 * `text` with every occurrence of `secret` (when given) and anything that looks like an API key
 * or bearer token replaced by `[redacted]`, cut to `maxChars` (default 300). Used on every piece
 * of server text that goes into an error or a report: endpoints echo keys back in 401 bodies.
 */
export function redact(text: string, secret?: string, maxChars = 300): string {
  let s = text;
  if (secret !== undefined && secret.length > 0) s = s.split(secret).join('[redacted]');
  s = s.replace(TOKENISH, '[redacted]');
  return s.length > maxChars ? `${s.slice(0, maxChars)}...` : s;
}
