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
import type { JsonValue, Trace } from '../../core/trace/schema';
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

export interface UnitPass {
  runs: CaseTrace[];
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

/** A unit's pass as the cache keeps it: the runs themselves, and the findings (relative to the
 *  unit's start) for each setting of `unexpectedEffects` asked for so far. */
export interface CachedUnit {
  /** Where the unit started when it ran: its runs' lines are the document's lines then. */
  unitStart: number;
  runs: CaseTrace[];
  searched: number;
  coverage: UnitCoverage;
  /** Findings relative to the unit's start, by `unexpectedEffects`. */
  findings: { plain?: Finding[]; unexpected?: Finding[] };
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
  return cachedUnitPass(doc, parsed, header, unit, options, cache) ?? runUnitPass(doc, parsed, header, unit, options, signal, cache);
}

/** The unit's pass from the cache, or undefined: nothing is run. */
export function cachedUnitPass(
  doc: { fileName: string; text: string },
  parsed: UnitsResult,
  header: ModuleHeader,
  unit: FunctionUnit,
  options: UnitPassOptions = {},
  cache: UnitCache = threadCache,
): UnitPass | undefined {
  const hit = cache.get(passKey(header, unit, options));
  if (!hit) return undefined;
  const which = options.unexpectedEffects ? 'unexpected' : 'plain';
  let relative = hit.findings[which];
  // The other reading of the same runs; the runs' lines are the document's, so only where the
  // unit has not moved since.
  if (!relative && hit.unitStart === unit.span.start) {
    relative = rebaseAll(readFindings(doc.text, unit, hit.runs, hit.coverage, options), -unit.span.start);
    hit.findings[which] = relative;
  }
  if (!relative) return undefined;
  counters.cacheHits++;
  return { runs: hit.runs, searched: hit.searched, coverage: hit.coverage, findings: rebaseAll(relative, unit.span.start), cached: true };
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
  const findings = readFindings(doc.text, unit, runs, coverage, options);
  const problem = guard.problem();
  // Only complete passes are kept: an interrupted or incomplete function is run again next time.
  if (!problem && !signal?.aborted) {
    const which = options.unexpectedEffects ? 'unexpected' : 'plain';
    remember(cache, passKey(header, unit, options), { unitStart: unit.span.start, runs, searched, coverage, findings: { [which]: rebaseAll(findings, -unit.span.start) } });
  }
  return { runs, searched, findings, coverage, problem };
}

/** Findings read from a unit's runs: what they showed, then what they could not reach. */
function readFindings(text: string, unit: FunctionUnit, runs: CaseTrace[], coverage: UnitCoverage, options: UnitPassOptions): Finding[] {
  const findings = backdoorFindings(unit, runs, text, { unexpectedEffects: options.unexpectedEffects ?? false });
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
  if (cache.size >= MAX_CACHE && !cache.has(key)) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, value);
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
