// The result of `orbit-ls check`, independent of output format: findings with line and column,
// notices about files that could not be fully analysed, and files that were skipped.
import type { Finding, Severity } from '../core/types';
import type { Region } from './locate';
import type { VerificationSummary } from './check-verify';

export interface CheckedFinding {
  /** Path relative to the working directory, with forward slashes. */
  file: string;
  finding: Finding;
  region: Region;
  /** `file` is set on steps in another file than the finding's (taint across imports). */
  flow: { region: Region; message: string; file?: string }[];
  fixes: { title: string; edits: { region: Region; newText: string }[] }[];
}

export interface CheckNotice {
  file: string;
  message: string;
  /** 'sandbox-incomplete' for a file whose sandbox pass could not complete. */
  code?: string;
}

export interface CheckReport {
  filesChecked: number;
  findings: CheckedFinding[];
  notices: CheckNotice[];
  skipped: { file: string; reason: string }[];
  elapsedMs: number;
  /** Files whose static findings came from the findings cache (check without --no-cache). */
  fromCache?: number;
  /** Set by `check --verify`. */
  verification?: VerificationSummary;
}

export type FailOn = Severity | 'never';

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, information: 1, hint: 0 };

/** Exit code 1 when any finding is at or above the threshold, else 0. */
export function exitCodeFor(report: CheckReport, failOn: FailOn): 0 | 1 {
  if (failOn === 'never') return 0;
  return report.findings.some((f) => SEVERITY_RANK[f.finding.severity] >= SEVERITY_RANK[failOn]) ? 1 : 0;
}

/** Files with at least one 'sandbox-incomplete' notice: their sandbox pass could not complete. */
export function sandboxIncompleteFiles(report: CheckReport): number {
  return new Set(report.notices.filter((n) => n.code === 'sandbox-incomplete').map((n) => n.file)).size;
}

export function countBySeverity(report: CheckReport): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const f of report.findings) counts[f.finding.severity]++;
  return counts;
}
