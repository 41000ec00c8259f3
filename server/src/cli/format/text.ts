// Readable `check` output: findings grouped by file, one line each, colour only on a terminal.
import type { Severity } from '../../core/types';
import { countBySeverity, sandboxIncompleteFiles, type CheckReport, type CheckedFinding } from '../report';

export interface TextOptions {
  color: boolean;
}

const COLORS: Record<Severity | 'dim' | 'bold', string> = {
  error: '\u001b[31m',
  warning: '\u001b[33m',
  information: '\u001b[36m',
  hint: '\u001b[2m',
  dim: '\u001b[2m',
  bold: '\u001b[1m',
};

export function formatText(report: CheckReport, options: TextOptions): string {
  const paint = (style: keyof typeof COLORS, text: string): string => (options.color ? `${COLORS[style]}${text}\u001b[0m` : text);
  const byFile = new Map<string, CheckedFinding[]>();
  for (const f of report.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const lines: string[] = [];
  for (const [file, findings] of byFile) {
    lines.push(paint('bold', file));
    for (const f of findings) {
      const where = `${f.region.start.line}:${f.region.start.column}`.padEnd(8);
      lines.push(`  ${where} ${paint(f.finding.severity, f.finding.severity.padEnd(11))} ${f.finding.message}  ${paint('dim', f.finding.ruleId)}`);
      if (f.flow.length > 1) lines.push(paint('dim', `           flow: ${f.flow.map((s) => `${s.message} (${s.file ? `${s.file}:` : ''}${s.region.start.line}:${s.region.start.column})`).join(' → ')}`));
      if (f.fixes.length > 0) lines.push(paint('dim', `           fix: ${f.fixes[0].title}`));
    }
    lines.push('');
  }
  for (const n of report.notices) lines.push(`${paint('information', 'note')} ${n.file}: ${n.message}`);
  for (const s of report.skipped) lines.push(paint('dim', `skipped ${s.file}: ${s.reason}`));
  if (report.notices.length + report.skipped.length > 0) lines.push('');
  lines.push(summary(report, paint));
  return `${lines.join('\n')}\n`;
}

function summary(report: CheckReport, paint: (style: keyof typeof COLORS, text: string) => string): string {
  const counts = countBySeverity(report);
  const seconds = (report.elapsedMs / 1000).toFixed(1);
  const incomplete = sandboxIncompleteFiles(report);
  // A file whose sandbox pass did not complete is counted, so "No findings" never hides it.
  const sandboxNote = incomplete > 0 ? `; sandbox pass incomplete in ${incomplete} file${incomplete === 1 ? '' : 's'}` : '';
  const checked = `${report.filesChecked} file${report.filesChecked === 1 ? '' : 's'} checked in ${seconds} s${sandboxNote}`;
  if (report.findings.length === 0) return `${paint('bold', 'No findings.')} ${checked}`;
  const parts = (Object.keys(counts) as Severity[]).filter((s) => counts[s] > 0).map((s) => paint(s, `${counts[s]} ${s}${counts[s] > 1 && s !== 'information' ? 's' : ''}`));
  const files = new Set(report.findings.map((f) => f.file)).size;
  const n = report.findings.length;
  return `${paint('bold', `${n} finding${n === 1 ? '' : 's'}`)} (${parts.join(', ')}) in ${files} file${files === 1 ? '' : 's'}; ${checked}`;
}
