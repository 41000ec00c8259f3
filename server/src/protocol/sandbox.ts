// Wires the sandbox service into a server session (settings from the configuration store,
// documents from the editor, the pool) and merges its findings into the report of the same version.
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { languageFromId } from '../core/types';
import type { DocumentReport } from '../engine/analyze';
import type { AnalysisPool } from '../engine/pool';
import { withSandboxReport, type SandboxOutcome } from '../engine/sandbox/pass';
import { createSandboxService, type SandboxService } from '../engine/sandbox/service';
import type { LspClient } from './client';
import type { ConfigurationStore } from './configuration';

export interface SandboxParts {
  client: LspClient;
  config: ConfigurationStore;
  documents: TextDocuments<TextDocument>;
  pool(): Promise<AnalysisPool>;
  /** Publishes the document's latest static report again (merged with the sandbox's). */
  republish(uri: string, version: number): void;
}

export function createServerSandbox(parts: SandboxParts): SandboxService {
  const { client, config, documents } = parts;
  return createSandboxService({
    settingsFor: (uri) => config.settingsFor(uri),
    snapshot(uri) {
      const doc = documents.get(uri);
      return doc && { uri, version: doc.version, text: doc.getText(), language: languageFromId(doc.languageId) };
    },
    pool: parts.pool,
    publish: parts.republish,
    log: (message) => client.log(message),
  });
}

/** The report with the sandbox findings of the same version added. */
export function withSandbox(report: DocumentReport, service: SandboxService | undefined): DocumentReport {
  return withSandboxReport(report, service?.latest(report.uri));
}

/** What orbit.verifyDocument says about the sandbox pass it ran. */
export function sandboxSummary(outcome: SandboxOutcome | undefined): unknown {
  switch (outcome?.kind) {
    case undefined:
    case 'cancelled':
      return { cancelled: true };
    case 'skipped':
      return { skipped: outcome.reason };
    case 'failed':
      return { failed: outcome.message };
    case 'done':
      return { findings: outcome.report.findings.length, functions: outcome.report.unitsTraced + outcome.report.unitsCached, elapsedMs: Math.round(outcome.report.elapsedMs) };
  }
}
