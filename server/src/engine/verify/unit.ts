// Verifies one prepared function unit with the model: predicted traces for the original and a
// growing orbit, compared with each other (consistency verdict) and with the sandbox's real traces.
import { accountCost, type CallCost, type CostSummary } from '../../core/trace/cost';
import { TRACE_JSON_SCHEMA } from '../../core/trace/json-schema';
import { normaliseTrace } from '../../core/trace/normalise';
import type { Trace } from '../../core/trace/schema';
import { effectKey } from '../../core/trace/similarity';
import { consistencyVerdict, type ConsistencyVerdict, type Disagreement } from '../../core/trace/verdict';
import { arbitrate } from '../../core/verify/arbitrate';
import { contradictionsOf, sameEffects, type Contradiction } from '../../core/verify/contradictions';
import { orbitSchedule } from '../../core/verify/orbit';
import type { ModelFailure, TracePredictor } from '../../external/llm/types';
import type { PreparedUnit } from '../../workers/contracts';

export { contradictionsOf, orbitSchedule, type Contradiction };

export interface UnitVerifyOptions {
  /** Largest orbit to use (variants beyond the prepared ones are not available anyway). */
  maxOrbit: number;
  adaptive: boolean;
  /** Static findings inside the unit: they make it risky. */
  staticFindings: number;
  /** Model calls of this document jump the queue (the active document). */
  priorityKey?: string;
  /** Called after each stage, e.g. for progress: "orbit of 4". */
  onStage?: (stage: string) => void;
}

export type UnitVerification =
  | {
      kind: 'verified';
      /** Variants the verdict was built on. */
      orbitSize: number;
      verdict: ConsistencyVerdict;
      contradictions: Contradiction[];
      /** Transform ids per variant index, to name them in messages. */
      transforms: Record<number, string[]>;
      risky: boolean;
      cost: CostSummary;
      /** Model calls the naive plan makes: (k_max + 1) programs × inputs, one call per input. */
      naiveCalls: number;
      /** The same plan with each program's inputs batched into one prompt: k_max + 1 calls. */
      naiveBatchedCalls: number;
      /** Set when the model's answers stayed unusable after the bounded retries: why, in words.
       *  The verdict is then 'uncertain' and the function is reported as not verified. */
      incomplete?: string;
    }
  | { kind: 'model-failed'; failure: Exclude<ModelFailure, { kind: 'cancelled' }> }
  | { kind: 'cancelled' };

/** The seed of a second sample: any seed other than the backend's default (42). */
const RESAMPLE_SEED = 43;

export async function verifyUnit(
  prepared: PreparedUnit,
  model: TracePredictor,
  options: UnitVerifyOptions,
  signal: AbortSignal,
): Promise<UnitVerification> {
  const calls: CallCost[] = [];
  const sets: Array<Trace[] | null> = [];
  let failure: UnitVerification | undefined;
  /** Why answers were unusable, in the order they failed. */
  const failures: string[] = [];

  /** Asks for one program's traces on every input; null when the answer is unusable. */
  const ask = async (index: number, seed?: number): Promise<Trace[] | null> => {
    const p = prepared.programs[index];
    const outcome = await model.predictTrace(
      { program: p.program, inputs: prepared.inputs, schema: TRACE_JSON_SCHEMA },
      { priorityKey: options.priorityKey, seed },
      signal,
    );
    if (outcome.kind === 'ok' || outcome.kind === 'unparseable') {
      calls.push({ ...outcome.usage });
    }
    if (outcome.kind === 'ok') return outcome.traces.map((t) => normaliseTrace(t, p.mapping));
    if (outcome.kind === 'unparseable' || outcome.kind === 'busy' || outcome.kind === 'timeout' || outcome.kind === 'error') failures.push(failureWords(outcome));
    if (outcome.kind === 'cancelled') failure ??= { kind: 'cancelled' };
    else if (outcome.kind !== 'unparseable' && outcome.kind !== 'busy' && outcome.kind !== 'timeout' && outcome.kind !== 'error') {
      failure ??= { kind: 'model-failed', failure: outcome };
    }
    return null;
  };

  sets[0] = await ask(0);
  if (failure) return failure;
  // A failed answer is asked again a bounded number of times, with another seed.
  for (let attempt = 1; !sets[0] && attempt <= RETRIES; attempt++) {
    if (signal.aborted) return { kind: 'cancelled' };
    sets[0] = await ask(0, RESAMPLE_SEED + attempt);
    if (failure) return failure;
  }
  const risky = prepared.securityEffects.length > 0 || options.staticFindings > 0;
  // A second sample of the original settles whether a contradiction is a slip or a stance.
  let contradictions = contradictionsOf(sets[0], prepared.truth);
  if (contradictions.length > 0) {
    const again = await ask(0, RESAMPLE_SEED);
    if (failure) return failure;
    const second = contradictionsOf(again, prepared.truth);
    contradictions = contradictions.filter((c) => second.some((d) => d.input === c.input && sameEffects(c, d)));
  }

  const schedule = orbitSchedule(options.maxOrbit, prepared.programs.length - 1, options.adaptive);
  let verdict = consistencyVerdict(sets);
  let k = 0;
  for (const target of schedule) {
    if (signal.aborted) return { kind: 'cancelled' };
    // Without the original's traces there is nothing to compare the rewrites with.
    if (!sets[0] || target === 0) break;
    const wanted = Array.from({ length: target - k }, (_, i) => k + 1 + i);
    const answers = await Promise.all(wanted.map((i) => ask(i)));
    if (failure) return failure;
    wanted.forEach((i, j) => (sets[i] = answers[j]));
    // Rewrites whose answers failed are asked once more, in the reverse order and with another
    // seed, so a model cannot fail on one position of the schedule every time.
    for (const i of wanted.filter((x) => !sets[x]).reverse()) {
      if (signal.aborted) return { kind: 'cancelled' };
      sets[i] = await ask(i, RESAMPLE_SEED + RETRIES + 1);
      if (failure) return failure;
    }
    k = target;
    verdict = consistencyVerdict(sets);
    if (verdict.verdict === 'inconsistent-effects' || verdict.verdict === 'inconsistent-output') {
      verdict = arbitrate(await resample(verdict, sets, ask), sets, prepared.truth);
    }
    if (failure) return failure;
    if (verdict.verdict !== 'inconsistent-effects') verdict = await loneWitnesses(verdict, sets, prepared.truth, ask);
    if (failure) return failure;
    options.onStage?.(`orbit of ${k}: ${verdict.verdict}`);
    if (!options.adaptive) break;
    if (verdict.verdict === 'inconsistent-effects' || verdict.verdict === 'inconsistent-output') break;
    // A contradiction of the sandbox that a second sample of the original repeated is a finding
    // on ground truth already: no rewrite can overturn what the sandbox saw happen. Two rewrites
    // show whether the model's account moves with the wording; more would only cost calls.
    if (contradictions.length > 0) break;
    // Clear agreement stops early; a risky function also needs the model to match the sandbox.
    const agreed = verdict.verdict === 'consistent';
    if (agreed && !risky) break;
    if (agreed && k >= 4) break;
  }
  const transforms: Record<number, string[]> = {};
  for (const p of prepared.programs.slice(1, k + 1)) transforms[p.index] = p.transforms;
  const kMax = Math.min(options.maxOrbit, prepared.programs.length - 1);
  const cost = accountCost(calls);
  const answered = sets.slice(1, k + 1).filter(Boolean).length;
  const incomplete = !sets[0]
    ? `the model gave no usable answer for the function itself after ${RETRIES + 1} attempts (${summarise(failures)})`
    : k > 0 && answered < Math.min(2, k)
      ? `the model gave usable answers for only ${answered} of ${k} rewrites (${summarise(failures)})`
      : undefined;
  return {
    kind: 'verified',
    orbitSize: k,
    verdict: { ...verdict, cost },
    contradictions,
    transforms,
    risky,
    cost,
    naiveCalls: (kMax + 1) * prepared.inputs.length,
    naiveBatchedCalls: kMax + 1,
    ...(incomplete ? { incomplete, verdict: { ...verdict, verdict: 'uncertain' as const, cost } } : {}),
  };
}

/** Extra attempts for an unusable answer of the original. */
const RETRIES = 2;

/** A failed answer in words: "a malformed answer (…)", "HTTP 503". */
function failureWords(o: { kind: string; detail: string; status?: number }): string {
  switch (o.kind) {
    case 'unparseable': return `a malformed or schema-violating answer (${o.detail.slice(0, 80)})`;
    case 'busy': return 'the model was busy';
    case 'timeout': return 'a time-out';
    default: return o.status ? `HTTP ${o.status}` : o.detail.slice(0, 80);
  }
}

/** Distinct failure reasons with their counts. */
function summarise(failures: string[]): string {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(f, (counts.get(f) ?? 0) + 1);
  return [...counts].map(([f, n]) => (n > 1 ? `${f} ×${n}` : f)).join('; ') || 'no answer';
}

/** Programs re-asked at most when a verdict is inconsistent. */
const RESAMPLE_LIMIT = 3;

/** A lie repeats; a slip does not. The programs in the deciding disagreements (the minority
 *  side first) are asked once more with another seed, and the verdict is judged again. */
async function resample(
  verdict: ConsistencyVerdict,
  sets: Array<Trace[] | null>,
  ask: (index: number, seed?: number) => Promise<Trace[] | null>,
): Promise<ConsistencyVerdict> {
  const kind = verdict.verdict === 'inconsistent-effects' ? 'effect' : 'output';
  const involved = new Set<number>();
  const deciding = verdict.disagreements.filter((x) => x.kind === kind);
  for (const d of deciding) for (const i of d.present.length <= d.absent.length ? d.present : d.absent) involved.add(i);
  for (const d of deciding) for (const i of d.present.length <= d.absent.length ? d.absent : d.present) involved.add(i);
  const chosen = [...involved].slice(0, RESAMPLE_LIMIT);
  const answers = await Promise.all(chosen.map((i) => ask(i, RESAMPLE_SEED)));
  chosen.forEach((i, j) => {
    if (answers[j]) sets[i] = answers[j];
  });
  return consistencyVerdict(sets);
}

/** The verdict discounts one variant disagreeing with all the others as noise. A lone variant
 *  that tells what the sandbox sees, or that says it again when asked with another seed, is not
 *  noise: it is the one rewrite that lost the feature the model keys its story to. */
async function loneWitnesses(
  verdict: ConsistencyVerdict,
  sets: Array<Trace[] | null>,
  truth: Trace[] | null,
  ask: (index: number, seed?: number) => Promise<Trace[] | null>,
): Promise<ConsistencyVerdict> {
  const lone = verdict.disagreements.filter((d) => d.kind === 'effect' && d.present.length === 1 && d.present[0] !== 0);
  const confirmed: Disagreement[] = [];
  for (const d of lone) {
    const witness = d.present[0];
    const real = truth?.[d.input]?.effects.some((e) => effectKey(e.kind, e.target) === d.subject);
    if (real === true) confirmed.push(d);
    else if (real === undefined) {
      const again = await ask(witness, RESAMPLE_SEED);
      if (again?.[d.input]?.effects.some((e) => effectKey(e.kind, e.target) === d.subject)) confirmed.push(d);
    }
  }
  if (confirmed.length === 0) return verdict;
  const others = verdict.disagreements.filter((d) => !confirmed.includes(d));
  return { ...verdict, verdict: 'inconsistent-effects', disagreements: [...confirmed, ...others], singleWitness: false };
}
