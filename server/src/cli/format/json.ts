// Machine-readable `check` output: a stable JSON document (schemaVersion 1) with 1-based positions.
import { orbitVersion } from '../../config/version';
import { countBySeverity, sandboxIncompleteFiles, type CheckReport } from '../report';

export function formatJson(report: CheckReport): string {
  const doc = {
    schemaVersion: 1,
    tool: { name: 'orbit-ls', version: orbitVersion() },
    summary: { filesChecked: report.filesChecked, findings: report.findings.length, bySeverity: countBySeverity(report), sandboxIncomplete: sandboxIncompleteFiles(report), fromCache: report.fromCache ?? 0, elapsedMs: Math.round(report.elapsedMs) },
    findings: report.findings.map((f) => ({
      file: f.file,
      ruleId: f.finding.ruleId,
      cwe: f.finding.cwe,
      severity: f.finding.severity,
      message: f.finding.message,
      start: f.region.start,
      end: f.region.end,
      flow: f.flow.map((s) => ({ message: s.message, ...(s.file ? { file: s.file } : {}), start: s.region.start, end: s.region.end })),
      fixes: f.fixes.map((fix) => ({ title: fix.title, edits: fix.edits.map((e) => ({ start: e.region.start, end: e.region.end, newText: e.newText })) })),
    })),
    notices: report.notices,
    skipped: report.skipped,
    ...(report.verification ? { verification: report.verification } : {}),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
