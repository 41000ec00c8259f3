// One function unit through the sandbox: its inputs, its runs (ordinary, probes and the trigger
// search) and the findings and coverage read from them. The sandbox pass and verification both
// call this, so both see the same runs and report the same behaviour.
import type { AnalysisError, Finding } from '../../core/types';
import { unitNode, type FunctionUnit, type UnitsResult } from '../../core/source/units';
import { buildUnitProgram, type ModuleHeader } from '../../core/source/transpile';
import { harvestUnit } from '../../core/inputs/harvest';
import { synthesizeInputs } from '../../core/inputs/synth';
import { backdoorFindings, type CaseTrace } from '../../core/backdoor/findings';
import { coverageOf, dormantFindings, effectSites, type UnitCoverage } from '../../core/backdoor/dormant';
import { FAKE_ENV, type SandboxLimits } from './runner';
import { exploreUnit } from './explore';
import { createUnitGuard } from './unit-guard';

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
}

/** Runs one unit; an error when it cannot be built into a program. */
export async function sandboxUnit(
  doc: { fileName: string; text: string },
  parsed: UnitsResult,
  header: ModuleHeader,
  unit: FunctionUnit,
  options: UnitPassOptions = {},
  signal?: AbortSignal,
): Promise<UnitPass | AnalysisError | undefined> {
  if (!parsed.sourceFile) return undefined;
  const program = buildUnitProgram(doc, parsed, unit, header);
  if ('kind' in program) return { ...program, span: unit.span };
  const node = unitNode(parsed.sourceFile, unit);
  if (!node) return undefined;
  const harvest = harvestUnit(node, parsed.sourceFile, unit.params.map((p) => p.name));
  const cases = synthesizeInputs(unit, harvest, { maxProbes: options.maxProbes, knownEnv: Object.keys(FAKE_ENV) });
  const guard = createUnitGuard(unit);
  const { runs, searched } = await exploreUnit(unit, program, cases, { limits: options.limits, maxProbes: options.maxProbes, searchRuns: options.searchRuns, signal, guard });
  const findings = backdoorFindings(unit, runs, doc.text, { unexpectedEffects: options.unexpectedEffects ?? false });
  // What the runs could not reach falls back to the syntax: the condition is shown instead.
  const coverage = coverageOf(unit, effectSites(node, parsed.sourceFile), runs.map((r) => r.trace));
  const found = new Set(findings.map((f) => lineOf(doc.text, f.span.start)));
  findings.push(...dormantFindings(unit, coverage, doc.text).filter((f) => !found.has(lineOf(doc.text, f.span.start))));
  return { runs, searched, findings, coverage, problem: guard.problem() };
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
