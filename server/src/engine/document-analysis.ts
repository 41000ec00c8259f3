// One document through the pool: settings in, a versioned report out. Shared by the scheduler
// (server) and the batch runner (check), so both give the same findings and the same notices.
import type { AnalysisError, Finding, LanguageKind, Span } from '../core/types';
import type { ImportedModule } from '../core/static-analysis';
import type { EditChain } from '../core/source/edits';
import { templateKind } from '../core/templates/template-files';
import { staticOptionsFrom } from '../config/validate';
import type { Settings } from '../config/schema';
import type { AnalysisPool } from './pool';

/** A document as the engine sees it: plain data, no LSP types. */
export interface DocumentSnapshot {
  uri: string;
  version: number;
  text: string;
  /** Undefined for languages orbit-ls does not analyse; such documents are never sent to the pool. */
  language: LanguageKind | undefined;
  /** The editor's recent changes leading to this version, when the caller keeps them: a worker
   *  that kept an earlier version is sent these instead of the text. */
  edits?: EditChain;
}

/** Something about the analysis itself the user should know (not a vulnerability). */
export interface Notice {
  message: string;
  span?: Span;
  /** The diagnostic code shown for it; 'analysis-incomplete' when unset. */
  code?: 'sandbox-incomplete';
}

/** What the user sees for one version of one document. */
export interface DocumentReport {
  uri: string;
  version: number;
  findings: Finding[];
  notices: Notice[];
  errors: AnalysisError[];
  elapsedMs: number;
  /** The texts of the imported files the analysis read, by path: flow steps into them refer to these. */
  imported?: Readonly<Record<string, string>>;
}

export const COULD_NOT_FINISH = 'orbit-ls could not finish analysing this file';

/** Runs the static pass; undefined when cancelled (the caller has moved on to a newer version). */
export async function analyzeSnapshot(
  pool: AnalysisPool,
  doc: DocumentSnapshot,
  settings: Settings,
  signal: AbortSignal,
  /** The document's relative imports as the caller has them (open buffers, a cache); else the worker reads them from disk. */
  imports?: Record<string, ImportedModule>,
): Promise<DocumentReport | undefined> {
  const base = { uri: doc.uri, version: doc.version, findings: [], errors: [], elapsedMs: 0 };
  if (doc.language === undefined && !templateKind(doc.uri)) return { ...base, notices: [] };
  // Checked here as well as in core so a huge document is not even copied into a worker.
  if (doc.text.length > settings.maxFileSize) {
    const message = `orbit-ls did not analyse this file: it has ${doc.text.length} characters, more than orbit.maxFileSize (${settings.maxFileSize}). Raise orbit.maxFileSize to analyse it.`;
    return { ...base, notices: [{ message }] };
  }
  const document = { fileName: doc.uri, language: doc.language, ...(imports ? { imports } : {}) };
  const options = staticOptionsFrom(settings);
  const runOptions = { signal, timeoutMs: settings.analysisTimeoutMs };
  const edits = doc.edits;
  let outcome = edits ? await pool.run('analyzeStatic', { document, options, edits }, runOptions) : undefined;
  // Without edits, or on a thread that kept none of the versions they start from: the whole text.
  if (!outcome || (outcome.kind === 'done' && outcome.value.needsText)) {
    const kept = edits && { generation: edits.generation, version: edits.version };
    outcome = await pool.run('analyzeStatic', { document: { ...document, text: doc.text }, options, ...(kept ? { kept } : {}) }, runOptions);
  }
  switch (outcome.kind) {
    case 'cancelled':
      return undefined;
    case 'failed': {
      const why =
        outcome.reason === 'timeout'
          ? `${outcome.message} (orbit.analysisTimeoutMs). Raise orbit.analysisTimeoutMs, or split the file.`
          : `${outcome.message}. Other files are unaffected; please report this with the file if you can.`;
      return { ...base, notices: [{ message: `${COULD_NOT_FINISH}: ${why}` }] };
    }
    case 'done': {
      const { findings, errors } = outcome.value;
      const notices = errors
        .filter((e) => e.kind === 'limit' || e.kind === 'internal')
        .map((e) => ({ message: `${COULD_NOT_FINISH}: ${e.message}`, span: e.span }));
      const imported = imports && Object.fromEntries(Object.values(imports).map((m) => [m.fileName, m.text]));
      return { ...base, findings, errors, notices, elapsedMs: outcome.elapsedMs, ...(imported ? { imported } : {}) };
    }
  }
}
