// Worker task `analyzeStaticBatch`: the static pass over several documents in one task, for
// `check`, where a message, a wake-up and a promise per file cost the run more than they do an
// editor. Each document is analysed exactly as `analyzeStatic` does it and gets its own result;
// one that throws gets an error of its own and the rest still run. The caller hands a shared
// counter in which the task writes which document it is on, so a document that hangs or takes the
// thread down is known and reported alone (engine/task-batches.ts).
import type { AnalysisResult } from '../../core/types';
import type { AnalyzeStaticBatchInput, BatchItem } from '../contracts';
import { analyzeStatic } from './analyze-static';

/** The batch form of a one-document task (exported so the pool's tests can wrap a stand-in). */
export function batchOf<D>(one: (document: D) => AnalysisResult): (input: { documents: D[]; progress: Int32Array }) => BatchItem[] {
  return ({ documents, progress }) =>
    documents.map((document, i) => {
      Atomics.store(progress, 0, i + 1);
      const started = performance.now();
      try {
        return { ok: true, value: one(document), elapsedMs: performance.now() - started };
      } catch (err) {
        return { ok: false, message: err instanceof Error ? err.message : String(err) };
      }
    });
}

export const analyzeStaticBatch: (input: AnalyzeStaticBatchInput) => BatchItem[] = batchOf(analyzeStatic);
