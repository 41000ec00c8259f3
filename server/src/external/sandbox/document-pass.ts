// The sandbox pass over one document: every function unit is run on ordinary inputs and on probes
// (harvested literals, dates, environment values, values seen in comparisons), and the traces are
// turned into findings by core/backdoor. Each function goes through the harness, whose per-thread
// cache (by unit and module hash) verification's preparation shares.
import type { AnalysisError, Finding } from '../../core/types';
import { findUnits, type FunctionUnit } from '../../core/source/units';
import { buildModuleHeader } from '../../core/source/transpile';
import type { UnitCoverage } from '../../core/backdoor/dormant';
import { loadSandbox, type SandboxLimits } from './runner';
import { cachedUnitPass, runUnitPass, type UnitCache } from './harness';
import { unitFailure } from './unit-guard';

export type { CachedUnit } from './harness';

export interface SandboxAnalyzeOptions {
  limits?: Partial<SandboxLimits>;
  /** Report network and process use on ordinary inputs too (off by default: noisy). */
  unexpectedEffects?: boolean;
  /** Probes per unit from the text, plus up to half as many from observed comparisons. */
  maxProbes?: number;
  /** Runs the trigger search may add per unit after the ordinary inputs and probes. */
  searchRuns?: number;
  /** Units traced per document; the rest are reported as a 'limit' error. */
  maxUnits?: number;
  /** Wall-clock budget of the whole document in milliseconds; units left over are reported as a
   *  'limit' error. The most suspicious units run first. */
  budgetMs?: number;
  /** Only units whose hash is listed are traced (the engine passes the changed ones). */
  onlyHashes?: string[];
  /** Cache of per-unit passes; defaults to the harness's per-thread one, shared with verification. */
  cache?: UnitCache;
}

export interface SandboxDocumentResult {
  findings: Finding[];
  errors: AnalysisError[];
  unitsTraced: number;
  /** Units answered from the cache. */
  unitsCached: number;
  runs: number;
  /** Runs the trigger search added, over all units traced. */
  searchRuns: number;
  /** Per unit traced or cached: its effect-bearing branches and whether a run reached each. */
  coverage: UnitCoverage[];
}

/** Runs the sandbox pass over a document. Never throws on user code; honours `signal` between runs. */
export async function sandboxAnalyzeDocument(
  doc: { fileName: string; text: string },
  options: SandboxAnalyzeOptions = {},
  signal?: AbortSignal,
): Promise<SandboxDocumentResult> {
  await loadSandbox();
  const result: SandboxDocumentResult = { findings: [], errors: [], unitsTraced: 0, unitsCached: 0, runs: 0, searchRuns: 0, coverage: [] };
  const parsed = findUnits(doc.fileName, doc.text);
  result.errors.push(...parsed.errors.filter((e) => e.kind !== 'syntax'));
  if (!parsed.sourceFile) return result;
  const header = buildModuleHeader(doc, parsed);
  const passOptions = { limits: options.limits, unexpectedEffects: options.unexpectedEffects, maxProbes: options.maxProbes, searchRuns: options.searchRuns };
  const only = options.onlyHashes ? new Set(options.onlyHashes) : undefined;
  const maxUnits = options.maxUnits ?? 100;
  const deadline = performance.now() + (options.budgetMs ?? 20_000);
  let traced = 0;
  let skipped = 0;
  for (const unit of bySuspicion(parsed.units, doc.text)) {
    if (signal?.aborted) break;
    if (performance.now() > deadline) {
      skipped++;
      continue;
    }
    if (only && !only.has(unit.hash)) continue;
    if (!worthTracing(unit)) continue;
    const hit = cachedUnitPass(header, unit, passOptions, options.cache);
    if (hit) {
      result.unitsCached++;
      result.findings.push(...hit.findings);
      result.coverage.push(hit.coverage);
      continue;
    }
    if (traced >= maxUnits) {
      result.errors.push({ kind: 'limit', message: `Only the ${maxUnits} most suspicious functions were run in the sandbox; raise the unit limit to check the rest.`, span: unit.span });
      break;
    }
    traced++;
    // One function's failure (a host error on its traces, a trace that failed validation, runs
    // that keep hitting the time limit) is reported for that function; the others go on.
    let pass: Awaited<ReturnType<typeof runUnitPass>>;
    try {
      pass = await runUnitPass(doc, parsed, header, unit, passOptions, signal, options.cache);
    } catch (err) {
      result.errors.push(unitFailure(unit, err));
      continue;
    }
    if (!pass) continue;
    if ('kind' in pass) {
      result.errors.push(pass);
      continue;
    }
    if (signal?.aborted) break;
    const { runs, searched, findings, coverage } = pass;
    result.runs += runs.length;
    result.searchRuns += searched;
    result.unitsTraced++;
    result.coverage.push(coverage);
    result.findings.push(...findings);
    // The harness keeps only complete passes: an incomplete function is tried again next time.
    if (pass.problem) result.errors.push(pass.problem);
  }
  if (skipped) {
    result.errors.push({ kind: 'limit', message: `The sandbox ran out of its time budget; ${skipped} function(s) were not run. Raise the budget or check the file on its own.` });
  }
  result.findings.sort((a, b) => a.span.start - b.span.start);
  return result;
}

/** What makes a unit worth running first: capabilities a backdoor needs, and the literals and
 *  clock reads that would trigger one. */
const SUSPICIOUS = /\b(exec|execSync|spawn|eval|Function|fetch|request|https?|net|dns|child_process|process\.env|writeFile\w*|appendFile\w*|Buffer\.from|atob|fromCharCode|setTimeout|setInterval|Date|vm)\b|===\s*['"]/g;

function bySuspicion(units: FunctionUnit[], text: string): FunctionUnit[] {
  const score = new Map(units.map((u) => [u, (text.slice(u.span.start, u.span.end).match(SUSPICIOUS) ?? []).length]));
  return [...units].sort((a, b) => (score.get(b) ?? 0) - (score.get(a) ?? 0) || a.span.start - b.span.start);
}

/** Top-level units, named functions and methods, and anything shaped like a request handler;
 *  inline callbacks (xs.map(x => …)) run as part of the unit around them. */
function worthTracing(unit: FunctionUnit): boolean {
  if (unit.topLevel || unit.kind === 'function' || unit.kind === 'method' || unit.kind === 'constructor') return true;
  return unit.params.some((p) => /^(req|request|res|response|ctx|context|reply|next)$/i.test(p.name));
}
