import { HfqError, type Panel, ProgressReporter, type TaskOptions, throwIfAborted } from '@hfq/core';
import type { ChatClient, ChatReply } from './chat-client.js';
import { llmError } from './errors.js';
import { extractCandidates } from './extract.js';
import {
  type CheckedCandidate,
  checkCandidate,
  DEFAULT_DAILY_FIELDS,
  dailyLibraryFor,
  type FactorLimits,
  type GenerationSource,
  libraryExamples,
  libraryFactors,
  operatorsFor,
  promptFields,
  promptOperator,
  promptRules,
  resolveLimits,
  SOURCE_DOCS,
  type SourceKind,
} from './language.js';
import {
  type FactorLibraryFile,
  type FactorScreenStats,
  type GeneratedFactor,
  type LibraryProvenance,
  writeFactorLibrary,
} from './library-file.js';
import { buildFactorPrompt, type PromptExample, promptHash } from './prompt.js';
import { bound, createRedactor, redactValue } from './redact.js';
import { resolveThresholds, type ScreenInput, type ScreeningThresholds, screenFactors } from './screen.js';

/** Why a candidate was turned down. */
export type RejectReason =
  /** Extraction: longer than `maxFormulaChars`, or beyond `maxCandidatesPerReply`. */
  | 'too_long'
  | 'over_limit'
  /** The language: not a formula, unknown name, wrong types, bad literal, over a safety limit. */
  | 'parse'
  | 'unknown_name'
  | 'type'
  | 'argument'
  | 'limit'
  /** Same AST hash as a shipped, referenced or earlier candidate. */
  | 'duplicate'
  /** Evaluation on the sample failed. */
  | 'evaluation'
  /** Screening (see `screenFactors`). */
  | 'coverage'
  | 'constant'
  | 'weak'
  | 'correlated'
  | 'surplus'
  /** The checker threw something other than an `HfqError` (a bug in the language; never accepted). */
  | 'internal';

/** What happened to one candidate. */
export interface CandidateReport {
  /** Request round (1-based) whose reply contained it. */
  round: number;
  /** The formula as the model wrote it (cut to 300 characters). */
  formula: string;
  name?: string;
  /** Canonical text, once it parsed. */
  canonical?: string;
  hash?: string;
  status: 'accepted' | 'rejected';
  reason?: RejectReason;
  /** Human-readable detail: the language's error message, the duplicate's formula, a statistic. */
  detail?: string;
  stats?: FactorScreenStats;
  /** Id given to an accepted factor. */
  id?: string;
}

/** A round that produced no reply (after the client's own retries). */
export interface FailedRound {
  round: number;
  code: string;
  message: string;
}

/**
 * The stock-days candidates are evaluated on. `evaluate` returns, for each formula in order, its
 * values as a dates x assets panel on the same dates and assets as `forward`.
 */
export interface GenerationSample {
  evaluate(
    factors: readonly CheckedCandidate[],
    options: TaskOptions,
  ): Promise<readonly Panel[]> | readonly Panel[];
  /** Forward returns on the sample (e.g. `forwardReturns(close, 1, 6)` from `@hfq/metrics`). */
  forward: Panel;
  /** Stock-days that exist (finite, non-zero): the coverage denominator. Default: every cell. */
  present?: Panel;
}

/** Options of {@link generateFactors}. */
export interface GenerateFactorsOptions extends TaskOptions {
  /** Chat client (`createChatClient(...)`, or any `ChatClient`). */
  client: ChatClient;
  /**
   * The level and source formulas are written for: `minute`, `vbar`, `tick` (one value per
   * stock-day from that day's frame), or `'daily'` (the daily level: the prompt lists the daily
   * fields and the daily operators of the one operator table, candidates are checked with
   * `checkDaily`, and `sample` is a `dailySample`).
   */
  source: GenerationSource;
  /** Input names daily formulas may read (`source: 'daily'`). Default `DEFAULT_DAILY_FIELDS`. */
  dailyFields?: readonly string[];
  /** Factors wanted (accepted after screening). */
  count: number;
  sample: GenerationSample;
  /** Factors asked for per request. Default `min(25, 2 * count)`. */
  perRequest?: number;
  /** Most requests in all (the loop is bounded). Default `ceil(count / perRequest) * 4 + 2`. */
  maxRounds?: number;
  /** Rounds in a row without a reply before giving up. Default 3. */
  maxFailedRounds?: number;
  /** Screening thresholds (fractions). Defaults: coverage 0.95, |RankIC| 0.02, max correlation 0.7. */
  screening?: Partial<ScreeningThresholds>;
  /** Safety limits for generated formulas (defaults of the language). */
  limits?: Partial<FactorLimits>;
  /** Example factors shown in the prompt. Default: 6 shipped library factors of `source`, one per family. */
  examples?: readonly PromptExample[];
  /**
   * Formulas already in use: candidates with the same AST hash are duplicates, and the prompt asks
   * the model to avoid them. Default: the shipped library factors of `source`; `[]` for none.
   */
  existing?: readonly string[];
  /** Also screen for correlation against `existing` (evaluated once on the sample). Default false. */
  correlateWithExisting?: boolean;
  /** Families to cover, written into the prompt. */
  themes?: string;
  /** Sampling temperature. Default 0.7. */
  temperature?: number;
  /** Cap on reply tokens per request. */
  maxTokens?: number;
  /** Longest formula taken from a reply (characters). Default: the language's `maxLength`. */
  maxFormulaChars?: number;
  /** Most candidates taken from one reply. Default `4 * perRequest`. */
  maxCandidatesPerReply?: number;
  /** Write the library here (JSON, atomically) when given. */
  outFile?: string;
  /** Clock for `createdAt` (tests). */
  now?: () => Date;
}

/** What {@link generateFactors} returns. */
export interface GenerateFactorsResult {
  library: FactorLibraryFile;
  /** One entry per candidate, in the order seen, with the reason for every rejection. */
  report: CandidateReport[];
  failedRounds: FailedRound[];
  /** Rejections per reason. */
  rejectedByReason: Record<string, number>;
}

const LANGUAGE_REASONS: Readonly<Record<string, RejectReason>> = {
  DSL_PARSE: 'parse',
  DSL_UNKNOWN_NAME: 'unknown_name',
  DSL_TYPE: 'type',
  DSL_ARGUMENT: 'argument',
  DSL_LIMIT: 'limit',
  DSL_INPUT: 'type',
};

/**
 * The study's "GPT factor factory": asks an LLM for factor formulas for one source, keeps those
 * that pass the language's checks and a screen on a sample, and writes them as a library.
 *
 * Each round: build the prompt (operator table, the source's fields, rules from the limits,
 * examples, and every formula already taken), call the chat client, extract candidate formulas
 * from the reply (JSON or formula lines), and pass each through `checkFactor` (parse, type check,
 * limits: the only thing LLM text ever reaches; nothing is evaluated as code). Formulas with an
 * AST hash seen before (shipped, earlier, or in the same reply) are duplicates. Survivors are
 * evaluated on the sample and screened (`screenFactors`: coverage, |RankIC| against
 * `sample.forward`, maximum correlation with the accepted set). Rounds continue until `count`
 * factors are accepted or `maxRounds` requests were made.
 *
 * Replies that fail after the client's retries (`DSL_LLM_RETRIES_EXHAUSTED`, `DSL_LLM_BAD_RESPONSE`,
 * `DSL_LLM_RESPONSE_TOO_LARGE`) are recorded in `failedRounds` and the next round is tried, up to
 * `maxFailedRounds` in a row; errors no retry can fix (`DSL_LLM_HTTP` such as 401,
 * `DSL_LLM_RATE_LIMITED`, `ABORTED`) are thrown.
 *
 * Provenance records the model, the endpoint host (no credentials), the prompt hashes, the date,
 * the token counts and the screening statistics; never the API key. Everything returned or
 * written (the library, the partial library, the report, the failed rounds) goes through the
 * client's redaction step (`client.redact`; token-shaped strings only for a client without one),
 * so a key the endpoint echoes (as the model name, inside a factor's meaning, anywhere in a reply)
 * is never stored. Every piece of model text kept is bounded, with a marker saying how much was
 * cut. With `outFile` the library is written atomically. Progress: stage `generate`, in accepted
 * factors.
 *
 * Fewer than `count` factors may come back (the model ran out of ideas within `maxRounds`). When
 * the run stops on an error after accepting factors, and `outFile` is given, the partial library
 * is written first (best effort) with `provenance.stoppedBy`; pass its formulas as `existing` to
 * go on. A failing batch evaluation is retried formula by formula, so one formula that breaks the
 * evaluator is reported as `evaluation` without sinking the others.
 *
 * @throws `DSL_LLM_CONFIG` for bad options; the language's `DSL_*` error for an `existing` formula
 *   that does not check; the client's non-retryable errors; `ABORTED`.
 */
export async function generateFactors(options: GenerateFactorsOptions): Promise<GenerateFactorsResult> {
  const { client, source, sample } = options;
  /** The one redaction step for everything returned or written. */
  const redactText = client.redact ?? createRedactor([]);
  /** Model text as kept: redacted first (a cut must not leave part of a key), then cut. */
  const keep = (text: string, n = 300) => cut(redactText(text), n);
  const count = intOption(options.count, 'count', 1, 10_000);
  const perRequest = intOption(options.perRequest ?? Math.min(25, 2 * count), 'perRequest', 1, 200);
  const maxRounds = intOption(
    options.maxRounds ?? Math.ceil(count / perRequest) * 4 + 2,
    'maxRounds',
    1,
    1000,
  );
  const maxFailed = intOption(options.maxFailedRounds ?? 3, 'maxFailedRounds', 1, 1000);
  const thresholds = resolveThresholds(options.screening);
  const limits = resolveLimits(options.limits);
  if (!SOURCE_DOCS[source])
    throw llmError('DSL_LLM_CONFIG', `unknown source ${String(source)}`, { field: 'source' });
  const extractOpts = {
    maxFormulaChars: options.maxFormulaChars ?? limits.maxLength,
    maxCandidates: options.maxCandidatesPerReply ?? 4 * perRequest,
  };

  // Formulas already taken: their hashes are duplicates, their text goes into the prompt.
  const seen = new Map<string, string>();
  const dailyFields = options.dailyFields ?? DEFAULT_DAILY_FIELDS;
  const existingChecked: CheckedCandidate[] = [];
  const shipped = source === 'daily' ? dailyLibraryFor(dailyFields) : libraryFactors(source as SourceKind);
  for (const f of options.existing ?? shipped.map((x) => x.formula)) {
    const c = checkCandidate(f, source, options.limits, dailyFields);
    if (!seen.has(c.hash)) {
      seen.set(c.hash, c.text);
      existingChecked.push(c);
    }
  }
  const reference: ScreenInput[] = [];
  if (options.correlateWithExisting && existingChecked.length > 0) {
    const panels = await sample.evaluate(existingChecked, taskOf(options));
    existingChecked.forEach((c, i) => {
      reference.push({ key: c.text, values: panels[i]! });
    });
  }

  const promptBase = {
    source,
    sourceDoc: SOURCE_DOCS[source],
    operators: operatorsFor(source).map(promptOperator),
    fields: promptFields(source, dailyFields),
    examples:
      options.examples ??
      (source === 'daily'
        ? shipped.slice(0, 6).map((f) => ({
            formula: checkCandidate(f.formula, source, options.limits, dailyFields).text,
            meaning: f.meaning,
          }))
        : libraryExamples(source, 6)),
    rules: promptRules(limits, source),
    ...(options.themes !== undefined && { themes: options.themes }),
  };
  // The first round's prompt, as sent (later rounds add the formulas accepted so far).
  const firstPromptHash = promptHash(
    buildFactorPrompt({ ...promptBase, count: perRequest, avoid: [...seen.values()] }),
  );

  const accepted: GeneratedFactor[] = [];
  /** Formula of each screened candidate by id, for correlation messages. */
  const idText = new Map<string, string>();
  const report: CandidateReport[] = [];
  const failedRounds: FailedRound[] = [];
  const roundHashes: string[] = [];
  const servedModels = new Set<string>();
  const tokens = { prompt: 0, completion: 0 };
  let requests = 0;
  let failedInRow = 0;
  let sampleShape: LibraryProvenance['screening']['sample'] = null;
  const progress = new ProgressReporter(options, 'generate', count, 'factors');

  let stoppedBy: { code: string; message: string } | undefined;
  try {
    for (let round = 1; round <= maxRounds && accepted.length < count; round++) {
      throwIfAborted(options.signal, 'generate');
      const avoid = [...seen.values()];
      const messages = buildFactorPrompt({ ...promptBase, count: perRequest, avoid });
      roundHashes.push(promptHash(messages));
      let reply: ChatReply;
      requests++;
      try {
        reply = await client.complete(
          {
            messages,
            temperature: options.temperature ?? 0.7,
            ...(options.maxTokens !== undefined && { maxTokens: options.maxTokens }),
          },
          taskOf(options),
        );
      } catch (e) {
        if (
          HfqError.is(e) &&
          (e.code === 'DSL_LLM_RETRIES_EXHAUSTED' ||
            e.code === 'DSL_LLM_BAD_RESPONSE' ||
            e.code === 'DSL_LLM_RESPONSE_TOO_LARGE')
        ) {
          failedRounds.push({ round, code: e.code, message: keep(e.message, 500) });
          if (++failedInRow >= maxFailed) break;
          continue;
        }
        throw e;
      }
      failedInRow = 0;
      // Reply text is redacted before anything reads or cuts it (the client did too, when it has a key).
      const replyModel = redactText(reply.model);
      if (replyModel !== client.model) servedModels.add(replyModel);
      if (reply.usage) {
        tokens.prompt += reply.usage.promptTokens;
        tokens.completion += reply.usage.completionTokens;
      }

      const { candidates, rejected } = extractCandidates(redactText(reply.content), extractOpts);
      for (const r of rejected)
        report.push({ round, formula: keep(r.text), status: 'rejected', reason: r.reason });

      // The gate: the language's checker, then the AST-hash duplicate test.
      const fresh: { entry: CandidateReport; checked: CheckedCandidate; meaning: string }[] = [];
      for (const c of candidates) {
        const entry: CandidateReport = { round, formula: keep(c.formula), status: 'rejected' };
        if (c.name !== undefined) entry.name = keep(c.name, 80);
        report.push(entry);
        let checked: CheckedCandidate;
        try {
          checked = checkCandidate(c.formula, source, options.limits, dailyFields);
        } catch (e) {
          entry.reason = HfqError.is(e) ? (LANGUAGE_REASONS[e.code] ?? 'parse') : 'internal';
          entry.detail = keep(e instanceof Error ? e.message : String(e), 500);
          continue;
        }
        entry.canonical = checked.text;
        entry.hash = checked.hash;
        const dup = seen.get(checked.hash);
        if (dup !== undefined) {
          entry.reason = 'duplicate';
          entry.detail = `same AST as ${keep(dup, 200)}`;
          continue;
        }
        seen.set(checked.hash, checked.text);
        idText.set(factorId(source, checked.hash), checked.text);
        fresh.push({ entry, checked, meaning: keep((c.meaning ?? '').trim(), 300) });
      }
      if (fresh.length === 0) continue;

      // One batch; if it fails, each formula alone, so one bad formula cannot sink the round.
      const evaluated = await evaluateEach(
        sample,
        fresh.map((f) => f.checked),
        taskOf(options),
      );
      const ok: number[] = [];
      evaluated.forEach((r, i) => {
        if ('error' in r) {
          fresh[i]!.entry.reason = 'evaluation';
          fresh[i]!.entry.detail = keep(r.error, 500);
        } else ok.push(i);
      });
      if (ok.length === 0) continue;
      const panels = ok.map((i) => (evaluated[i] as { panel: Panel }).panel);
      const screened = ok.map((i) => fresh[i]!);
      const p0 = panels[0]!;
      sampleShape ??= {
        dates: p0.nDates,
        assets: p0.nAssets,
        firstDate: p0.dates[0] ?? 0,
        lastDate: p0.dates[p0.nDates - 1] ?? 0,
      };
      const verdicts = screenFactors(
        screened.map((f, i) => ({ key: factorId(source, f.checked.hash), values: panels[i]! })),
        sample.forward,
        {
          thresholds,
          reference,
          limit: count - accepted.length,
          ...(sample.present !== undefined && { present: sample.present }),
          ...(options.signal !== undefined && { signal: options.signal }),
        },
      );
      verdicts.forEach((v, i) => {
        const f = screened[i]!;
        f.entry.stats = v.stats;
        if (!v.accepted) {
          f.entry.reason = v.reason!;
          f.entry.detail = describe(v.reason!, v.stats, thresholds, idText);
          return;
        }
        const id = v.key;
        f.entry.status = 'accepted';
        f.entry.id = id;
        accepted.push({
          id,
          formula: f.checked.text,
          original: f.entry.formula,
          hash: f.checked.hash,
          meaning: f.meaning,
          source,
          stats: v.stats,
        });
        reference.push({ key: id, values: panels[i]! });
      });
      progress.tick(verdicts.filter((v) => v.accepted).length);
    }
  } catch (e) {
    // Keep what was accepted so far (a checkpoint: pass its formulas as `existing` to go on).
    if (options.outFile !== undefined && accepted.length > 0) {
      stoppedBy = {
        code: HfqError.is(e) ? e.code : 'ERROR',
        message: keep(e instanceof Error ? e.message : String(e), 500),
      };
      try {
        await writeFactorLibrary(options.outFile, assemble(), { redact: redactText });
      } catch {
        // Best effort: the error that stopped the run is the one to report.
      }
    }
    throw e;
  }
  const library = assemble();
  if (options.outFile !== undefined)
    await writeFactorLibrary(options.outFile, library, { redact: redactText });
  return redactValue({ library, report, failedRounds, rejectedByReason: countReasons(report) }, redactText);

  function assemble(): FactorLibraryFile {
    const provenance: LibraryProvenance = {
      generator: '@hfq/factor-gen generateFactors',
      model: client.model,
      servedModels: [...servedModels].sort(),
      endpointHost: client.endpointHost,
      promptHash: firstPromptHash,
      roundPromptHashes: roundHashes,
      createdAt: (options.now?.() ?? new Date()).toISOString(),
      requests,
      tokens,
      screening: {
        minCoverage: thresholds.minCoverage,
        minAbsRankIC: thresholds.minAbsRankIC,
        maxCorrelation: thresholds.maxCorrelation,
        candidates: report.length,
        accepted: accepted.length,
        rejectedByReason: countReasons(report),
        sample: sampleShape,
      },
      ...(stoppedBy !== undefined && { stoppedBy }),
    };
    return redactValue(
      { format: 'hfq-factor-library', version: 1, source, factors: [...accepted], provenance },
      redactText,
    );
  }
}

function countReasons(report: readonly CandidateReport[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of report) if (r.reason !== undefined) out[r.reason] = (out[r.reason] ?? 0) + 1;
  return out;
}

/** Evaluates the batch; when that throws (not an abort), each formula alone. */
async function evaluateEach(
  sample: GenerationSample,
  factors: readonly CheckedCandidate[],
  task: TaskOptions,
): Promise<({ panel: Panel } | { error: string })[]> {
  const one = async (fs: readonly CheckedCandidate[]) => {
    const panels = await sample.evaluate(fs, task);
    if (panels.length !== fs.length) {
      throw llmError(
        'DSL_LLM_CONFIG',
        `sample.evaluate returned ${panels.length} panels for ${fs.length} factors`,
      );
    }
    return panels;
  };
  const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
  try {
    return (await one(factors)).map((panel) => ({ panel }));
  } catch (e) {
    if (HfqError.is(e, 'ABORTED')) throw e;
    if (factors.length === 1) return [{ error: message(e) }];
  }
  const out: ({ panel: Panel } | { error: string })[] = [];
  for (const f of factors) {
    try {
      out.push({ panel: (await one([f]))[0]! });
    } catch (e) {
      if (HfqError.is(e, 'ABORTED')) throw e;
      out.push({ error: message(e) });
    }
  }
  return out;
}

/** Id of a generated factor: source and the first 12 hex digits of its AST hash. */
export function factorId(source: string, hash: string): string {
  return `llm_${source}_${hash.slice(0, 12)}`;
}

/** The caller's signal and progress callback, passed on to the client (stage `llm`) and the sample. */
function taskOf(o: TaskOptions): TaskOptions {
  return {
    ...(o.signal !== undefined && { signal: o.signal }),
    ...(o.onProgress !== undefined && { onProgress: o.onProgress }),
  };
}

function describe(
  reason: string,
  s: FactorScreenStats,
  th: ScreeningThresholds,
  idText: ReadonlyMap<string, string>,
): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  switch (reason) {
    case 'coverage':
      return `coverage ${pct(s.coverage)} < ${pct(th.minCoverage)}`;
    case 'constant':
      return 'no day with a cross-sectional RankIC (constant or too sparse)';
    case 'weak':
      return `|RankIC| ${pct(Math.abs(s.rankIC))} < ${pct(th.minAbsRankIC)}`;
    case 'correlated': {
      const other = s.mostCorrelatedWith;
      const text = other === undefined ? '?' : idText.has(other) ? `${other} = ${idText.get(other)}` : other;
      return `rank correlation ${s.maxCorrelation.toFixed(3)} > ${th.maxCorrelation} with ${cut(text, 200)}`;
    }
    case 'surplus':
      return 'passed, but enough factors were accepted already';
    default:
      return reason;
  }
}

/**
 * Text as stored in reports: control characters removed, cut to `n` characters with a marker
 * saying how many were cut. Model text reaching here was redacted by the client first.
 */
function cut(s: string, n = 300): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return bound(s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' '), n);
}

function intOption(n: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw llmError('DSL_LLM_CONFIG', `${field} must be an integer in [${min}, ${max}], got ${String(n)}`, {
      field,
    });
  }
  return n;
}
