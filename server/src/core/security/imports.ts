// Cross-file taint at an importer: the summaries of the modules a document imports, from the
// workspace index when it has one for that text, else summarised here from the text alone (one
// module deep). Summarising and applying summaries live in core/workspace/.
import type { AnalysisError } from '../types';
import { summariseModule, textHash } from '../workspace/summary';
import type { ImportSummaries } from '../workspace/link';
import type { ImportedModule, ModuleSummary } from '../workspace/types';

export type { ImportedModule } from '../workspace/types';
export type { ImportSummaries } from '../workspace/link';
export { crossFileFindings, importedCalls, summaryFor } from '../workspace/link';

/** Summaries of every relative import, by specifier. */
export function summariseImports(imports: Readonly<Record<string, ImportedModule>>, errors: AnalysisError[]): ImportSummaries {
  const out: ImportSummaries = new Map();
  for (const [specifier, mod] of Object.entries(imports)) {
    if (!/^\.\.?\//.test(specifier)) continue;
    try {
      out.set(specifier, mod.summary && mod.summary.hash === textHash(mod.text) ? mod.summary : remembered(mod));
    } catch (err) {
      errors.push({ kind: 'internal', message: `Imports from ${specifier} were not followed: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  return out;
}

/**
 * Summaries of recently seen module texts. A module is summarised again on every keystroke in the
 * files that import it otherwise; the summaries are plain data and never changed once built.
 */
const recent = new Map<string, ModuleSummary>();
const MAX_RECENT = 64;

function remembered(mod: ImportedModule): ModuleSummary {
  const key = `${mod.fileName}\u0000${textHash(mod.text)}`;
  let summary = recent.get(key);
  if (!summary) {
    summary = summariseModule({ fileName: mod.fileName, text: mod.text });
    if (recent.size >= MAX_RECENT) recent.delete(recent.keys().next().value as string);
    recent.set(key, summary);
  }
  return summary;
}
