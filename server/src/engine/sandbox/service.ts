// The editor's sandbox service: runs the sandbox pass of a document on save (and by command),
// aborts it when the document changes or closes or the server shuts down, keeps the report of the
// version it ran on and asks the protocol layer to publish it merged with the static findings.
import type { Settings } from '../../config/schema';
import type { DocumentSnapshot } from '../analyze';
import { createDocumentRuns } from '../document-runs';
import type { AnalysisPool } from '../pool';
import { failedSandboxReport, sandboxPass, type SandboxOutcome, type SandboxReport } from './pass';

export interface SandboxServiceDeps {
  settingsFor(uri: string, signal: AbortSignal): Promise<Settings>;
  /** The document as the editor has it now; undefined once closed. */
  snapshot(uri: string): DocumentSnapshot | undefined;
  pool(): Promise<AnalysisPool>;
  /** A fresh report for this version: publish the document's diagnostics again, merged. */
  publish(uri: string, version: number): void;
  log(message: string): void;
}

export interface SandboxService {
  saved(uri: string): void;
  /** An edit: the running pass is stale and stops, and the last report no longer applies. */
  changed(uri: string): void;
  closed(uri: string): void;
  /** Settings changed: documents that had a pass get one with the new settings (or none). */
  configurationChanged(): void;
  /** The command: runs the pass now and resolves with how it ended. */
  runNow(uri: string, signal: AbortSignal): Promise<SandboxOutcome>;
  /** The last report, only if it is for the document's current version. */
  latest(uri: string): SandboxReport | undefined;
  dispose(): void;
}

export function createSandboxService(deps: SandboxServiceDeps): SandboxService {
  const lifetime = new AbortController();
  const runs = createDocumentRuns(lifetime.signal);
  const reports = new Map<string, SandboxReport>();

  async function run(uri: string, outer?: AbortSignal): Promise<SandboxOutcome> {
    const current = runs.start(uri, outer);
    const { signal } = current;
    try {
      const settings = await deps.settingsFor(uri, signal);
      if (!settings.sandbox.enabled) return { kind: 'skipped', reason: 'orbit.sandbox.enabled is false' };
      const doc = deps.snapshot(uri);
      if (!doc || signal.aborted) return { kind: 'cancelled' };
      const outcome = await sandboxPass(await deps.pool(), doc, settings, signal);
      if (outcome.kind === 'failed') {
        deps.log(`orbit-ls: ${uri} (version ${doc.version}): ${outcome.message}`);
        // The user sees that this version's sandbox pass did not complete, not "no findings".
        if (!signal.aborted && deps.snapshot(uri)?.version === doc.version) {
          reports.set(uri, failedSandboxReport(doc, outcome.message));
          deps.publish(uri, doc.version);
        }
      }
      if (outcome.kind !== 'done') return outcome;
      // Only the version the editor still has may be shown: a later edit has moved every line.
      if (signal.aborted || deps.snapshot(uri)?.version !== doc.version) return { kind: 'cancelled' };
      const { report } = outcome;
      reports.set(uri, report);
      deps.log(
        `orbit-ls: sandbox pass of ${uri} (version ${doc.version}): ${report.unitsTraced} function(s) run, ${report.unitsCached} from cache, ${report.findings.length} finding(s) in ${Math.round(report.elapsedMs)} ms`,
      );
      for (const notice of report.notices) deps.log(`orbit-ls: ${uri} (version ${doc.version}): ${notice.message}`);
      deps.publish(uri, doc.version);
      return outcome;
    } catch (err) {
      if (signal.aborted) return { kind: 'cancelled' };
      const message = `the sandbox pass of ${uri} failed unexpectedly: ${String(err)}`;
      deps.log(`orbit-ls: ${message}`);
      return { kind: 'failed', message };
    } finally {
      current.finish();
    }
  }

  const forget = (uri: string): void => {
    runs.abort(uri);
    reports.delete(uri);
  };

  return {
    saved: (uri) => void run(uri),
    changed: forget,
    closed: forget,
    configurationChanged() {
      const uris = new Set([...reports.keys(), ...runs.uris()]);
      for (const uri of uris) {
        forget(uri);
        void run(uri);
      }
    },
    runNow: (uri, signal) => run(uri, signal),
    latest(uri) {
      const report = reports.get(uri);
      return report && deps.snapshot(uri)?.version === report.version ? report : undefined;
    },
    dispose() {
      lifetime.abort();
      reports.clear();
    },
  };
}
