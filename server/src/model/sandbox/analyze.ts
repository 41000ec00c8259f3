// The sandbox pass over one document: every function unit is run on ordinary inputs and on probes
// (harvested literals, dates, environment values, values seen in comparisons), and the traces are
// turned into findings by core/backdoor. Results are cached by unit and module hash.
import type { AnalysisError, Finding } from '../../core/types';
import { findUnits, cyrb53, type FunctionUnit, unitNode } from '../../core/source/units';
import { buildModuleHeader, buildUnitProgram, type UnitProgram } from '../../core/source/transpile';
import { harvestUnit } from '../../core/inputs/harvest';
import { probesFromComparisons, synthesizeInputs, type InputCase } from '../../core/inputs/synth';
import { backdoorFindings, isSandboxValue, type CaseTrace } from '../../core/backdoor/findings';
import type { JsonValue } from '../../core/trace/schema';
import { FAKE_ENV, loadSandbox, traceUnit, type SandboxLimits } from './runner';
import { createUnitGuard, unitFailure } from './unit-guard';

export interface SandboxAnalyzeOptions {
  limits?: Partial<SandboxLimits>;
  /** Report network and process use on ordinary inputs too (off by default: noisy). */
  unexpectedEffects?: boolean;
  /** Probes per unit from the text, plus up to half as many from observed comparisons. */
  maxProbes?: number;
  /** Units traced per document; the rest are reported as a 'limit' error. */
  maxUnits?: number;
  /** Wall-clock budget of the whole document in milliseconds; units left over are reported as a
   *  'limit' error. The most suspicious units run first. */
  budgetMs?: number;
  /** Only units whose hash is listed are traced (the engine passes the changed ones). */
  onlyHashes?: string[];
  /** Cache of per-unit results; defaults to a module-level one. */
  cache?: Map<string, CachedUnit>;
}

export interface CachedUnit {
  /** Findings with spans relative to the unit's start. */
  findings: Finding[];
}

export interface SandboxDocumentResult {
  findings: Finding[];
  errors: AnalysisError[];
  unitsTraced: number;
  /** Units answered from the cache. */
  unitsCached: number;
  runs: number;
}

const MAX_CACHE = 500;
const sharedCache = new Map<string, CachedUnit>();

/** Runs the sandbox pass over a document. Never throws on user code; honours `signal` between runs. */
export async function sandboxAnalyzeDocument(
  doc: { fileName: string; text: string },
  options: SandboxAnalyzeOptions = {},
  signal?: AbortSignal,
): Promise<SandboxDocumentResult> {
  await loadSandbox();
  const result: SandboxDocumentResult = { findings: [], errors: [], unitsTraced: 0, unitsCached: 0, runs: 0 };
  const parsed = findUnits(doc.fileName, doc.text);
  result.errors.push(...parsed.errors.filter((e) => e.kind !== 'syntax'));
  if (!parsed.sourceFile) return result;
  const header = buildModuleHeader(doc, parsed);
  const headerHash = cyrb53(header.code);
  const cache = options.cache ?? sharedCache;
  const optionsKey = cyrb53(JSON.stringify([options.limits ?? {}, options.unexpectedEffects ?? false, options.maxProbes ?? 24]));
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
    const key = `${unit.hash}:${headerHash}:${optionsKey}`;
    const hit = cache.get(key);
    if (hit) {
      result.unitsCached++;
      result.findings.push(...hit.findings.map((f) => rebase(f, unit.span.start)));
      continue;
    }
    if (traced >= maxUnits) {
      result.errors.push({ kind: 'limit', message: `Only the ${maxUnits} most suspicious functions were run in the sandbox; raise the unit limit to check the rest.`, span: unit.span });
      break;
    }
    traced++;
    // One function's failure (a host error on its traces, a trace that failed validation, runs
    // that keep hitting the time limit) is reported for that function; the others go on.
    const guard = createUnitGuard(unit);
    try {
      const program = buildUnitProgram(doc, parsed, unit, header);
      if ('kind' in program) {
        result.errors.push({ ...program, span: unit.span });
        continue;
      }
      const node = unitNode(parsed.sourceFile, unit);
      if (!node) continue;
      const harvest = harvestUnit(node, parsed.sourceFile, unit.params.map((p) => p.name));
      const cases = synthesizeInputs(unit, harvest, { maxProbes: options.maxProbes, knownEnv: Object.keys(FAKE_ENV) });
      const runs = await runCases(unit, program, cases, options, signal, guard);
      if (signal?.aborted) break;
      result.runs += runs.length;
      result.unitsTraced++;
      const findings = backdoorFindings(unit, runs, doc.text, { unexpectedEffects: options.unexpectedEffects ?? false });
      result.findings.push(...findings);
      const problem = guard.problem();
      if (problem) result.errors.push(problem);
      // Only complete results are cached: an incomplete function is tried again next time.
      else remember(cache, key, { findings: findings.map((f) => rebase(f, -unit.span.start)) });
    } catch (err) {
      result.errors.push(unitFailure(unit, err));
    }
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

/** Ordinary cases first; the comparisons they made become extra probes; then every probe. */
async function runCases(
  unit: FunctionUnit,
  program: UnitProgram,
  cases: InputCase[],
  options: SandboxAnalyzeOptions,
  signal: AbortSignal | undefined,
  guard: ReturnType<typeof createUnitGuard>,
): Promise<CaseTrace[]> {
  const runs: CaseTrace[] = [];
  const run = async (input: InputCase): Promise<void> => {
    if (guard.stopped()) return guard.skip();
    const trace = await traceUnit(program.program, { args: input.args, env: { ...FAKE_ENV, ...input.env }, now: input.now, seed: 7, random: input.random, repeat: input.repeat }, options.limits ?? {}, {
      unitStart: program.unitStart,
      unitEnd: program.unitEnd,
      lineMap: program.lineMap,
      freeNames: program.freeNames,
      call: program.call,
      signal,
    });
    if (guard.accept(trace)) runs.push({ input, trace });
  };
  const ordinary = cases.filter((c) => c.role === 'ordinary');
  for (const c of ordinary) {
    if (signal?.aborted) return runs;
    await run(c);
  }
  const observed: Array<[JsonValue, JsonValue]> = runs.flatMap((r) => r.trace.comparisons ?? []);
  const staticKeys = new Set(cases.filter((c) => c.trigger).map((c) => `${c.trigger?.target}=${JSON.stringify(c.trigger?.value)}`));
  const dynamic = probesFromComparisons(ordinary[0], observed, isSandboxValue, unit.params.map((p) => p.name))
    .filter((c) => !staticKeys.has(`${c.trigger?.target}=${JSON.stringify(c.trigger?.value)}`))
    .slice(0, Math.ceil((options.maxProbes ?? 24) / 2));
  for (const c of [...cases.filter((x) => x.role === 'probe'), ...dynamic]) {
    if (signal?.aborted) return runs;
    await run(c);
  }
  return runs;
}

/** Top-level units, named functions and methods, and anything shaped like a request handler;
 *  inline callbacks (xs.map(x => …)) run as part of the unit around them. */
function worthTracing(unit: FunctionUnit): boolean {
  if (unit.topLevel || unit.kind === 'function' || unit.kind === 'method' || unit.kind === 'constructor') return true;
  return unit.params.some((p) => /^(req|request|res|response|ctx|context|reply|next)$/i.test(p.name));
}

function rebase(f: Finding, delta: number): Finding {
  return { ...f, span: { start: f.span.start + delta, end: f.span.end + delta } };
}

function remember(cache: Map<string, CachedUnit>, key: string, value: CachedUnit): void {
  if (cache.size >= MAX_CACHE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, value);
}
