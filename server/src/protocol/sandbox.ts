// The protocol side of the sandbox pass: what orbit.verifyDocument says about the run it asked for.
// The pass itself is engine/passes/sandbox.ts; its findings are merged by the document owner.
import type { SandboxOutcome } from '../engine/sandbox/pass';

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
