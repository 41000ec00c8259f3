// The editor's verification service: decides when a document is verified (on save, on idle, or
// only by command), owns the Ollama backend and its health gate, aborts a run when the document
// changes or closes, and hands each fresh report to the protocol layer to publish.
import type { Finding } from '../../core/types';
import type { Settings } from '../../config/schema';
import { chooseModelBackend, type ModelBackend } from '../model-backend';
import type { BackoffOptions } from '../../model/ollama/health';
import type { VerifyPrepareInput, VerifyPrepareOutput } from '../../workers/contracts';
import type { DocumentSnapshot } from '../analyze';
import { createDocumentRuns } from '../document-runs';
import { delay } from '../scheduler';
import { createModelGate, type ModelGate } from './model-gate';
import { createVerifier, type Verifier, type VerifyReport } from './verifier';

export interface ProgressSink {
  report(message: string, percentage?: number): void;
  done(): void;
}

export interface VerifyServiceDeps {
  /** Workspace-level settings: the backend is built from them. */
  workspaceSettings(signal: AbortSignal): Promise<Settings>;
  settingsFor(uri: string, signal: AbortSignal): Promise<Settings>;
  /** The document as the editor has it now; undefined once closed. */
  snapshot(uri: string): DocumentSnapshot | undefined;
  /** The static findings of exactly this version, once analysed. */
  staticFindings(uri: string, version: number, signal: AbortSignal): Promise<readonly Finding[] | undefined>;
  prepare(input: VerifyPrepareInput, signal: AbortSignal): Promise<VerifyPrepareOutput | undefined>;
  /** A fresh report for the document's current version. */
  publish(report: VerifyReport): void;
  notify(message: string): void;
  log(message: string): void;
  startProgress(title: string): Promise<ProgressSink>;
  env: Record<string, string | undefined>;
  backoff?: BackoffOptions;
}

export interface VerifyService {
  /** Health check of the model at start-up (one message if it is missing). */
  start(): Promise<void>;
  saved(uri: string): void;
  /** An edit: the running verification of the document is stale and stops. */
  changed(uri: string): void;
  closed(uri: string): void;
  /** The commands: the whole document, or the function around `at`. Resolves with the report. */
  verifyNow(uri: string, at: number | undefined, signal: AbortSignal): Promise<VerifyReport | undefined>;
  /** Settings changed: the next verification uses a backend built from the new ones (host,
   *  model, concurrency) and checks the model's health again. */
  configurationChanged(): void;
  /** The last report for the document's current version. */
  latest(uri: string): VerifyReport | undefined;
  dispose(): void;
}

export function createVerifyService(deps: VerifyServiceDeps): VerifyService {
  const lifetime = new AbortController();
  const runs = createDocumentRuns(lifetime.signal);
  const reports = new Map<string, VerifyReport>();
  let parts: Promise<{ backend: ModelBackend; gate: ModelGate; verifier: Verifier }> | undefined;

  const build = (): Promise<{ backend: ModelBackend; gate: ModelGate; verifier: Verifier }> =>
    (parts ??= deps.workspaceSettings(lifetime.signal).then((s) => {
      const choice = chooseModelBackend(s, deps.env, { purpose: 'verify', log: deps.log });
      // A host the settings name but the environment does not allow is never contacted; say so.
      for (const message of choice.refused) deps.notify(message);
      const backend = choice.backend;
      const gate = createModelGate({
        model: backend,
        notify: deps.notify,
        log: deps.log,
        backoff: deps.backoff,
        // Documents verified while the model was away are verified again now.
        onRecovered: () => {
          for (const uri of [...reports.keys()]) if (reports.get(uri)?.skipped) void run(uri, undefined, true);
        },
      });
      return { backend, gate, verifier: createVerifier({ prepare: deps.prepare, gate, log: deps.log }) };
    }));

  async function run(uri: string, at: number | undefined, force: boolean, outer?: AbortSignal): Promise<VerifyReport | undefined> {
    const current = runs.start(uri, outer);
    const { signal } = current;
    let progress: ProgressSink | undefined;
    try {
      const settings = await deps.settingsFor(uri, signal);
      if (!force && settings.verify.trigger === 'onIdle') await delay(settings.verify.idleMs, signal);
      const doc = deps.snapshot(uri);
      if (!doc || doc.language === undefined || signal.aborted) return undefined;
      const { verifier, backend } = await build();
      backend.setPreferredKey(uri);
      const statics = (await deps.staticFindings(uri, doc.version, signal)) ?? [];
      if (signal.aborted) return undefined;
      progress = await deps.startProgress(`orbit-ls: verifying ${uri.split('/').pop() ?? uri} with the model`);
      const sink = progress;
      const report = await verifier.verify({ doc, settings, staticFindings: statics, at, onProgress: (m, p) => sink.report(m, p) }, signal);
      if (!report || signal.aborted || deps.snapshot(uri)?.version !== report.version) return undefined;
      reports.set(uri, report);
      deps.publish(report);
      return report;
    } catch (err) {
      if (!signal.aborted) deps.log(`orbit-ls: verification of ${uri} failed unexpectedly: ${String(err)}`);
      return undefined;
    } finally {
      progress?.done();
      current.finish();
    }
  }

  const automatic = async (uri: string, trigger: Settings['verify']['trigger']): Promise<void> => {
    const settings = await deps.settingsFor(uri, lifetime.signal).catch(() => undefined);
    if (settings?.verify.trigger === trigger) await run(uri, undefined, false);
  };

  return {
    async start() {
      const { gate } = await build();
      await gate.start(lifetime.signal);
    },
    saved: (uri) => void automatic(uri, 'onSave'),
    changed(uri) {
      runs.abort(uri);
      reports.delete(uri);
      void automatic(uri, 'onIdle');
    },
    closed(uri) {
      runs.abort(uri);
      reports.delete(uri);
      void parts?.then(({ verifier }) => verifier.forget(uri));
    },
    verifyNow: (uri, at, signal) => run(uri, at, true, signal),
    configurationChanged() {
      const old = parts;
      parts = undefined;
      void old?.then(({ gate, backend }) => {
        gate.dispose();
        backend.abortAll();
      });
      void build().then(({ gate }) => gate.start(lifetime.signal));
    },
    latest(uri) {
      const report = reports.get(uri);
      return report && deps.snapshot(uri)?.version === report.version ? report : undefined;
    },
    dispose() {
      lifetime.abort();
      void parts?.then(({ gate, backend }) => {
        gate.dispose();
        backend.abortAll();
      });
    },
  };
}
