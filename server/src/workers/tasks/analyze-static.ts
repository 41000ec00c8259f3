// Worker task `analyzeStatic`: the fast static pass over one document, run off the main thread.
// It also reads the document's relative imports from disk (unless the caller sent them), so core
// can follow taint one file deep. Each worker keeps the last syntax tree of the documents it has
// analysed, so the next version of a document is parsed incrementally.
import { analyzeDocument, type DocumentInput, type TreeSlot } from '../../core/static-analysis';
import type { AnalysisResult, StaticOptions } from '../../core/types';
import { readImports } from '../imports';
import { readRenderers } from '../template-renderers';
import { templateKind } from '../../core/templates/template-files';

export interface AnalyzeStaticInput {
  document: DocumentInput;
  options: StaticOptions;
}

/** How many documents' trees a worker keeps; the least recently analysed one is dropped first. */
const MAX_TREES = 8;
const trees = new Map<string, TreeSlot>();

export function analyzeStatic(input: AnalyzeStaticInput): AnalysisResult {
  const document = input.document.imports ? input.document : withImports(input.document, input.options.maxFileSize);
  return analyzeDocument(document, input.options, treeSlot(document.fileName));
}

function treeSlot(fileName: string): TreeSlot {
  let slot = trees.get(fileName);
  if (slot) trees.delete(fileName);
  else slot = {};
  trees.set(fileName, slot);
  if (trees.size > MAX_TREES) trees.delete(trees.keys().next().value as string);
  return slot;
}

function withImports(doc: DocumentInput, maxFileSize: number): DocumentInput {
  const imports = templateKind(doc.fileName) && !doc.language ? readRenderers(doc.fileName, maxFileSize) : readImports(doc.fileName, doc.text, maxFileSize);
  return Object.keys(imports).length > 0 ? { ...doc, imports } : doc;
}
