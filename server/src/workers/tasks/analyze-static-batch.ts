// Worker task `analyzeStaticBatch`: the static pass over several documents in one task, for
// `check`, where a message, a wake-up and a promise per file cost the run more than they do an
// editor. Each document is analysed exactly as `analyzeStatic` does it and gets its own result;
// see workers/batch-of.ts for how a document that throws or hangs is kept apart from the others.
import type { AnalyzeStaticBatchInput, BatchItem } from '../contracts';
import { batchOf } from '../batch-of';
import { analyzeStatic } from './analyze-static';

export const analyzeStaticBatch: (input: AnalyzeStaticBatchInput) => BatchItem[] = batchOf(analyzeStatic);
