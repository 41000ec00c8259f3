// The static pass of documents pushed one snapshot at a time: the pass under a document owner of
// its own (engine/documents.ts). Per-URI debounce, each edit aborts the previous run for that URI,
// every report carries the version it was computed for and stale ones are dropped. LSP-free.
import type { Settings } from '../config/schema';
import type { DocumentReport, DocumentSnapshot } from './document-analysis';
import { createDocuments } from './documents';
import { staticPass, STATIC_PASS } from './passes/static';

export { delay } from './document-runs';

export interface SchedulerDeps {
  /** Settings for one document (per resource); rejected or aborted → the run is dropped. */
  settingsFor(uri: string, signal: AbortSignal): Promise<Settings>;
  /** Analyses one snapshot; undefined when cancelled. Normally analyzeSnapshot bound to a pool. */
  analyze(doc: DocumentSnapshot, settings: Settings, signal: AbortSignal): Promise<DocumentReport | undefined>;
  /** Receives each fresh report: only for the document's current version, never after close. */
  publish(report: DocumentReport): void;
  log(message: string): void;
}

export interface Scheduler {
  /** A document was opened: analysed at once, no debounce. */
  open(doc: DocumentSnapshot): void;
  /** A document changed: analysed after the debounce, unless it changes again first. */
  change(doc: DocumentSnapshot): void;
  /** A document was closed: its run is aborted and nothing more is published for it. */
  close(uri: string): void;
  /** Analyse every open document again now. Resolves when every run has ended. */
  reanalyzeAll(): Promise<void>;
  /** The last published report for a document, if any. */
  latest(uri: string): DocumentReport | undefined;
  /** Resolves with the first report for `version` or newer; undefined if closed or aborted first. */
  whenAnalysed(uri: string, version: number, signal?: AbortSignal): Promise<DocumentReport | undefined>;
  /** URIs of the documents currently tracked. */
  openDocuments(): string[];
  dispose(): void;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const docs = new Map<string, DocumentSnapshot>();
  const latest = new Map<string, DocumentReport>();
  const owner = createDocuments({
    passes: [staticPass({ analyze: deps.analyze, log: deps.log })],
    snapshot: (uri) => docs.get(uri),
    settingsFor: deps.settingsFor,
    onChange(report) {
      latest.set(report.uri, report);
      deps.publish(report);
    },
    log: deps.log,
  });
  const push = (doc: DocumentSnapshot, event: 'open' | 'change'): void => {
    docs.set(doc.uri, doc);
    owner.notify(doc.uri, event);
  };
  return {
    open: (doc) => push(doc, 'open'),
    change: (doc) => push(doc, 'change'),
    close(uri) {
      owner.close(uri);
      docs.delete(uri);
      latest.delete(uri);
    },
    reanalyzeAll: () => owner.rerunAll(STATIC_PASS),
    latest: (uri) => latest.get(uri),
    whenAnalysed(uri, version, signal) {
      if (!docs.has(uri)) return Promise.resolve(undefined);
      const last = latest.get(uri);
      if (last && last.version >= version) return Promise.resolve(last);
      return owner.whenReport(uri, version, signal);
    },
    openDocuments: () => [...docs.keys()],
    dispose() {
      owner.dispose();
      docs.clear();
      latest.clear();
    },
  };
}
