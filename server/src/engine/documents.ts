// The owner of every open document's results: one entry per document, one version-tagged slot per
// pass, one merged report, one change callback. Passes (engine/passes/) say when they run and
// what they yield; the owner runs them on events (debounced, one run per document and pass, every
// run aborted when the version moves on) and keeps only output for the version the editor has.
import type { Settings } from '../config/schema';
import type { DocumentReport, DocumentSnapshot } from './document-analysis';
import { createDocumentRuns, delay, type DocumentRuns } from './document-runs';
import { mergeOutputs } from './passes/merge';
import type { Pass, PassEvent, PassHost, PassOutput } from './passes/pass';

export interface DocumentsDeps {
  /** Registration order is merge order; base passes first. */
  passes: readonly Pass[];
  /** The document as the editor has it now; undefined once closed (or not analysed at all). */
  snapshot(uri: string): DocumentSnapshot | undefined;
  settingsFor(uri: string, signal: AbortSignal): Promise<Settings>;
  /** A document's merged report changed: only for the version the editor has, never after close. */
  onChange(report: DocumentReport): void;
  log(message: string): void;
}

/** How a run asked for by a command ended. */
export type RunOutcome<D = unknown> = { kind: 'yielded'; detail: D } | { kind: 'cancelled' } | { kind: 'failed'; message: string };

export interface Documents {
  /** An event for one document: every pass it triggers runs (an edit first aborts every running pass). */
  notify(uri: string, event: Exclude<PassEvent, 'command' | 'settings'>): void;
  /** Runs one pass now, as a command asked; resolves with how it ended. */
  run(uri: string, passId: string, options?: { signal?: AbortSignal; at?: number }): Promise<RunOutcome>;
  /** The settings changed: passes are told, and those that run on 'settings' run for every document. Resolves when all runs end. */
  settingsChanged(): Promise<void>;
  /** Runs `passId` for every document again now; resolves when every run has ended. */
  rerunAll(passId: string): Promise<void>;
  close(uri: string): void;
  /** The merged report of the document's current version, once every base pass has output for it. */
  report(uri: string): DocumentReport | undefined;
  /** The merged report of the passes whose findings get code actions (see Pass.codeActions). */
  actionable(uri: string): DocumentReport | undefined;
  /** Resolves with the merged report for `version` or newer; undefined if closed, aborted or failed first. */
  whenReport(uri: string, version: number, signal?: AbortSignal): Promise<DocumentReport | undefined>;
  /** A pass's detail for the document's current version. */
  detail(uri: string, passId: string): unknown;
  /** A pass's output for the document's current version. */
  output(uri: string, passId: string): PassOutput | undefined;
  /** Starts each pass's work that outlives documents (a model's health check). */
  start(): Promise<void>;
  uris(): string[];
  dispose(): void;
}

interface Slot {
  version: number;
  output: PassOutput;
  detail: unknown;
}

interface Entry {
  slots: Map<string, Slot>;
  /** Waiters re-check their condition on every change of the entry. */
  listeners: Set<() => void>;
}

export function createDocuments(deps: DocumentsDeps): Documents {
  const lifetime = new AbortController();
  const entries = new Map<string, Entry>();
  const runs = new Map<string, DocumentRuns>(deps.passes.map((p) => [p.id, createDocumentRuns(lifetime.signal)]));
  const passById = new Map(deps.passes.map((p) => [p.id, p]));
  const merged = new Map<string, DocumentReport>();
  const mergedForActions = new Map<string, DocumentReport>();

  const entryOf = (uri: string): Entry | undefined => {
    let entry = entries.get(uri);
    if (!entry && deps.snapshot(uri) && !lifetime.signal.aborted) {
      entry = { slots: new Map(), listeners: new Set() };
      entries.set(uri, entry);
    }
    return entry;
  };
  const currentVersion = (uri: string): number | undefined => deps.snapshot(uri)?.version;
  const touch = (entry: Entry): void => {
    for (const listener of [...entry.listeners]) listener();
  };

  const mergedReport = (uri: string, forActions: boolean): DocumentReport | undefined => {
    const entry = entries.get(uri);
    const version = currentVersion(uri);
    if (!entry || version === undefined) return undefined;
    const current = deps.passes.flatMap((p) => {
      const slot = entry.slots.get(p.id);
      return slot && slot.version === version ? [{ pass: p, slot }] : [];
    });
    if (deps.passes.some((p) => p.base && !current.some((c) => c.pass === p)) || current.length === 0) return undefined;
    const key = current.filter((c) => !forActions || c.pass.codeActions !== false).map((c) => c.slot);
    // One object per combination of slots, so a caller may cache what it derives from a report.
    const cache = forActions ? mergedForActions : merged;
    const cached = cache.get(uri);
    if (cached && mergedFrom.get(cached)?.length === key.length && mergedFrom.get(cached)?.every((s, i) => s === key[i])) return cached;
    const result = mergeOutputs(uri, version, key.map((s) => s.output));
    mergedFrom.set(result, key);
    cache.set(uri, result);
    return result;
  };
  const report = (uri: string): DocumentReport | undefined => mergedReport(uri, false);
  const mergedFrom = new WeakMap<DocumentReport, Slot[]>();

  const store = (uri: string, pass: Pass, slot: Slot): boolean => {
    const entry = entries.get(uri);
    // Only the version the editor still has may be shown: a later edit has moved every line.
    if (!entry || currentVersion(uri) !== slot.version || lifetime.signal.aborted) return false;
    entry.slots.set(pass.id, slot);
    const merged = report(uri);
    if (merged) deps.onChange(merged);
    touch(entry);
    return true;
  };

  const hasRun = (pass: Pass, uri: string): boolean => entries.get(uri)?.slots.has(pass.id) === true || [...(runs.get(pass.id)?.uris() ?? [])].includes(uri);

  async function runPass(uri: string, pass: Pass, event: PassEvent, options: { signal?: AbortSignal; at?: number; force?: boolean } = {}): Promise<RunOutcome> {
    const doc = deps.snapshot(uri);
    if (!doc || !entryOf(uri)) return { kind: 'cancelled' };
    const ran = hasRun(pass, uri);
    let run: ReturnType<DocumentRuns['start']> | undefined;
    try {
      // Settings decide whether the pass runs at all, so a run that will not happen aborts nothing.
      const settings = await deps.settingsFor(uri, options.signal ?? lifetime.signal);
      if (currentVersion(uri) !== doc.version || options.signal?.aborted || lifetime.signal.aborted) return { kind: 'cancelled' };
      if (!options.force && !pass.runsOn(event, settings, ran)) return { kind: 'cancelled' };
      // A settings change drops what the pass showed under the old settings (it may now be off).
      if (event === 'settings' && !pass.base) entries.get(uri)?.slots.delete(pass.id);
      run = runs.get(pass.id)?.start(uri, options.signal);
      if (!run) return { kind: 'cancelled' };
      const { signal } = run;
      const wait = pass.delayMs?.(event, settings) ?? 0;
      if (wait > 0) await delay(wait, signal);
      if (signal.aborted) return { kind: 'cancelled' };
      const outputOf = (passId: string): Promise<PassOutput | undefined> => slotFor(uri, passId, doc.version, signal).then((s) => s?.output);
      const yielded = await pass.run({ doc, settings, signal, event, at: options.at, outputOf });
      if (!yielded || signal.aborted) return { kind: 'cancelled' };
      if (yielded.output && !store(uri, pass, { version: doc.version, output: yielded.output, detail: yielded.detail })) return { kind: 'cancelled' };
      return { kind: 'yielded', detail: yielded.detail };
    } catch (err) {
      if (run?.signal.aborted || options.signal?.aborted) return { kind: 'cancelled' };
      const message = `${pass.label} of ${uri} failed unexpectedly: ${String(err)}`;
      deps.log(`orbit-ls: ${message}`);
      // Nobody may wait forever for a report that will not come (a pull request, a command).
      if (pass.base && currentVersion(uri) === doc.version) failWaiters(uri);
      return { kind: 'failed', message };
    } finally {
      run?.finish();
    }
  }

  const failed = new Set<string>();
  const failWaiters = (uri: string): void => {
    failed.add(uri);
    const entry = entries.get(uri);
    if (entry) touch(entry);
    failed.delete(uri);
  };

  /** Waits until `test` gives a value, the document closes, the signal aborts, or a base pass fails. */
  function waitFor<T>(uri: string, test: () => T | undefined, signal?: AbortSignal): Promise<T | undefined> {
    const entry = entries.get(uri);
    const now = test();
    if (now !== undefined || !entry) return Promise.resolve(now);
    return new Promise((resolve) => {
      const finish = (value: T | undefined): void => {
        entry.listeners.delete(listener);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const listener = (): void => {
        if (entries.get(uri) !== entry || failed.has(uri)) return finish(undefined);
        const value = test();
        if (value !== undefined) finish(value);
      };
      const onAbort = (): void => finish(undefined);
      entry.listeners.add(listener);
      if (signal?.aborted) return finish(undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  const slotFor = (uri: string, passId: string, version: number, signal: AbortSignal): Promise<Slot | undefined> =>
    waitFor(uri, () => {
      const slot = entries.get(uri)?.slots.get(passId);
      return slot && slot.version >= version ? slot : undefined;
    }, signal);

  const close = (uri: string): void => {
    for (const r of runs.values()) r.abort(uri);
    const entry = entries.get(uri);
    entries.delete(uri);
    merged.delete(uri);
    mergedForActions.delete(uri);
    if (entry) touch(entry);
    for (const pass of deps.passes) pass.closed?.(uri);
  };

  const documents: Documents = {
    notify(uri, event) {
      if (!entryOf(uri)) return;
      // The version moved on: whatever ran for the old one is stale, whichever pass it is.
      if (event === 'change') for (const r of runs.values()) r.abort(uri);
      for (const pass of deps.passes) void runPass(uri, pass, event);
    },
    run(uri, passId, options) {
      const pass = passById.get(passId);
      if (!pass) return Promise.resolve({ kind: 'failed', message: `no pass named ${passId}` });
      return runPass(uri, pass, 'command', { ...options, force: true });
    },
    async settingsChanged() {
      for (const pass of deps.passes) pass.configurationChanged?.();
      await Promise.all([...entries.keys()].flatMap((uri) => deps.passes.map((pass) => runPass(uri, pass, 'settings'))));
    },
    async rerunAll(passId) {
      const pass = passById.get(passId);
      if (pass) await Promise.all([...entries.keys()].map((uri) => runPass(uri, pass, 'command', { force: true })));
    },
    close,
    report,
    actionable: (uri) => mergedReport(uri, true),
    whenReport(uri, version, signal) {
      entryOf(uri);
      return waitFor(uri, () => {
        const r = report(uri);
        return r && r.version >= version ? r : undefined;
      }, signal);
    },
    detail(uri, passId) {
      const slot = entries.get(uri)?.slots.get(passId);
      return slot && slot.version === currentVersion(uri) ? slot.detail : undefined;
    },
    output(uri, passId) {
      const slot = entries.get(uri)?.slots.get(passId);
      return slot && slot.version === currentVersion(uri) ? slot.output : undefined;
    },
    async start() {
      await Promise.all(deps.passes.map((pass) => pass.start?.()));
    },
    uris: () => [...entries.keys()],
    dispose() {
      for (const uri of [...entries.keys()]) close(uri);
      lifetime.abort();
      for (const pass of deps.passes) pass.dispose?.();
    },
  };
  const host = (pass: Pass): PassHost => ({
    run: (uri, event) => void runPass(uri, pass, event, { force: event === 'command' }),
    detail: (uri) => documents.detail(uri, pass.id),
    uris: () => [...entries.keys()],
  });
  for (const pass of deps.passes) pass.attach?.(host(pass));
  return documents;
}
