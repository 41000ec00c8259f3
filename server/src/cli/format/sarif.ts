// SARIF 2.1.0 output for code-scanning services: one rule entry per rule with CWE tags in both the
// "CWE-89" and "external/cwe/cwe-089" forms, results with locations, codeFlows and fixes.
import { orbitVersion } from '../../config/version';
import type { RuleMeta } from '../../core/security/rule';
import type { Severity } from '../../core/types';
import type { Region } from '../locate';
import type { CheckReport } from '../report';

// A minimal subset of the SARIF 2.1.0 object model, just what we emit.
interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}
interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: SarifRegion };
  message?: { text: string };
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** "CWE-89" → "external/cwe/cwe-089", the form GitHub code scanning reads. */
export function cweTag(cwe: string): string {
  const n = cwe.replace(/^CWE-/i, '');
  return `external/cwe/cwe-${n.padStart(3, '0')}`;
}

export function formatSarif(report: CheckReport, rules: readonly RuleMeta[]): string {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const location = (file: string, region: Region, message?: string): SarifLocation => ({
    physicalLocation: { artifactLocation: { uri: encodeURI(file), uriBaseId: '%SRCROOT%' }, region: sarifRegion(region) },
    ...(message ? { message: { text: message } } : {}),
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'orbit-ls',
            version: orbitVersion(),
            rules: rules.map((r) => ({
              id: r.id,
              name: r.title,
              shortDescription: { text: r.title },
              fullDescription: { text: r.description },
              ...(r.docsUrl ? { helpUri: r.docsUrl } : {}),
              defaultConfiguration: { level: LEVEL[r.defaultSeverity] },
              properties: { tags: ['security', ...r.cwe, ...r.cwe.map(cweTag)], precision: 'high', 'problem.severity': LEVEL[r.defaultSeverity] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: 'file:///' + process.cwd().replace(/\\/g, '/').replace(/^\//, '') + '/' } },
        results: report.findings.map((f) => ({
          ruleId: f.finding.ruleId,
          ruleIndex: ruleIndex.get(f.finding.ruleId) ?? -1,
          level: LEVEL[f.finding.severity],
          message: { text: f.finding.message },
          locations: [location(f.file, f.region)],
          ...(f.flow.length > 0
            ? { codeFlows: [{ threadFlows: [{ locations: f.flow.map((s) => ({ location: location(s.file ?? f.file, s.region, s.message) })) }] }] }
            : {}),
          ...(f.fixes.length > 0
            ? {
                fixes: f.fixes.map((fix) => ({
                  description: { text: fix.title },
                  artifactChanges: [
                    {
                      artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' },
                      replacements: fix.edits.map((e) => ({ deletedRegion: sarifRegion(e.region), insertedContent: { text: e.newText } })),
                    },
                  ],
                })),
              }
            : {}),
        })),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              ...report.notices.map((n) => ({ level: 'note', message: { text: `${n.file}: ${n.message}` } })),
              ...(report.verification?.filesNotVerified ?? []).map((f) => ({ level: 'warning', message: { text: `${f.file}: not verified with the model: ${f.reason}` } })),
            ],
          },
        ],
        // The run summary of `check --verify`; merged shards each keep their own.
        ...(report.verification ? { properties: { verification: report.verification } } : {}),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function sarifRegion(region: Region): SarifRegion {
  return { startLine: region.start.line, startColumn: region.start.column, endLine: region.end.line, endColumn: region.end.column };
}
