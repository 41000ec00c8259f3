// Compares a model's predicted trace with the sandbox's ground-truth trace of the same run:
// which effects the model missed or invented, whether the outcome matches, where steps diverge.
import { sameObservableResult } from './observable';
import type { Effect, Trace } from './schema';
import { DEFAULT_WEIGHTS, effectKey, traceSimilarity, type SimilarityComponents, type SimilarityWeights } from './similarity';
import { describeEffect } from './verdict';

export interface GroundTruthComparison {
  score: number;
  components: SimilarityComponents;
  /** Effects that really happen but the prediction omits. */
  missingEffects: Effect[];
  /** Effects the prediction claims that do not happen. */
  extraEffects: Effect[];
  outcomeMatches: boolean;
  /** 0-based index of the first step whose state differs, or null when the steps agree. */
  firstDivergentStep: number | null;
  explanation: string[];
}

/** Both traces should be normalised (and, for a variant, mapped back to the original). */
export function compareWithGroundTruth(predicted: Trace, actual: Trace, weights: SimilarityWeights = DEFAULT_WEIGHTS): GroundTruthComparison {
  const { score, components } = traceSimilarity(predicted, actual, weights);
  const missingEffects = difference(actual.effects, predicted.effects);
  const extraEffects = difference(predicted.effects, actual.effects);
  const outcomeMatches = sameObservableResult(predicted, actual);
  let firstDivergentStep: number | null = null;
  const n = Math.max(predicted.steps.length, actual.steps.length);
  for (let i = 0; i < n; i++) {
    const p = predicted.steps[i];
    const a = actual.steps[i];
    if (!p || !a || JSON.stringify(p.state) !== JSON.stringify(a.state)) {
      firstDivergentStep = i;
      break;
    }
  }
  const explanation: string[] = [];
  for (const e of missingEffects) explanation.push(`The prediction misses ${describeEffect(e)} (line ${e.line}), which really happens.`);
  for (const e of extraEffects) explanation.push(`The prediction claims ${describeEffect(e)} (line ${e.line}), which does not happen.`);
  if (!outcomeMatches) explanation.push(`The prediction ends with ${JSON.stringify(predicted.outcome)}; the run ends with ${JSON.stringify(actual.outcome)}.`);
  if (firstDivergentStep !== null) explanation.push(`Steps agree up to step ${firstDivergentStep + 1}.`);
  explanation.push(`Similarity to the real trace: ${score.toFixed(2)}.`);
  return { score, components, missingEffects, extraEffects, outcomeMatches, firstDivergentStep, explanation };
}

/** Effects in `from` not matched one-for-one by `to`, by kind and target. */
function difference(from: readonly Effect[], to: readonly Effect[]): Effect[] {
  const counts = new Map<string, number>();
  for (const e of to) counts.set(effectKey(e.kind, e.target), (counts.get(effectKey(e.kind, e.target)) ?? 0) + 1);
  const out: Effect[] = [];
  for (const e of from) {
    const k = effectKey(e.kind, e.target);
    const c = counts.get(k) ?? 0;
    if (c > 0) counts.set(k, c - 1);
    else out.push(e);
  }
  return out;
}
