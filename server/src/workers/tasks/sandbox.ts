// Worker task `sandbox`: the sandbox pass over one document (QuickJS runs of every function unit
// on ordinary inputs and probes), returning findings. Input and output are structured-clone-safe.
import type { AnalysisError, Finding } from '../../core/types';
import { sandboxAnalyzeDocument } from '../../model/sandbox/analyze';
import type { SandboxLimits } from '../../model/sandbox/runner';
import { loadRunFindings } from './loadRun';

export interface SandboxTaskInput {
  fileName: string;
  text: string;
  /** Per-run limits; unset ones keep their defaults (orbit.sandbox.timeMs maps to timeMs). */
  limits?: Partial<SandboxLimits>;
  /** Also report network and process use on ordinary inputs. */
  unexpectedEffects?: boolean;
  /** Only these unit hashes are traced (the changed ones); all when absent. */
  onlyHashes?: string[];
  maxUnits?: number;
  /** Wall-clock budget for the document in milliseconds (default 20 s). */
  budgetMs?: number;
}

export interface SandboxTaskResult {
  findings: Finding[];
  errors: AnalysisError[];
  unitsTraced: number;
  unitsCached: number;
  runs: number;
  elapsedMs: number;
}

/** Runs in a pool thread; the per-thread cache keeps unchanged units from being run again. */
export async function sandbox(input: SandboxTaskInput, signal?: AbortSignal): Promise<SandboxTaskResult> {
  const started = performance.now();
  const r = await sandboxAnalyzeDocument(
    { fileName: input.fileName, text: input.text },
    { limits: input.limits, unexpectedEffects: input.unexpectedEffects, onlyHashes: input.onlyHashes, maxUnits: input.maxUnits, budgetMs: input.budgetMs },
    signal,
  );
  // The module's top level too: what it does when required, timers included.
  const atLoad = signal?.aborted ? [] : await loadRunFindings(input.fileName, input.text, signal);
  const findings = atLoad.length ? [...r.findings, ...atLoad].sort((a, b) => a.span.start - b.span.start) : r.findings;
  return { ...r, findings, elapsedMs: performance.now() - started };
}
