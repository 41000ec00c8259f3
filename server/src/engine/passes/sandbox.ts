// The sandbox pass in the editor: on save, by orbit.verifyDocument, and again when settings change
// for documents that had one. Its detail is how the run ended (for the command's summary).
import type { AnalysisPool } from '../pool';
import { failedSandboxReport, sandboxPass as runSandbox, type SandboxOutcome } from '../sandbox/pass';
import type { Pass } from './pass';

export const SANDBOX_PASS = 'sandbox';

export interface SandboxPassDeps {
  pool(): Promise<AnalysisPool>;
  log(message: string): void;
}

export function sandboxPass(deps: SandboxPassDeps): Pass<SandboxOutcome> {
  return {
    id: SANDBOX_PASS,
    label: 'the sandbox pass',
    // On open it would hold a worker thread that the static pass of the next edit waits for.
    runsOn: (event, _settings, ran) => event === 'save' || event === 'command' || (event === 'settings' && ran),
    async run({ doc, settings, signal }) {
      if (!settings.sandbox.enabled) return { detail: { kind: 'skipped', reason: 'orbit.sandbox.enabled is false' } };
      const outcome = await runSandbox(await deps.pool(), doc, settings, signal);
      const where = `${doc.uri} (version ${doc.version})`;
      switch (outcome.kind) {
        case 'cancelled':
          return undefined;
        case 'skipped':
          return { detail: outcome };
        case 'failed': {
          deps.log(`orbit-ls: ${where}: ${outcome.message}`);
          // The user sees that this version's sandbox pass did not complete, not "no findings".
          return signal.aborted ? undefined : { output: failedSandboxReport(doc, outcome.message), detail: outcome };
        }
        case 'done': {
          if (signal.aborted) return undefined;
          const { report } = outcome;
          deps.log(
            `orbit-ls: sandbox pass of ${doc.uri} (version ${doc.version}): ${report.unitsTraced} function(s) run, ${report.unitsCached} from cache, ${report.findings.length} finding(s) in ${Math.round(report.elapsedMs)} ms`,
          );
          for (const notice of report.notices) deps.log(`orbit-ls: ${where}: ${notice.message}`);
          return { output: report, detail: outcome };
        }
      }
    },
  };
}
