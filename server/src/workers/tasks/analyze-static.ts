// Worker task `analyzeStatic`: the fast static pass over one document, run off the main thread.
// It also reads the document's relative imports from disk (unless the caller sent them), so core
// can follow taint one file deep. Each worker keeps the last syntax tree of the documents it has
// analysed, so the next version of a document is parsed incrementally, and its text, so the next
// version can arrive as the editor's edits instead of the whole text.
import { analyzeDocument, type DocumentInput, type TreeSlot } from '../../core/static-analysis';
import type { AnalysisResult, StaticOptions } from '../../core/types';
import { replay, type EditChain, type KeptText } from '../../core/source/edits';
import { readImports } from '../imports';
import { readRenderers } from '../template-renderers';
import { templateKind } from '../../core/templates/template-files';

export interface AnalyzeStaticInput {
  /** The text may be left out when `edits` lead to it from a version this thread kept. */
  document: Omit<DocumentInput, 'text'> & { text?: string };
  options: StaticOptions;
  /** Which opening and version of the document the text is, kept with it for the next edits. */
  kept?: { generation: number; version: number };
  edits?: EditChain;
}

/** The result, or `needsText` when the edits could not be replayed here: send the text. */
export type AnalyzeStaticOutput = AnalysisResult & { needsText?: true };

/** How many documents' trees a worker keeps; the least recently analysed one is dropped first. */
const MAX_TREES = 8;
const trees = new Map<string, TreeSlot & { kept?: KeptText }>();

export function analyzeStatic(input: AnalyzeStaticInput): AnalyzeStaticOutput {
  const slot = treeSlot(input.document.fileName);
  const text = input.document.text ?? (input.edits ? replay(slot.kept, input.edits) : undefined);
  if (text === undefined) return { findings: [], errors: [], needsText: true };
  const which = input.edits ?? input.kept;
  if (which) slot.kept = { generation: which.generation, version: which.version, text };
  else delete slot.kept;
  const given = { ...input.document, text };
  const document = given.imports ? given : withImports(given, input.options.maxFileSize);
  return analyzeDocument(document, input.options, slot);
}

function treeSlot(fileName: string): TreeSlot & { kept?: KeptText } {
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
