// The one way a function unit runs in the sandbox: its program and inputs (`prepareUnit`), one
// input case traced (`traceCase`), and the whole pass over it — ordinary inputs, probes and the
// trigger search, with the findings and coverage read from the runs (`unitPass`). The sandbox
// pass, verification's preparation and the check of a regenerated body all run functions through
// here, and the first two share one per-thread cache of passes, so on save a function is run once
// and each of them reports what the other saw.
import type { AnalysisError, Finding } from '../../core/types';
import { cyrb53, unitNode, type FunctionUnit, type UnitsResult } from '../../core/source/units';
import { buildUnitProgram, type ModuleHeader, type UnitProgram } from '../../core/source/transpile';
import { harvestUnit } from '../../core/inputs/harvest';
import { synthesizeInputs, type InputCase } from '../../core/inputs/synth';
import { backdoorFindings, type CaseTrace } from '../../core/backdoor/findings';
import { coverageOf, dormantFindings, effectSites, type UnitCoverage } from '../../core/backdoor/dormant';
import { SECURITY_EFFECT_KINDS, type Effect, type JsonValue, type Trace } from '../../core/trace/schema';
import type ts from 'typescript';
import { FAKE_ENV, ORDINARY_NOW, loadSandbox, traceUnit, type SandboxLimits } from './runner';
import { exploreUnit } from './explore';
import { createUnitGuard } from './unit-guard';

export { loadSandbox, ORDINARY_NOW };

export interface UnitPassOptions {
  limits?: Partial<SandboxLimits>;
  unexpectedEffects?: boolean;
  maxProbes?: number;
  searchRuns?: number;
}

/** What one run showed that is used once the pass is over: its input, and the security-relevant
 *  effects it had (the full traces are read into findings and coverage, then dropped). */
export interface RunSummary {
  input: InputCase;
  securityEffects: Array<Pick<Effect, 'kind' | 'target'>>;
}

export interface UnitPass {
  runs: RunSummary[];
  /** Runs the search added. */
  searched: number;
  /** Findings with spans in the document. */
  findings: Finding[];
  coverage: UnitCoverage;
  /** Set when some of the unit's runs were lost (time-outs, rejected traces): it is reported as
   *  sandbox-incomplete for this function alone, and its result is not cached. */
  problem?: AnalysisError;
  /** True when the pass came from the cache: nothing was run. */
  cached?: boolean;
}

/** A unit's pass as the cache keeps it: the run summaries (unless too large to keep), coverage,
 *  and the findings relative to the unit's start read both ways (`unexpectedEffects` off and on),
 *  so either caller is answered from the same runs. */
export interface CachedUnit {
  /** Undefined when the summaries were too large to keep: callers that need them run again. */
  runs?: RunSummary[];
  searched: number;
  coverage: UnitCoverage;
  findings: { plain: Finding[]; unexpected: Finding[] };
  /** Approximate size in characters, for the cache's budget. */
  size: number;
}

export type UnitCache = Map<string, CachedUnit>;

/** One function made ready to run: its program, its syntax node and its synthesised inputs. */
export interface RunnableUnit {
  program: UnitProgram;
  node: ts.FunctionLikeDeclaration;
  cases: InputCase[];
}

/** What the harness has done in this thread, for tests and benchmarks. */
export interface HarnessCounters {
  /** Passes run (cache misses), in all. */
  passes: number;
  /** Passes run per unit hash. */
  passesByUnit: Map<string, number>;
  /** Passes answered from the cache. */
  cacheHits: number;
}

const MAX_CACHE = 500;
/** Characters of run summaries the thread's cache holds at most; a function whose runs alone would
 *  take more than a quarter of it keeps only its findings and coverage. */
const MAX_CACHE_CHARS = 16 * 1024 * 1024;
const SECURITY = new Set<string>(SECURITY_EFFECT_KINDS);
const threadCache: UnitCache = new Map();
const counters: HarnessCounters = { passes: 0, passesByUnit: new Map(), cacheHits: 0 };

/** This thread's counters (live; read them before and after). */
export function harnessCounters(): Readonly<HarnessCounters> {
  return counters;
}

/** Empties this thread's cache of passes, so the next pass of every function runs (benchmarks
 *  time the runs themselves). */
export function clearUnitCache(): void {
  threadCache.clear();
}

/** The unit's program and inputs; an error when it cannot be built into a program, undefined
 *  when the file did not parse or the unit is not in it. */
export function prepareUnit(
  doc: { fileName: string; text: string },
  parsed: UnitsResult,
  unit: FunctionUnit,
  header: ModuleHeader | undefined,
  options: { maxProbes?: number } = {},
): RunnableUnit | AnalysisError | undefined {
  if (!parsed.sourceFile) return undefined;
  const program = buildUnitProgram(doc, parsed, unit, header);
  if ('kind' in program) return { ...program, span: unit.span };
  const node = unitNode(parsed.sourceFile, unit);
  if (!node) return undefined;
  const harvest = harvestUnit(node, parsed.sourceFile, unit.params.map((p) => p.name));
  const cases = synthesizeInputs(unit, harvest, { maxProbes: options.maxProbes, knownEnv: Object.keys(FAKE_ENV) });
  return { program, node, cases };
}

/** Traces the unit's program on one input case (in the fake environment, on the case's clock). */
export function traceCase(program: UnitProgram, input: InputCase, limits: Partial<SandboxLimits> = {}, signal?: AbortSignal): Promise<Trace> {
  return traceUnit(program.program, { args: input.args, env: { ...FAKE_ENV, ...input.env }, now: input.now, seed: 7, random: input.random, repeat: input.repeat }, limits, {
    unitStart: program.unitStart,
    unitEnd: program.unitEnd,
    lineMap: program.lineMap,
    freeNames: program.freeNames,
    call: program.call,
    signal,
  });
}

/** Traces a whole program (not a unit of a document) on arguments, e.g. the text a model is shown. */
export function traceProgram(program: string, args: JsonValue[], limits: Partial<SandboxLimits> = {}): Promise<Trace> {
  return traceUnit(program, { args }, limits);
}

/** The unit's pass: from `cache` (this thread's by default) when the same unit, module header and
 *  run options were passed before, otherwise run and remembered when complete. An error when the
 *  unit cannot be built into a program. */
export async function unitPass(
  doc: { fileName: string; text: string },
  parsed: UnitsResult,
  header: ModuleHeader,
  unit: FunctionUnit,
  options: UnitPassOptions = {},
  signal?: AbortSignal,
  cache: UnitCache = threadCache,
): Promise<UnitPass | AnalysisError | undefined> {
  return cachedUnitPass(header, unit, options, cache, { needRuns: true }) ?? runUnitPass(doc, parsed, header, unit, options, signal, cache);
}

/** The unit's pass from the cache, or undefined: nothing is run. With `needRuns`, an entry that
 *  kept only its findings (its runs were too large) does not count. */
export function cachedUnitPass(
  header: ModuleHeader,
  unit: FunctionUnit,
  options: UnitPassOptions = {},
  cache: UnitCache = threadCache,
  want: { needRuns?: boolean } = {},
): UnitPass | undefined {
  const hit = cache.get(passKey(header, unit, options));
  if (!hit || (want.needRuns && !hit.runs)) return undefined;
  counters.cacheHits++;
  const relative = options.unexpectedEffects ? hit.findings.unexpected : hit.findings.plain;
  return { runs: hit.runs ?? [], searched: hit.searched, coverage: hit.coverage, findings: rebaseAll(relative, unit.span.start), cached: true };
}

/** Runs the unit's pass (ordinary inputs, probes, the trigger search) and remembers it in `cache`
 *  when complete. */
export async function runUnitPass(
  doc: { fileName: string; text: string },
  parsed: UnitsResult,
  header: ModuleHeader,
  unit: FunctionUnit,
  options: UnitPassOptions = {},
  signal?: AbortSignal,
  cache: UnitCache = threadCache,
): Promise<UnitPass | AnalysisError | undefined> {
  const ready = prepareUnit(doc, parsed, unit, header, { maxProbes: options.maxProbes });
  if (!ready || 'kind' in ready) return ready;
  if (!parsed.sourceFile) return undefined;
  counters.passes++;
  counters.passesByUnit.set(unit.hash, (counters.passesByUnit.get(unit.hash) ?? 0) + 1);
  const guard = createUnitGuard(unit);
  const limits = options.limits ?? {};
  const { runs, searched } = await exploreUnit(unit, ready.cases, {
    run: (input) => traceCase(ready.program, input, limits, signal),
    maxProbes: options.maxProbes,
    searchRuns: options.searchRuns,
    signal,
    guard,
  });
  // What the runs could not reach falls back to the syntax: the condition is shown instead.
  const coverage = coverageOf(unit, effectSites(ready.node, parsed.sourceFile), runs.map((r) => r.trace));
  // Both readings of the runs: the caller's, and the other one for a caller with the other setting.
  const plain = readFindings(doc.text, unit, runs, coverage, false);
  const unexpected = readFindings(doc.text, unit, runs, coverage, true);
  const findings = options.unexpectedEffects ? unexpected : plain;
  const summaries = runs.map(summarise);
  const problem = guard.problem();
  // Only complete passes are kept: an interrupted or incomplete function is run again next time.
  if (!problem && !signal?.aborted) {
    const runsSize = summaries.reduce((n, r) => n + 64 + r.securityEffects.reduce((m, e) => m + 32 + e.target.length, 0), 0);
    const keepRuns = runsSize <= MAX_CACHE_CHARS / 4;
    remember(cache, passKey(header, unit, options), {
      runs: keepRuns ? summaries : undefined,
      searched,
      coverage,
      findings: { plain: rebaseAll(plain, -unit.span.start), unexpected: rebaseAll(unexpected, -unit.span.start) },
      size: 1024 + (keepRuns ? runsSize : 0),
    });
  }
  return { runs: summaries, searched, findings, coverage, problem };
}

function summarise(run: CaseTrace): RunSummary {
  return { input: run.input, securityEffects: run.trace.effects.filter((e) => SECURITY.has(e.kind)).map((e) => ({ kind: e.kind, target: e.target })) };
}

/** Findings read from a unit's runs: what they showed, then what they could not reach. */
function readFindings(text: string, unit: FunctionUnit, runs: CaseTrace[], coverage: UnitCoverage, unexpectedEffects: boolean): Finding[] {
  const findings = backdoorFindings(unit, runs, text, { unexpectedEffects });
  const found = new Set(findings.map((f) => lineOf(text, f.span.start)));
  findings.push(...dormantFindings(unit, coverage, text).filter((f) => !found.has(lineOf(text, f.span.start))));
  return findings;
}

/** Runs are the same when the unit, the module around it and the run options are; whether
 *  unexpected effects are reported only changes what is read from them. */
function passKey(header: ModuleHeader, unit: FunctionUnit, options: UnitPassOptions): string {
  const optionsKey = cyrb53(JSON.stringify([options.limits ?? {}, options.maxProbes ?? 24, options.searchRuns ?? 32]));
  return `${unit.hash}:${cyrb53(header.code)}:${optionsKey}`;
}

function rebaseAll(findings: Finding[], delta: number): Finding[] {
  return findings.map((f) => ({ ...f, span: { start: f.span.start + delta, end: f.span.end + delta } }));
}

function remember(cache: UnitCache, key: string, value: CachedUnit): void {
  cache.delete(key);
  let total = value.size;
  for (const v of cache.values()) total += v.size;
  // Oldest first, until both the count and the size fit.
  for (const [k, v] of cache) {
    if (cache.size < MAX_CACHE && total <= MAX_CACHE_CHARS) break;
    cache.delete(k);
    total -= v.size;
  }
  cache.set(key, value);
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
