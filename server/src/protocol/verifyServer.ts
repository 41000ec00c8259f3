// Wires the verification service into a server session: settings from the configuration store,
// documents from the editor, static findings from the scheduler, preparation on the pool, and
// publishing through the same path as static diagnostics so both arrive merged.
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { languageFromId } from '../core/types';
import type { AnalysisPool } from '../engine/pool';
import type { Scheduler } from '../engine/scheduler';
import { createVerifyService, type VerifyService } from '../engine/verify/service';
import type { ModelService } from '../engine/model-service';
import type { LspClient } from './client';
import type { ConfigurationStore } from './configuration';

/** Preparing a file's changed functions runs the sandbox on each; a generous bound, not a target. */
const PREPARE_TIMEOUT_MS = 120_000;

export interface VerificationParts {
  client: LspClient;
  config: ConfigurationStore;
  documents: TextDocuments<TextDocument>;
  scheduler(): Scheduler;
  pool(): Promise<AnalysisPool>;
  /** Publishes the document's latest static report again (it is merged with verification). */
  republish(uri: string, version: number): void;
  /** The session's model service, shared with regeneration. */
  models?: ModelService;
}

export function createServerVerification(parts: VerificationParts): VerifyService {
  const { client, config, documents } = parts;
  return createVerifyService({
    workspaceSettings: () => config.settingsFor(undefined),
    settingsFor: (uri) => config.settingsFor(uri),
    snapshot(uri) {
      const doc = documents.get(uri);
      return doc && { uri, version: doc.version, text: doc.getText(), language: languageFromId(doc.languageId) };
    },
    async staticFindings(uri, version, signal) {
      const report = await parts.scheduler().whenAnalysed(uri, version, signal);
      return report?.version === version ? report.findings : undefined;
    },
    async prepare(input, signal) {
      const outcome = await (await parts.pool()).run('verifyPrepare', input, { signal, timeoutMs: PREPARE_TIMEOUT_MS });
      if (outcome.kind === 'failed') client.log(`orbit-ls: preparing ${input.document.fileName} for verification failed: ${outcome.message}`);
      return outcome.kind === 'done' ? outcome.value : undefined;
    },
    publish: (report) => parts.republish(report.uri, report.version),
    notify: (message) => client.showWarning(message),
    log: (message) => client.log(message),
    startProgress: (title) => client.startProgress(title),
    env: process.env,
    models: parts.models,
  });
}
