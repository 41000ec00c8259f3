// One document version's report from its passes' outputs, in registration order: the base pass's
// report first, then each further pass's findings (a finding two passes report, same rule and
// span, is shown once) and notices; once a further pass has reported, findings are in document order.
import type { Finding } from '../../core/types';
import type { DocumentReport } from '../document-analysis';
import type { PassOutput } from './pass';

export function mergeOutputs(uri: string, version: number, outputs: readonly PassOutput[]): DocumentReport {
  const [first, ...rest] = outputs;
  const base: DocumentReport = isReport(first, uri, version)
    ? first
    : { uri, version, findings: [...(first?.findings ?? [])], notices: [...(first?.notices ?? [])], errors: [], elapsedMs: 0 };
  if (rest.length === 0) return base;
  const have = new Set(base.findings.map(sameFinding));
  const findings = [...base.findings];
  const notices = [...base.notices];
  for (const output of rest) {
    for (const f of output.findings) {
      if (have.has(sameFinding(f))) continue;
      have.add(sameFinding(f));
      findings.push(f);
    }
    notices.push(...output.notices);
  }
  findings.sort((a, b) => a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId));
  return { ...base, findings, notices };
}

function isReport(output: PassOutput | undefined, uri: string, version: number): output is DocumentReport {
  const r = output as DocumentReport | undefined;
  return r !== undefined && r.uri === uri && r.version === version && Array.isArray(r.errors);
}

function sameFinding(f: Finding): string {
  return `${f.ruleId}:${f.span.start}:${f.span.end}`;
}
