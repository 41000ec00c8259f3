// The static pass: the rules over one document on open, after the debounce of every edit, on
// orbit-ls.reanalyze and when settings change. It is the base pass: a document's report is published
// once it has static output for the document's current version.
import type { Settings } from '../../config/schema';
import type { DocumentReport, DocumentSnapshot } from '../document-analysis';
import type { Pass } from './pass';

export const STATIC_PASS = 'static';

export interface StaticPassDeps {
  /** Analyses one snapshot; undefined when cancelled. Normally analyzeSnapshot bound to a pool. */
  analyze(doc: DocumentSnapshot, settings: Settings, signal: AbortSignal): Promise<DocumentReport | undefined>;
  log(message: string): void;
}

export function staticPass(deps: StaticPassDeps): Pass<DocumentReport> {
  return {
    id: STATIC_PASS,
    label: 'analysis',
    base: true,
    runsOn: (event) => event !== 'save',
    delayMs: (event, settings) => (event === 'change' ? settings.debounceMs : 0),
    async run({ doc, settings, signal }) {
      const report = await deps.analyze(doc, settings, signal);
      if (report === undefined || signal.aborted) return undefined;
      for (const notice of report.notices) deps.log(`orbit-ls: ${report.uri} (version ${report.version}): ${notice.message}`);
      return { output: report, detail: report };
    },
  };
}
