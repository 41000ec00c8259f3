// Model verification of documents outside a server session: the verification pass under a
// document owner of its own (engine/documents.ts), for callers that drive it event by event.
import type { Finding } from '../../core/types';
import type { Settings } from '../../config/schema';
import type { DocumentSnapshot } from '../document-analysis';
import { createDocuments } from '../documents';
import { verificationPass, VERIFY_PASS, type VerifyPassDeps } from '../passes/verify';
import type { VerifyReport } from './verifier';


export interface VerifyServiceDeps extends Omit<VerifyPassDeps, 'staticFindings'> {
  settingsFor(uri: string, signal: AbortSignal): Promise<Settings>;
  /** The document as the editor has it now; undefined once closed. */
  snapshot(uri: string): DocumentSnapshot | undefined;
  /** The static findings of exactly this version, once analysed. */
  staticFindings(uri: string, version: number, signal: AbortSignal): Promise<readonly Finding[] | undefined>;
  /** A fresh report for the document's current version. */
  publish(report: VerifyReport): void;
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
  /** Settings changed: the next verification uses a backend built from the new ones. */
  configurationChanged(): void;
  /** The last report for the document's current version. */
  latest(uri: string): VerifyReport | undefined;
  dispose(): void;
}

export function createVerifyService(deps: VerifyServiceDeps): VerifyService {
  const pass = verificationPass(deps);
  const latest = (uri: string): VerifyReport | undefined => owner.detail(uri, VERIFY_PASS) as VerifyReport | undefined;
  const owner = createDocuments({
    passes: [pass],
    snapshot: deps.snapshot,
    settingsFor: deps.settingsFor,
    onChange(report) {
      const verified = latest(report.uri);
      if (verified) deps.publish(verified);
    },
    log: deps.log,
  });
  return {
    start: () => pass.start(),
    saved: (uri) => owner.notify(uri, 'save'),
    changed: (uri) => owner.notify(uri, 'change'),
    closed: (uri) => owner.close(uri),
    async verifyNow(uri, at, signal) {
      const outcome = await owner.run(uri, VERIFY_PASS, { signal, at });
      return outcome.kind === 'yielded' ? (outcome.detail as VerifyReport) : undefined;
    },
    configurationChanged: () => void owner.settingsChanged(),
    latest,
    dispose: () => owner.dispose(),
  };
}
