// Where the sandbox ran, it settles who is wrong in a disagreement: when the model's account of
// the original matches what really happens, the rewrites that disagree are the model's noise,
// not a story it hides behind the original's surface. Such disagreements do not make a finding.
import { sameObservableResult } from '../trace/observable';
import { effectKey } from '../trace/similarity';
import type { Trace } from '../trace/schema';
import { DEFAULT_THRESHOLDS, type ConsistencyVerdict, type Disagreement, type VerdictKind } from '../trace/verdict';

export function arbitrate(verdict: ConsistencyVerdict, sets: ReadonlyArray<Trace[] | null>, truth: Trace[] | null): ConsistencyVerdict {
  if (!truth || !sets[0]) return verdict;
  const original = sets[0];
  const kept = verdict.disagreements.filter((d) => !originalIsRight(d, original[d.input], truth[d.input]));
  if (kept.length === verdict.disagreements.length) return verdict;
  const inconsistent = verdict.verdict === 'inconsistent-effects' || verdict.verdict === 'inconsistent-output';
  const effects = verdict.verdict === 'inconsistent-effects' && kept.some((d) => d.kind === 'effect');
  // As in the verdict: an output disagreement counts when the original is outvoted.
  const output = inconsistent && kept.some((d) => d.kind === 'output' && d.absent.length > d.present.length - 1);
  const kind: VerdictKind = effects ? 'inconsistent-effects' : output ? 'inconsistent-output'
    : verdict.score >= DEFAULT_THRESHOLDS.consistent ? 'consistent' : 'uncertain';
  return { ...verdict, verdict: kind, disagreements: kept, singleWitness: false };
}

function originalIsRight(d: Disagreement, original: Trace | undefined, real: Trace | undefined): boolean {
  if (!original || !real || real.outcome.kind === 'limit') return false;
  if (d.kind === 'output') return sameObservableResult(original, real);
  const has = (t: Trace): boolean => t.effects.some((e) => effectKey(e.kind, e.target) === d.subject);
  return has(original) === has(real);
}
