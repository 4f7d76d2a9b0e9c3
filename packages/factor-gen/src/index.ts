/**
 * @packageDocumentation
 * `@hfq/factor-gen`: LLM factor generation for the hfq factor language. A prompt built from the
 * operator table, an OpenAI-compatible chat-completions client, extraction of candidate formulas,
 * the language's checker as the only gate, screening on a sample, and library files with
 * provenance.
 */
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff.js';
export {
  type ChatClient,
  type ChatClientOptions,
  type ChatMessage,
  type ChatReply,
  type ChatRequest,
  createChatClient,
  type RetryEvent,
} from './chat-client.js';
export {
  DEFAULT_LLM_BASE_URL,
  LLM_ENV,
  type LlmEndpoint,
  type LlmEndpointOptions,
  resolveLlmConfig,
} from './config.js';
export type { LlmErrorCode } from './errors.js';
export {
  type ExtractionReject,
  type ExtractOptions,
  extractCandidates,
  type RawCandidate,
} from './extract.js';
export {
  type CandidateReport,
  type FailedRound,
  factorId,
  type GenerateFactorsOptions,
  type GenerateFactorsResult,
  type GenerationSample,
  generateFactors,
  type RejectReason,
} from './generate.js';
export {
  type CheckedCandidate,
  DEFAULT_DAILY_FIELDS,
  dailyLibraryFor,
  type GenerationSource,
} from './language.js';
export {
  type FactorLibraryFile,
  type FactorScreenStats,
  type GeneratedFactor,
  type LibraryProvenance,
  readFactorLibrary,
  type WriteFactorLibraryOptions,
  writeFactorLibrary,
} from './library-file.js';
export {
  buildFactorPrompt,
  type FactorPromptInput,
  MAX_AVOID_IN_PROMPT,
  type PromptExample,
  type PromptField,
  type PromptOperator,
  promptHash,
} from './prompt.js';
export { createRedactor, type Redact } from './redact.js';
export {
  type DailySampleOptions,
  dailySample,
  type MarketSampleOptions,
  marketSample,
} from './sample.js';
export {
  DEFAULT_SCREENING,
  type ScreenInput,
  type ScreeningThresholds,
  type ScreenOptions,
  type ScreenReason,
  type ScreenVerdict,
  screenFactors,
} from './screen.js';
