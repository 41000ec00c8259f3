// Worker task `analyzeStatic`: the fast static pass over one document, run off the main thread.
// It also reads the document's relative imports from disk (unless the caller sent them), so core
// can follow taint one file deep.
import { analyzeDocument, type DocumentInput } from '../../core/static-analysis';
import type { AnalysisResult, StaticOptions } from '../../core/types';
import { readImports } from '../imports';
import { readRenderers } from '../template-renderers';
import { templateKind } from '../../core/templates/raw-output';

export interface AnalyzeStaticInput {
  document: DocumentInput;
  options: StaticOptions;
}

export function analyzeStatic(input: AnalyzeStaticInput): AnalysisResult {
  const document = input.document.imports ? input.document : withImports(input.document, input.options.maxFileSize);
  return analyzeDocument(document, input.options);
}

function withImports(doc: DocumentInput, maxFileSize: number): DocumentInput {
  const imports = templateKind(doc.fileName) && !doc.language ? readRenderers(doc.fileName, maxFileSize) : readImports(doc.fileName, doc.text, maxFileSize);
  return Object.keys(imports).length > 0 ? { ...doc, imports } : doc;
}
