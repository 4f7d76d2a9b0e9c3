/**
 * The GPU run's result in one file: per case the webgpu step and mini-epoch times, PyTorch's on
 * the same machine, their ratios, and whether the checks passed (loss curves webgpu vs wasm,
 * PyTorch vs wasm, ONNX Runtime and PyTorch forward parity). Also prints a short table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { round } from './data.js';

interface Timed {
  id: string;
  kind?: string;
  stocks?: number;
  dModel?: number;
  stepMs?: number;
  firstStepMs?: number;
  epoch?: { totalMs?: number };
  error?: string;
  skipped?: string;
  counts?: { kernels?: number; dispatches?: number; readbacks?: number; hostTensors?: number };
  stepMsNoDropout?: number;
}

/** The goal of issue 9: webgpu within this factor of PyTorch on the Transformer at 4096 stocks. */
export const GOAL = { caseId: 'transformer-d64-n4096', maxRatio: 5 } as const;

function readJson(path: string): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    return { unreadable: e instanceof Error ? e.message : String(e) };
  }
}

/** Inputs of `summarise` (paths; missing files are reported as missing). */
export interface SummaryInputs {
  probe: string;
  bench: string;
  reference: string;
  curves: string;
  pyChecks: string;
}

/** Combines the run's JSON files; returns the summary object and a printable table. */
export function summarise(inputs: SummaryInputs): { summary: Record<string, unknown>; table: string } {
  const probe = readJson(inputs.probe);
  const bench = readJson(inputs.bench);
  const reference = readJson(inputs.reference);
  const curves = readJson(inputs.curves);
  const py = readJson(inputs.pyChecks);
  const missing = Object.entries(inputs)
    .filter(([, p]) => !existsSync(p))
    .map(([k]) => k);
  const gpuCases = (bench?.cases as Timed[] | undefined) ?? [];
  const refCases = new Map(((reference?.cases as Timed[] | undefined) ?? []).map((c) => [c.id, c]));
  const rows = gpuCases.map((g) => {
    const r = refCases.get(g.id);
    const ratio = g.stepMs !== undefined && r?.stepMs ? round(g.stepMs / r.stepMs, 1) : null;
    const epochRatio =
      g.epoch?.totalMs !== undefined && r?.epoch?.totalMs
        ? round(g.epoch.totalMs / r.epoch.totalMs, 1)
        : null;
    return {
      id: g.id,
      kind: g.kind,
      stocks: g.stocks,
      dModel: g.dModel,
      webgpuStepMs: g.stepMs ?? null,
      webgpuFirstStepMs: g.firstStepMs ?? null,
      webgpuStepMsNoDropout: g.stepMsNoDropout ?? null,
      torchStepMs: r?.stepMs ?? null,
      stepRatio: ratio,
      webgpuEpochMs: g.epoch?.totalMs ?? null,
      torchEpochMs: r?.epoch?.totalMs ?? null,
      epochRatio,
      kernelsPerStep: g.counts?.kernels ?? null,
      dispatchesPerStep: g.counts?.dispatches ?? null,
      readbacksPerStep: g.counts?.readbacks ?? null,
      hostTensorsPerStep: g.counts?.hostTensors ?? null,
      note: g.error ?? g.skipped ?? r?.error ?? r?.skipped ?? null,
    };
  });
  const goalRow = rows.find((r) => r.id === GOAL.caseId);
  const curveResults =
    (curves?.curves as { id: string; ok: boolean; maxLossDiff: number; error?: string }[] | undefined) ?? [];
  const summary = {
    task: 'summary',
    missingInputs: missing,
    device: (probe?.backend as { detail?: string } | undefined)?.detail ?? null,
    torchDevice: reference?.device ?? null,
    goal: {
      ...GOAL,
      ratio: goalRow?.stepRatio ?? null,
      met: goalRow?.stepRatio == null ? null : goalRow.stepRatio <= GOAL.maxRatio,
    },
    checks: {
      lossCurvesWebgpuVsWasm: curveResults.map((c) => ({
        id: c.id,
        ok: c.ok,
        maxLossDiff: c.maxLossDiff,
        error: c.error,
      })),
      lossCurvesAllOk: curveResults.length > 0 && curveResults.every((c) => c.ok),
      python: py ?? null,
      customKernel: probe?.customKernel ?? null,
    },
    probe:
      probe === undefined
        ? null
        : {
            kernelOverhead: probe.kernelOverhead,
            readbackLatency: probe.readbackLatency,
            upload: probe.upload,
            matMul: probe.matMul,
          },
    cases: rows,
  };
  const fmt = (v: unknown) => (v === null || v === undefined ? '-' : String(v));
  const lines = [
    `device: ${fmt(summary.device)} | torch: ${fmt(summary.torchDevice)}`,
    `goal ${GOAL.caseId} ratio <= ${GOAL.maxRatio}: ${fmt(summary.goal.ratio)} (${summary.goal.met === null ? 'not measured' : summary.goal.met ? 'met' : 'not met'})`,
    `loss curves webgpu vs wasm: ${curveResults.filter((c) => c.ok).length}/${curveResults.length} ok; missing inputs: ${missing.join(', ') || 'none'}`,
    'case | webgpu ms | torch ms | ratio | epoch ratio | kernels | dispatches | readbacks | note',
    ...rows.map((r) =>
      [
        r.id,
        r.webgpuStepMs,
        r.torchStepMs,
        r.stepRatio,
        r.epochRatio,
        r.kernelsPerStep,
        r.dispatchesPerStep,
        r.readbacksPerStep,
        r.note,
      ]
        .map(fmt)
        .join(' | '),
    ),
  ];
  return { summary, table: lines.join('\n') };
}
