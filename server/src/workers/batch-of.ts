// The batch form of a one-document task: each document analysed in turn with its own result, one
// that throws getting its error and the rest still running, and the index of the document being
// analysed written into a shared counter so the caller can tell which one a thread that stops
// answering is on (engine/task-batches.ts). Imports nothing, so the pool's tests can wrap a stand-in.
import type { AnalysisResult } from '../core/types';
import type { BatchItem } from './contracts';

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
