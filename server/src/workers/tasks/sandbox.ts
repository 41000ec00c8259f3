// Worker task `sandbox`: the sandbox pass over one document (QuickJS runs of every function unit
// on ordinary inputs and probes), returning findings. Input and output are structured-clone-safe.
import { sandboxAnalyzeDocument } from '../../external/sandbox/document-pass';
import type { SandboxTaskInput, SandboxTaskResult } from '../contracts';
import { loadRunFindings } from './load-run';

export type { SandboxTaskInput, SandboxTaskResult } from '../contracts';

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
