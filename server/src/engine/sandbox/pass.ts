// The sandbox pass over one document through the pool: settings in, a versioned outcome out, with
// rule levels and ignore comments applied as for static findings. Shared by the server and `check`.
import { applySuppressions } from '../../core/static-analysis';
import { languageFromFileName, type Finding } from '../../core/types';
import type { Settings } from '../../config/schema';
import type { DocumentReport, DocumentSnapshot, Notice } from '../document-analysis';
import type { AnalysisPool } from '../pool';
import { mergeOutputs } from '../passes/merge';

/** What the sandbox found in one version of one document. */
export interface SandboxReport {
  uri: string;
  version: number;
  findings: Finding[];
  notices: Notice[];
  /** Functions run in this pass, and functions answered from the worker's cache. */
  unitsTraced: number;
  unitsCached: number;
  elapsedMs: number;
}

/** How a pass ended; a failure is data, so no caller can forget it. */
export type SandboxOutcome =
  | { kind: 'done'; report: SandboxReport }
  | { kind: 'skipped'; reason: string }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

export const SANDBOX_INCOMPLETE = 'orbit-ls could not run every function of this file in the sandbox';
/** The code of the information diagnostic on a file whose sandbox pass could not complete. */
export const SANDBOX_INCOMPLETE_CODE = 'sandbox-incomplete';

/** Loading QuickJS in a fresh thread, on top of the document's own budget. */
const START_MS = 5000;

/** Runs the pass; never throws. The caller decides whether the pass is wanted (orbit.sandbox.enabled). */
export async function sandboxPass(pool: AnalysisPool, doc: DocumentSnapshot, settings: Settings, signal: AbortSignal): Promise<SandboxOutcome> {
  if (doc.language === undefined) return { kind: 'skipped', reason: 'not a JavaScript or TypeScript document' };
  if (doc.text.length > settings.maxFileSize) return { kind: 'skipped', reason: `longer than orbit.maxFileSize (${settings.maxFileSize})` };
  const { timeMs, budgetMs, unexpectedEffects } = settings.sandbox;
  // The budget is checked between functions, so one function's runs may overshoot it a little.
  const timeoutMs = budgetMs + 5 * timeMs + START_MS;
  // The sandbox picks the parser from the file name; an untitled buffer gets its language's extension.
  const fileName = languageFromFileName(doc.uri) ? doc.uri : `${doc.uri}.${doc.language}`;
  const outcome = await pool.run('sandbox', { fileName, text: doc.text, limits: { timeMs }, unexpectedEffects, budgetMs }, { signal, timeoutMs });
  switch (outcome.kind) {
    case 'cancelled':
      return outcome;
    case 'failed': {
      const why =
        outcome.reason === 'timeout'
          ? `it took longer than ${timeoutMs} ms and was stopped; lower orbit.sandbox.budgetMs or orbit.sandbox.timeMs`
          : `${outcome.message}; other files and the static checks are unaffected`;
      return { kind: 'failed', message: `the sandbox pass failed: ${why}` };
    }
    case 'done': {
      const r = outcome.value;
      const notices = r.errors
        .filter((e) => e.kind === 'limit' || e.kind === 'internal')
        .map((e): Notice => ({ message: `${SANDBOX_INCOMPLETE}: ${e.message}`, span: e.span, code: SANDBOX_INCOMPLETE_CODE }));
      const findings = applySuppressions(doc.text, withLevels(r.findings, settings.rules));
      return {
        kind: 'done',
        report: { uri: doc.uri, version: doc.version, findings, notices, unitsTraced: r.unitsTraced, unitsCached: r.unitsCached, elapsedMs: outcome.elapsedMs },
      };
    }
  }
}

/** A pass that failed as a whole: no findings, and the notice saying so. */
export function failedSandboxReport(doc: DocumentSnapshot, message: string): SandboxReport {
  return { uri: doc.uri, version: doc.version, findings: [], notices: [{ message: `${SANDBOX_INCOMPLETE}: ${message}`, code: SANDBOX_INCOMPLETE_CODE }], unitsTraced: 0, unitsCached: 0, elapsedMs: 0 };
}

/** The static report with the sandbox's findings and notices of the same version added (each finding once). */
export function withSandboxReport(report: DocumentReport, sandbox: SandboxReport | undefined): DocumentReport {
  if (!sandbox || sandbox.version !== report.version || sandbox.uri !== report.uri) return report;
  return mergeOutputs(report.uri, report.version, [report, sandbox]);
}

/** orbit.rules applies to sandbox rules as to static ones: "off" drops, a severity replaces. */
function withLevels(findings: readonly Finding[], levels: Settings['rules']): Finding[] {
  return findings.flatMap((f) => {
    const level = levels[f.ruleId];
    if (level === undefined) return [f];
    return level === 'off' ? [] : [{ ...f, severity: level }];
  });
}
