// Worker task `checkPackage`: one npm package's hidden behaviour at install and load. Its
// package.json lifecycle scripts are classified, and its main entry and the files those scripts
// run are executed at the top level in the sandbox (timers included) and, when asked, checked by
// the static supply-chain rules. Input and output are structured-clone-safe.
import { allRules, analyzeDocument } from '../../core/static-analysis';
import { mayActAtLoad } from '../../core/supply/capabilities';
import { SUPPLY_CHAIN_RULES } from '../../core/security/rules/supply';
import { checkInstallScripts } from '../../core/supply/install-scripts';
import { loadFindings } from '../../core/supply/load-findings';
import { DEFAULT_STATIC_OPTIONS, type AnalysisError, type Finding } from '../../core/types';
import { loadSandbox } from '../../external/sandbox/runner';
import { runModuleTopLevel } from '../../external/sandbox/module-run';
import type { CheckPackageInput, CheckPackageResult, PackageFileResult } from '../contracts';

export type { CheckPackageInput, CheckPackageResult, PackageFile, PackageFileResult } from '../contracts';

const SUPPLY_IDS = new Set(SUPPLY_CHAIN_RULES.map((r) => r.meta.id));
/** Only the supply-chain rules run here; the others are for the project's own code. */
const SUPPLY_ONLY = { ...DEFAULT_STATIC_OPTIONS, rules: Object.fromEntries(allRules().filter((r) => !SUPPLY_IDS.has(r.id)).map((r) => [r.id, 'off' as const])) };

export async function checkPackage(input: CheckPackageInput, signal?: AbortSignal): Promise<CheckPackageResult> {
  const started = performance.now();
  const result: CheckPackageResult = { files: [], runs: 0, elapsedMs: 0 };
  if (input.packageJson) {
    const scripts = checkInstallScripts(input.packageJson.text);
    result.name = scripts.name;
    result.files.push({ path: input.packageJson.path, findings: scripts.findings, errors: scripts.error ? [{ kind: 'syntax', message: scripts.error }] : [] });
  }
  if (input.sandbox) await loadSandbox();
  for (const file of input.files) {
    if (signal?.aborted) break;
    const findings: Finding[] = [];
    const errors: AnalysisError[] = [];
    if (input.staticRules) {
      const r = analyzeDocument({ fileName: file.path, text: file.text }, SUPPLY_ONLY);
      findings.push(...r.findings.filter((f) => SUPPLY_IDS.has(f.ruleId)));
    }
    if (input.sandbox && mayActAtLoad(file.text)) {
      const trace = await runModuleTopLevel(file.path, file.text, { limits: input.timeMs ? { timeMs: input.timeMs } : {}, signal });
      result.runs++;
      findings.push(...loadFindings(trace, file.text, file.when));
      if (trace.outcome.kind === 'limit') errors.push({ kind: 'limit', message: `the load run stopped at its ${trace.outcome.limit} limit; effects after that point were not seen` });
    }
    result.files.push({ path: file.path, findings: dedupe(findings), errors });
  }
  result.elapsedMs = performance.now() - started;
  return result;
}

/** A static and a sandbox finding on the same line say the same thing twice only when both are
 *  of one kind; different rules on one line are kept. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings
    .sort((a, b) => a.span.start - b.span.start)
    .filter((f) => {
      const key = `${f.ruleId}:${f.span.start}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
