// The sandbox pass of documents outside a server session: the pass under a document owner of its
// own (engine/documents.ts), for callers that drive it event by event and publish by (uri, version).
import type { Settings } from '../../config/schema';
import type { DocumentSnapshot } from '../document-analysis';
import { createDocuments } from '../documents';
import type { AnalysisPool } from '../pool';
import { sandboxPass, SANDBOX_PASS } from '../passes/sandbox';
import type { SandboxOutcome, SandboxReport } from './pass';

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
  const owner = createDocuments({
    passes: [sandboxPass({ pool: deps.pool, log: deps.log })],
    snapshot: deps.snapshot,
    settingsFor: deps.settingsFor,
    onChange: (report) => deps.publish(report.uri, report.version),
    log: deps.log,
  });
  return {
    saved: (uri) => owner.notify(uri, 'save'),
    changed: (uri) => owner.notify(uri, 'change'),
    closed: (uri) => owner.close(uri),
    configurationChanged: () => void owner.settingsChanged(),
    async runNow(uri, signal) {
      const outcome = await owner.run(uri, SANDBOX_PASS, { signal });
      return outcome.kind === 'yielded' ? (outcome.detail as SandboxOutcome) : outcome;
    },
    latest: (uri) => owner.output(uri, SANDBOX_PASS) as SandboxReport | undefined,
    dispose: () => owner.dispose(),
  };
}
