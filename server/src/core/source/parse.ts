// The one front end for .js/.jsx/.ts/.tsx: a TypeScript SourceFile with parent links, plus the
// syntax errors and limits met on the way. Never throws on user code.
import ts from 'typescript';
import type { AnalysisError, LanguageKind } from '../types';
import { flattenDeepNesting, MAX_BRACKET_DEPTH, rescanNesting, type ScanPoint } from './nesting';
import { startTreeGeneration } from './tree-memo';

export interface ParsedDocument {
  sourceFile: ts.SourceFile;
  language: LanguageKind;
  /** Syntax errors (kind 'syntax') and nesting limits (kind 'limit'); the tree is still usable. */
  errors: AnalysisError[];
  /** Where the bracket-depth scan stood every few thousand characters, for the next version's scan. */
  nesting?: readonly ScanPoint[];
}

/** At most this many syntax errors are reported; the rest add nothing a user can act on. */
const MAX_SYNTAX_ERRORS = 20;

const SCRIPT_KIND: Record<LanguageKind, ts.ScriptKind> = {
  js: ts.ScriptKind.JS,
  jsx: ts.ScriptKind.JSX,
  ts: ts.ScriptKind.TS,
  tsx: ts.ScriptKind.TSX,
};

const EXTENSION: Record<LanguageKind, string> = { js: '.js', jsx: '.jsx', ts: '.ts', tsx: '.tsx' };

/**
 * Parses a document. Offsets in the tree are offsets into `text`: brackets nested deeper than
 * the parser's stack allows are blanked out (same length) and reported as a 'limit' error.
 * Returns undefined only when even that cannot be parsed; `errors` then says why.
 */
export function parseDocument(
  text: string,
  language: LanguageKind,
  errors: AnalysisError[] = [],
): ParsedDocument | undefined {
  const nesting: ScanPoint[] = [];
  const flattened = flattenDeepNesting(text, MAX_BRACKET_DEPTH, nesting);
  if (flattened.span) {
    errors.push({
      kind: 'limit',
      message: `Expressions nested more than ${MAX_BRACKET_DEPTH} levels deep were not analysed; split the expression to have it checked.`,
      span: flattened.span,
    });
  }
  startTreeGeneration();
  let sourceFile: ts.SourceFile;
  try {
    sourceFile = ts.createSourceFile(
      `document${EXTENSION[language]}`,
      flattened.text,
      ts.ScriptTarget.Latest,
      true,
      SCRIPT_KIND[language],
    );
  } catch (err) {
    // Deeply nested statements or arrow chains overflow the parser's recursion.
    const overflow = err instanceof RangeError;
    errors.push({
      kind: overflow ? 'limit' : 'internal',
      message: overflow
        ? 'The file is nested too deeply to parse; it was not analysed.'
        : `The parser failed: ${err instanceof Error ? err.message : String(err)}`,
    });
    return undefined;
  }
  errors.push(...syntaxErrors(sourceFile));
  return { sourceFile, language, errors, nesting };
}

/**
 * The last tree of one document, kept between edits so the next parse reuses what did not change.
 * Only trees parsed from the text as it is (nothing blanked for nesting) are kept.
 */
export interface DocumentTree {
  text: string;
  language: LanguageKind;
  sourceFile: ts.SourceFile;
  /** The bracket-depth scan's checkpoints in `text`, so the next version is scanned from the change on. */
  nesting: readonly ScanPoint[];
}

/** Where one document's last tree is kept; the owner (a worker) holds one per open document. */
export interface TreeSlot {
  tree?: DocumentTree;
}

/**
 * parseDocument, but reusing the slot's previous tree: the text that changed is found by
 * comparing the two texts from both ends, and ts.updateSourceFile re-parses only what that range
 * touches. The result is the tree a fresh parse gives; anything unusual (another language, deep
 * nesting, a parser failure) falls back to a fresh parse.
 */
export function parseDocumentIncrementally(
  slot: TreeSlot,
  text: string,
  language: LanguageKind,
  errors: AnalysisError[] = [],
): ParsedDocument | undefined {
  const previous = slot.tree;
  // The old tree is handed to the parser and must not be used again, whatever happens below.
  slot.tree = undefined;
  if (previous && previous.language === language) {
    try {
      const range = changeRange(previous.text, text);
      // Only from just before the change on is the new text scanned for brackets nested too deep.
      const nesting = text === previous.text
        ? previous.nesting
        : rescanNesting(previous.nesting, { start: range.span.start, oldEnd: range.span.start + range.span.length, newEnd: range.span.start + range.newLength }, text, MAX_BRACKET_DEPTH);
      if (nesting) {
        startTreeGeneration();
        const sourceFile = text === previous.text ? previous.sourceFile : ts.updateSourceFile(previous.sourceFile, text, range);
        const syntax = syntaxErrors(sourceFile);
        // Around a syntax error, the incremental parser's recovery can differ from a fresh parse's
        // (a reused block loses the hint of a stray '=' after it), so broken text is parsed afresh.
        if (syntax.length === 0) {
          slot.tree = { text, language, sourceFile, nesting };
          return { sourceFile, language, errors, nesting };
        }
      }
    } catch {
      // Fall through to a fresh parse, which reports its own problems.
    }
  }
  const before = errors.length;
  const parsed = parseDocument(text, language, errors);
  const blanked = errors.slice(before).some((e) => e.kind === 'limit');
  if (parsed && !blanked) slot.tree = { text, language, sourceFile: parsed.sourceFile, nesting: parsed.nesting ?? [] };
  return parsed;
}

/** The smallest range of `before` that, replaced, gives `after`. */
export function changeRange(before: string, after: string): ts.TextChangeRange {
  const max = Math.min(before.length, after.length);
  // Whole chunks first (a substring comparison is a memory compare), then character by character.
  let start = 0;
  while (start + CHUNK <= max && before.slice(start, start + CHUNK) === after.slice(start, start + CHUNK)) start += CHUNK;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail + CHUNK <= max - start && before.slice(before.length - tail - CHUNK, before.length - tail) === after.slice(after.length - tail - CHUNK, after.length - tail)) tail += CHUNK;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { span: { start, length: before.length - start - tail }, newLength: after.length - start - tail };
}

const CHUNK = 1024;

/** The parser's own diagnostics, which the public API keeps on an internal field. */
function syntaxErrors(sourceFile: ts.SourceFile): AnalysisError[] {
  const diagnostics = (sourceFile as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] })
    .parseDiagnostics;
  if (!diagnostics) return [];
  return diagnostics.slice(0, MAX_SYNTAX_ERRORS).map((d) => ({
    kind: 'syntax' as const,
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    span: { start: d.start, end: d.start + d.length },
  }));
}
