// Worker task `moduleSummary`: summaries of a batch of modules for the workspace index, each given
// the summaries of the modules it imports (already computed), so flows are followed transitively.
import { summariseModule } from '../../core/workspace/summary';
import type { ModuleSummary } from '../../core/workspace/types';
import type { ModuleSummaryInput, ModuleSummaryResult } from '../contracts';

export function moduleSummary(input: ModuleSummaryInput): ModuleSummaryResult {
  const summaries: ModuleSummary[] = [];
  for (const m of input.modules) {
    try {
      summaries.push(summariseModule(m));
    } catch {
      // A module the analysis cannot take (nested too deeply) exports nothing to its importers.
      summaries.push({ fileName: m.fileName, hash: '', functions: {}, handles: {} });
    }
  }
  return { summaries };
}
