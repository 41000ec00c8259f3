// Runs one unit on its ordinary inputs and probes, then searches for triggers: each run's branch
// conditions are solved for inputs that take the branches no run has taken yet, and those inputs
// are run in turn, until no branch is left to flip or the unit's run budget is spent. Each run goes
// through the caller's `run` (the harness's traceCase).
import type { FunctionUnit } from '../../core/source/units';
import { probesFromComparisons, type InputCase } from '../../core/inputs/synth';
import { branchKey, flipsOf } from '../../core/inputs/search';
import { isSandboxValue, type CaseTrace } from '../../core/backdoor/findings';
import type { JsonValue, Trace } from '../../core/trace/schema';
import type { UnitGuard } from './unit-guard';

export interface ExploreOptions {
  /** Runs the unit on one input (the harness's traceCase on the unit's program). */
  run(input: InputCase): Promise<Trace>;
  maxProbes?: number;
  /** Runs the search may add after the ordinary inputs and probes. */
  searchRuns?: number;
  signal?: AbortSignal;
  /** Stops a unit whose runs keep hitting the time limit and leaves out traces the host rejected. */
  guard?: UnitGuard;
}

export interface Exploration {
  runs: CaseTrace[];
  /** Runs the search added. */
  searched: number;
  /** Branch outcomes (branchKey) no run took and the search could not find an input for. */
  unsolved: string[];
}

/** Ordinary cases first; the comparisons they made become extra probes; then every probe; then
 *  the search. */
export async function exploreUnit(unit: FunctionUnit, cases: InputCase[], options: ExploreOptions): Promise<Exploration> {
  const { signal } = options;
  const runs: CaseTrace[] = [];
  const covered = new Set<string>();
  const seen = new Set<string>();
  const { guard } = options;
  const run = async (input: InputCase): Promise<void> => {
    seen.add(inputKey(input));
    if (guard?.stopped()) return guard.skip();
    const trace = await options.run(input);
    if (guard && !guard.accept(trace)) return;
    for (const c of trace.conditions ?? []) covered.add(branchKey(c));
    runs.push({ input, trace });
  };
  const ordinary = cases.filter((c) => c.role === 'ordinary');
  for (const c of ordinary) {
    if (signal?.aborted) return { runs, searched: 0, unsolved: [] };
    await run(c);
  }
  const observed: Array<[JsonValue, JsonValue]> = runs.flatMap((r) => r.trace.comparisons ?? []);
  const staticKeys = new Set(cases.filter((c) => c.trigger).map((c) => `${c.trigger?.target}=${JSON.stringify(c.trigger?.value)}`));
  const dynamic = probesFromComparisons(ordinary[0], observed, isSandboxValue, unit.params.map((p) => p.name))
    .filter((c) => !staticKeys.has(`${c.trigger?.target}=${JSON.stringify(c.trigger?.value)}`))
    .slice(0, Math.ceil((options.maxProbes ?? 24) / 2));
  for (const c of [...cases.filter((x) => x.role === 'probe'), ...dynamic]) {
    if (signal?.aborted) return { runs, searched: 0, unsolved: [] };
    if (seen.has(inputKey(c))) continue;
    await run(c);
  }
  // The search: flip what no run has taken, from every run, breadth first.
  const budget = options.searchRuns ?? 32;
  const attempted = new Set<string>();
  const unsolved = new Set<string>();
  let searched = 0;
  for (let i = 0; i < runs.length && searched < budget; i++) {
    if (signal?.aborted) break;
    const r = runs[i];
    const steps = flipsOf({ input: r.input, conditions: r.trace.conditions ?? [] }, covered, attempted, unit.params.map((p) => p.name));
    for (const step of steps) {
      if (searched >= budget || signal?.aborted) break;
      if (covered.has(step.site)) continue;
      const key = inputKey(step.input);
      if (seen.has(key)) continue;
      searched++;
      await run({ ...step.input, id: `search-${searched}` });
    }
  }
  for (const a of attempted) if (!covered.has(a)) unsolved.add(a);
  return { runs, searched, unsolved: [...unsolved] };
}

function inputKey(c: InputCase): string {
  return JSON.stringify([c.args, c.env ?? {}, c.now, c.random, c.repeat]);
}
