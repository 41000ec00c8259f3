// Worker task `analyzeStatic`: the fast static pass over one document, run off the main thread.
import { analyzeDocument, type DocumentInput } from '../../core/analyze';
import type { AnalysisResult, StaticOptions } from '../../core/types';

export interface AnalyzeStaticInput {
  document: DocumentInput;
  options: StaticOptions;
}

export function analyzeStatic(input: AnalyzeStaticInput): AnalysisResult {
  return analyzeDocument(input.document, input.options);
}
