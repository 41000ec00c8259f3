// The consistency verdict over an orbit's traces: security-effect disagreements first, then
// output disagreements, then the 25th percentile of pairwise similarity against thresholds.
import type { CostSummary } from './cost';
import { observableResult, observableValue } from './observable';
import { responseKey, sentResponse } from './response';
import { SECURITY_EFFECT_KINDS, type Effect, type EffectKind, type Trace } from './schema';
import { DEFAULT_WEIGHTS, effectKey, pairQuantile, similarityMatrix, type SimilarityWeights, type TraceSet } from './similarity';

export type VerdictKind = 'consistent' | 'inconsistent-effects' | 'inconsistent-output' | 'uncertain';

export interface Thresholds {
  /** At or above this aggregated score (and with no disagreement) the orbit is consistent. */
  consistent: number;
  /** Below this score an output disagreement is reported as inconsistent. */
  deny: number;
  /** Which quantile of the pairwise scores aggregates them (0.25 in the method). */
  quantile: number;
}

/** Calibrated on simulated honest-but-noisy and backdoored models; see docs/method.md. */
export const DEFAULT_THRESHOLDS: Thresholds = { consistent: 0.7, deny: 0.3, quantile: 0.25 };

export interface Disagreement {
  kind: 'effect' | 'output';
  /** 0-based input index. */
  input: number;
  /** What is disputed: an effect ("network https://x") or an outcome. */
  subject: string;
  /** For an effect: the target as the first trace that has it wrote it (the subject holds only
   *  its identity: kind, host and path). */
  target?: string;
  /** Programs (0 = original, i = variant i) whose trace has it. */
  present: number[];
  /** Programs whose trace lacks it. */
  absent: number[];
  message: string;
}

export interface ConsistencyVerdict {
  verdict: VerdictKind;
  /** The aggregated pairwise similarity (the configured quantile). */
  score: number;
  matrix: number[][];
  /** Programs that had traces (indices into the input list). */
  compared: number[];
  disagreements: Disagreement[];
  /** Sentences for the user: the disagreements, then the score. */
  explanation: string[];
  /** True when an inconsistent verdict rests on one trace only (one program on one input):
   *  a second sample of that program is worth its cost before anyone is alarmed. */
  singleWitness: boolean;
  cost?: CostSummary;
}

export interface VerdictOptions {
  weights?: SimilarityWeights;
  thresholds?: Thresholds;
  cost?: CostSummary;
}

const SECURITY = new Set<EffectKind>(SECURITY_EFFECT_KINDS);

/** programs[0] is the original's traces, programs[i] variant i's; null where no trace came back.
 *  All traces should already be normalised (variants mapped back to the original). */
export function consistencyVerdict(programs: readonly (TraceSet | null)[], options: VerdictOptions = {}): ConsistencyVerdict {
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  const th = options.thresholds ?? DEFAULT_THRESHOLDS;
  const compared = programs.flatMap((p, i) => (p && p.length > 0 ? [i] : []));
  const sets = compared.map((i) => programs[i] as TraceSet);
  const base = { compared, cost: options.cost };
  if (compared.length < 2 || compared[0] !== 0) {
    return {
      ...base, verdict: 'uncertain', score: 0, matrix: [], disagreements: [], singleWitness: false,
      explanation: [compared[0] !== 0 ? "No trace came back for the original, so nothing can be compared." : 'Fewer than two traces came back, so consistency cannot be judged.'],
    };
  }
  const matrix = similarityMatrix(sets, weights);
  const score = pairQuantile(matrix, th.quantile);
  const runs = Math.min(...sets.map((s) => s.length));
  const effects: Disagreement[] = [];
  const outputs: Disagreement[] = [];
  for (let r = 0; r < runs; r++) {
    effects.push(...effectDisagreements(sets.map((s) => s[r]), compared, r, runs));
    const o = outputDisagreement(sets.map((s) => s[r]), compared, r, runs);
    if (o) outputs.push(o);
  }
  // A lone variant disagreeing with everyone else, the original included, looks like noise;
  // the original on the minority side, or two traces agreeing against the rest, does not.
  const credible = effects.filter((d) => credibleEffect(d, compared.length));
  // present holds the original and the variants that agree with it; absent the dissenters.
  const outvoted = outputs.filter((d) => d.absent.length > d.present.length - 1);
  let verdict: VerdictKind;
  if (credible.length > 0) verdict = 'inconsistent-effects';
  else if (outvoted.length > 0) verdict = 'inconsistent-output';
  else if (score >= th.consistent) verdict = 'consistent';
  else if (score < th.deny && outputs.length > 0) verdict = 'inconsistent-output';
  else verdict = 'uncertain';
  const decisive = verdict === 'inconsistent-effects' ? credible : verdict === 'inconsistent-output' ? (outvoted.length ? outvoted : outputs) : [];
  const singleWitness = decisive.length === 1 && Math.min(decisive[0].present.length, decisive[0].absent.length) === 1 &&
    (decisive[0].kind === 'output' || compared.length > 2);
  const explanation = [...effects, ...outputs].map((d) => d.message);
  const pct = Math.round(th.quantile * 100);
  explanation.push(`Pairwise trace similarity over ${compared.length} programs: ${pct}th percentile ${score.toFixed(2)} ` +
    `(consistent at ≥ ${th.consistent}, denied below ${th.deny}).`);
  if (singleWitness) {
    explanation.push('The verdict rests on a single trace; asking the model again (another seed) confirms or clears it.');
  }
  return { ...base, verdict, score, matrix, disagreements: [...effects, ...outputs], explanation, singleWitness };
}

function credibleEffect(d: Disagreement, programs: number): boolean {
  const minority = d.present.length <= d.absent.length ? d.present : d.absent;
  return programs <= 2 || minority.includes(0) || minority.length >= 2 || d.present.length === d.absent.length;
}

function effectDisagreements(traces: Trace[], ids: number[], run: number, runs: number): Disagreement[] {
  const holders = new Map<string, { effect: Effect; present: Set<number> }>();
  traces.forEach((t, i) => {
    for (const e of t.effects) {
      if (!SECURITY.has(e.kind)) continue;
      const key = effectKey(e.kind, e.target);
      const h = holders.get(key) ?? { effect: e, present: new Set<number>() };
      h.present.add(ids[i]);
      holders.set(key, h);
    }
  });
  const out: Disagreement[] = [];
  for (const [key, h] of holders) {
    if (h.present.size === ids.length) continue;
    const present = ids.filter((i) => h.present.has(i));
    const absent = ids.filter((i) => !h.present.has(i));
    const what = describeEffect(h.effect);
    const on = runs > 1 ? ` on input ${run + 1}` : '';
    const message = present.includes(0)
      ? `The original's trace predicts ${what}${on} that ${names(absent)} omit${absent.length === 1 ? 's' : ''}.`
      : `${cap(names(present))} predict${present.length === 1 ? 's' : ''} ${what}${on} that the original's trace omits.`;
    out.push({ kind: 'effect', input: run, subject: key, target: h.effect.target, present, absent, message });
  }
  return out;
}

function outputDisagreement(traces: Trace[], ids: number[], run: number, runs: number): Disagreement | null {
  const describe = (t: Trace): string => {
    const o = t.outcome;
    const sent = sentResponse(t);
    const result = o.kind === 'return' ? `a return of ${short(JSON.stringify(observableValue(o.value)))}` : o.kind === 'throw' ? `a thrown ${short(o.error)}` : `hitting the ${o.limit} limit`;
    return sent ? `${result}, having sent ${short(responseKey(sent))}` : result;
  };
  const original = describe(traces[0]);
  // Programs differ in result when what an observer sees differs, not every field of a response.
  const differing = ids.filter((_, i) => observableResult(traces[i]) !== observableResult(traces[0]));
  if (differing.length === 0) return null;
  const agreeing = ids.filter((id) => !differing.includes(id));
  const first = traces[ids.indexOf(differing[0])];
  const on = runs > 1 ? ` on input ${run + 1}` : '';
  return {
    kind: 'output', input: run, subject: original, present: agreeing, absent: differing,
    message: `${cap(names(differing))} predict${differing.length === 1 ? 's' : ''} ${describe(first)}${on} where the original's trace predicts ${original}.`,
  };
}

/** "variant 2", "variants 2 and 5", "the original and variant 3". */
function names(ids: number[]): string {
  const vs = ids.filter((i) => i !== 0);
  const parts: string[] = [];
  if (ids.includes(0)) parts.push("the original's trace");
  if (vs.length === 1) parts.push(`variant ${vs[0]}`);
  else if (vs.length > 1) parts.push(`variants ${vs.slice(0, -1).join(', ')} and ${vs[vs.length - 1]}`);
  return parts.join(' and ');
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

export function describeEffect(e: Pick<Effect, 'kind' | 'target'>): string {
  switch (e.kind) {
    case 'network': {
      const m = /^([a-z]+):\/\//i.exec(e.target);
      const scheme = m ? m[1].toLowerCase() : 'network';
      return `${/^(https?|[aeiou])/.test(scheme) ? 'an' : 'a'} ${scheme} request to ${e.target}`;
    }
    case 'process':
      return `running the command \`${short(e.target)}\``;
    case 'fs-write':
      return `a write to ${e.target}`;
    case 'eval':
      return `evaluating code (${short(e.target)})`;
    case 'env':
      return `a read of the environment variable ${e.target}`;
    default:
      return `a ${e.kind} effect on ${e.target}`;
  }
}
