import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@hfq/core';
import { llmError } from './errors.js';
import { bound, createRedactor, type Redact, redactValue } from './redact.js';

/** Screening numbers of one accepted factor, on the evaluation sample. */
export interface FactorScreenStats {
  /** Share of sampled stock-days with a finite value (fraction). */
  coverage: number;
  /** Mean per-day RankIC against the forward returns (fraction, signed). */
  rankIC: number;
  /** RankIC mean / std over the sampled days (not annualised); NaN with fewer than 2 days. */
  rankICIR: number;
  /** Days with a RankIC. */
  days: number;
  /** Largest |mean daily rank correlation| with a factor accepted before it (0 when first). */
  maxCorrelation: number;
  /** The factor it correlates most with, if any. */
  mostCorrelatedWith?: string;
}

/** One factor of a generated library. */
export interface GeneratedFactor {
  id: string;
  /** Canonical formula (printed from the AST). */
  formula: string;
  /** Formula as the model wrote it. */
  original: string;
  /** AST hash (duplicates with other spacing or argument order share it). */
  hash: string;
  meaning: string;
  source: string;
  stats: FactorScreenStats;
}

/** Where a library came from. Never contains the API key. */
export interface LibraryProvenance {
  generator: string;
  model: string;
  /** Models the server said it used, when they differ from `model`. */
  servedModels: string[];
  /** Host[:port] of the endpoint (no credentials, no path or query). */
  endpointHost: string;
  /** SHA-256 of the first round's prompt (operator table, fields, examples, rules). */
  promptHash: string;
  /** SHA-256 of every round's prompt (later rounds add the formulas to avoid). */
  roundPromptHashes: string[];
  /** ISO 8601 time the run finished. */
  createdAt: string;
  requests: number;
  tokens: { prompt: number; completion: number };
  /** Thresholds and counts of the screening. */
  screening: {
    minCoverage: number;
    minAbsRankIC: number;
    maxCorrelation: number;
    candidates: number;
    accepted: number;
    rejectedByReason: Record<string, number>;
    /** Shape of the evaluation sample (null when nothing got as far as evaluation). */
    sample: { dates: number; assets: number; firstDate: number; lastDate: number } | null;
  };
  /**
   * Set only on a partial library written when the run stopped on an error (the error's code and
   * message); the factors in it were accepted before that.
   */
  stoppedBy?: { code: string; message: string };
}

/** The JSON file {@link writeFactorLibrary} writes. */
export interface FactorLibraryFile {
  format: 'hfq-factor-library';
  version: 1;
  source: string;
  factors: GeneratedFactor[];
  provenance: LibraryProvenance;
}

/** Options of {@link writeFactorLibrary}. */
export interface WriteFactorLibraryOptions {
  /**
   * Redaction applied to every string of the library (keys included) before it is written:
   * `client.redact` of the chat client that produced it, or `createRedactor([apiKey])`. Default:
   * token-shaped strings (`sk-...`, `Bearer ...`) only.
   */
  redact?: Redact;
}

/**
 * Writes `library` as JSON to `path` atomically: into a temporary file in the same folder, flushed
 * to disk, then renamed over `path`, so a reader sees the old file or the new one, never half of
 * one. The temporary file is removed if anything fails. Every string is redacted first (see
 * `options.redact`).
 * @throws `DSL_LLM_LIBRARY` when the file cannot be written (context `source`: the path).
 */
export async function writeFactorLibrary(
  path: string,
  library: FactorLibraryFile,
  options: WriteFactorLibraryOptions = {},
): Promise<void> {
  const text = `${JSON.stringify(redactValue(library, options.redact ?? createRedactor([])), null, 2)}\n`;
  try {
    await writeFileAtomic(path, text);
  } catch (e) {
    throw llmError(
      'DSL_LLM_LIBRARY',
      `could not write the factor library: ${bound((e as Error).message, 300)}`,
      { source: path },
      e,
    );
  }
}

/**
 * Reads a library written by {@link writeFactorLibrary}. Checks the envelope and that every
 * factor has string `id`, `formula` and `source`; the formulas are text to give to the parser,
 * nothing else.
 * @throws `DSL_LLM_LIBRARY` for a file that is not such a library.
 */
export async function readFactorLibrary(path: string): Promise<FactorLibraryFile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw llmError(
      'DSL_LLM_LIBRARY',
      `could not read a factor library: ${bound((e as Error).message, 300)}`,
      { source: path },
      e,
    );
  }
  const lib = json as Partial<FactorLibraryFile>;
  if (
    typeof json !== 'object' ||
    json === null ||
    lib.format !== 'hfq-factor-library' ||
    lib.version !== 1 ||
    !Array.isArray(lib.factors) ||
    typeof lib.source !== 'string'
  ) {
    throw llmError('DSL_LLM_LIBRARY', 'not an hfq factor library (format/version/factors)', { source: path });
  }
  lib.factors.forEach((f, row) => {
    if (
      typeof f !== 'object' ||
      f === null ||
      typeof f.id !== 'string' ||
      typeof f.formula !== 'string' ||
      typeof f.source !== 'string'
    ) {
      throw llmError('DSL_LLM_LIBRARY', `factor ${row} lacks a string id, formula or source`, {
        source: path,
        row,
      });
    }
  });
  return lib as FactorLibraryFile;
}
