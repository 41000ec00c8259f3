// The document scheduler: per-URI debounce, each edit aborts the previous run for that URI, every
// report carries the version it was computed for and stale ones are dropped. LSP-free: plain data
// in, plain reports out, so the server, the CLI, tests and the benchmark all drive the same code.
import type { Settings } from '../config/schema';
import type { DocumentReport, DocumentSnapshot } from './analyze';

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
  /**
   * Analyse every open document again now (settings changed, or a command asked). Resolves when
   * every run has ended: published, superseded by an edit, or dropped by a close.
   */
  reanalyzeAll(): Promise<void>;
  /** The last published report for a document, if any. */
  latest(uri: string): DocumentReport | undefined;
  /** Resolves with the first report for `version` or newer; undefined if closed or aborted first. */
  whenAnalysed(uri: string, version: number, signal?: AbortSignal): Promise<DocumentReport | undefined>;
  /** URIs of the documents currently tracked. */
  openDocuments(): string[];
  dispose(): void;
}

interface Entry {
  doc: DocumentSnapshot;
  run: AbortController;
  latest?: DocumentReport;
}

interface Waiter {
  version: number;
  resolve: (report: DocumentReport | undefined) => void;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const entries = new Map<string, Entry>();
  const waiters = new Map<string, Set<Waiter>>();

  const wake = (uri: string, report: DocumentReport | undefined): void => {
    for (const w of waiters.get(uri) ?? []) {
      if (report === undefined || report.version >= w.version) {
        waiters.get(uri)?.delete(w);
        w.resolve(report);
      }
    }
  };

  const schedule = (doc: DocumentSnapshot, debounce: boolean): Promise<void> => {
    const previous = entries.get(doc.uri);
    previous?.run.abort();
    const entry: Entry = { doc, run: new AbortController(), latest: previous?.latest };
    entries.set(doc.uri, entry);
    return runEntry(entry, debounce).catch((err: unknown) => {
      deps.log(`orbit-ls: analysis of ${doc.uri} failed unexpectedly: ${String(err)}`);
      // Nobody may wait forever for a report that will not come (a pull request, a command).
      if (entries.get(doc.uri) === entry) wake(doc.uri, undefined);
    });
  };

  const runEntry = async (entry: Entry, debounce: boolean): Promise<void> => {
    const { signal } = entry.run;
    const settings = await deps.settingsFor(entry.doc.uri, signal);
    if (debounce && settings.debounceMs > 0) await delay(settings.debounceMs, signal);
    if (signal.aborted) return;
    const report = await deps.analyze(entry.doc, settings, signal);
    // Only the run that is still current for its URI may publish: a newer edit or a close has
    // replaced or removed the entry, and its report would describe text the editor no longer has.
    if (report === undefined || signal.aborted || entries.get(entry.doc.uri) !== entry) return;
    entry.latest = report;
    for (const notice of report.notices) deps.log(`orbit-ls: ${report.uri} (version ${report.version}): ${notice.message}`);
    deps.publish(report);
    wake(entry.doc.uri, report);
  };

  const close = (uri: string): void => {
    entries.get(uri)?.run.abort();
    entries.delete(uri);
    wake(uri, undefined);
  };

  return {
    open: (doc) => void schedule(doc, false),
    change: (doc) => void schedule(doc, true),
    close,
    async reanalyzeAll() {
      await Promise.all([...entries.values()].map((entry) => schedule(entry.doc, false)));
    },
    latest: (uri) => entries.get(uri)?.latest,
    whenAnalysed(uri, version, signal) {
      const entry = entries.get(uri);
      if (!entry) return Promise.resolve(undefined);
      if (entry.latest && entry.latest.version >= version) return Promise.resolve(entry.latest);
      return new Promise((resolve) => {
        const waiter: Waiter = { version, resolve };
        if (!waiters.has(uri)) waiters.set(uri, new Set());
        waiters.get(uri)?.add(waiter);
        signal?.addEventListener('abort', () => {
          waiters.get(uri)?.delete(waiter);
          resolve(undefined);
        });
      });
    },
    openDocuments: () => [...entries.keys()],
    dispose() {
      for (const uri of [...entries.keys()]) close(uri);
    },
  };
}

/** Resolves after `ms`, or early (without error) when the signal aborts. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
