// package.json open in the editor: its lifecycle scripts are checked as `check` checks them and
// the findings become the document's report. Cheap and pure, so it runs on every change without
// the pool; the files the scripts run are checked when they are opened or by `check`.
import { checkInstallScripts } from '../../core/supply/install-scripts';
import type { Settings } from '../../config/schema';
import type { DocumentReport } from '../document-analysis';

/** Whether a document URI or path names an npm manifest. */
export function isManifest(uri: string): boolean {
  return /(^|[/\\])package\.json$/i.test(uri);
}

/** The report of one version of a package.json; never throws. */
export function manifestReport(doc: { uri: string; version: number; text: string }, settings: Settings): DocumentReport {
  const started = performance.now();
  const base = { uri: doc.uri, version: doc.version, errors: [] };
  if (doc.text.length > settings.maxFileSize) return { ...base, findings: [], notices: [{ message: `orbit-ls did not check this package.json: it is longer than orbit.maxFileSize (${settings.maxFileSize}).` }], elapsedMs: 0 };
  const r = checkInstallScripts(doc.text);
  const findings = r.findings.flatMap((f) => {
    const level = settings.rules[f.ruleId];
    if (level === 'off') return [];
    return [level === undefined ? f : { ...f, severity: level }];
  });
  // A half-typed package.json is normal while editing; it is not worth a notice.
  return { ...base, findings, notices: [], elapsedMs: performance.now() - started };
}
