// The editor's recent changes per open document, as offsets, so the static pass can send a worker
// what changed instead of the whole text. Recorded from each didChange before the document store
// applies it; bounded per document (steps and characters), so a long session keeps only the
// recent past. A worker that kept none of the versions the log reaches back to gets the whole text.
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { EditChain, EditStep, TextChange } from '../core/source/edits';

/** At most this many versions back. */
const MAX_STEPS = 64;
/** At most this many characters of inserted text in one document's log. */
const MAX_CHARS = 256 * 1024;

export interface EditLog {
  /** A document was opened: its versions start a new chain. */
  opened(uri: string): void;
  /** `before` is the document as it was; `changes` are the didChange's content changes, in order. */
  record(before: TextDocument, version: number, changes: readonly TextDocumentContentChangeEvent[]): void;
  /** The chain that leads to `version` of the text, whose length is `length` (no steps when nothing changed since the open or the log was cut); undefined for a document never opened. */
  chain(uri: string, version: number, length: number): EditChain | undefined;
  forget(uri: string): void;
}

/** Generations are unique in the process, so a worker never mistakes one opening for another. */
let generations = 0;

interface Log {
  generation: number;
  steps: EditStep[];
  chars: number;
}

export function createEditLog(): EditLog {
  const logs = new Map<string, Log>();
  const fresh = (uri: string): Log => {
    const log = { generation: ++generations, steps: [], chars: 0 };
    logs.set(uri, log);
    return log;
  };
  return {
    opened: (uri) => void fresh(uri),
    record(before, version, changes) {
      const log = logs.get(before.uri) ?? fresh(before.uri);
      const step: EditStep = { from: before.version, to: version, changes: offsetsOf(before, changes) };
      // The log is a chain: a step that does not continue it starts a new one.
      const last = log.steps[log.steps.length - 1];
      if (last && last.to !== step.from) {
        log.steps = [];
        log.chars = 0;
      }
      log.steps.push(step);
      log.chars += size(step);
      while (log.steps.length > MAX_STEPS || (log.chars > MAX_CHARS && log.steps.length > 0)) log.chars -= size(log.steps.shift()!);
    },
    chain(uri, version, length) {
      const log = logs.get(uri);
      if (!log) return undefined;
      const last = log.steps[log.steps.length - 1];
      // Steps that do not reach this version describe another text: none are sent.
      return { generation: log.generation, version, steps: last && last.to === version ? log.steps.slice() : [], length };
    },
    forget: (uri) => void logs.delete(uri),
  };
}

function size(step: EditStep): number {
  return step.changes.reduce((n, c) => n + c.text.length, 0);
}

/**
 * The content changes as offsets into the text each applies to, exactly as the document store
 * applies them (a reversed range is put right; a change without a range replaces everything).
 */
function offsetsOf(before: TextDocument, changes: readonly TextDocumentContentChangeEvent[]): TextChange[] {
  // Each change applies to the text the previous one left; a copy follows them when there are several.
  let doc = before;
  const out: TextChange[] = [];
  changes.forEach((change, i) => {
    if (!('range' in change) || change.range === undefined) {
      out.push({ start: 0, end: doc.getText().length, text: change.text });
    } else {
      let start = doc.offsetAt(change.range.start);
      let end = doc.offsetAt(change.range.end);
      if (start > end) [start, end] = [end, start];
      out.push({ start, end, text: change.text });
    }
    if (i < changes.length - 1) {
      if (doc === before) doc = TextDocument.create(before.uri, before.languageId, before.version, before.getText());
      TextDocument.update(doc, [change], doc.version + 1);
    }
  });
  return out;
}
