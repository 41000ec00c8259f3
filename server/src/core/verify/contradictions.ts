// Where the model's account of the original contradicts the sandbox's real traces: security
// effects it omits or invents, per input, in words for the diagnostic.
import { compareWithGroundTruth } from '../trace/ground-truth';
import { SECURITY_EFFECT_KINDS, type Effect, type Trace } from '../trace/schema';
import { effectKey } from '../trace/similarity';
import { describeEffects } from './describe';

/** The model says the original does not do what the sandbox sees it do (or the reverse). */
export interface Contradiction {
  input: number;
  missing: Effect[];
  extra: Effect[];
  message: string;
}

const SECURITY = new Set<string>(SECURITY_EFFECT_KINDS);

/** Security-relevant effects the model's original traces miss or invent, per input. */
export function contradictionsOf(predicted: Trace[] | null, truth: Trace[] | null): Contradiction[] {
  if (!predicted || !truth) return [];
  const out: Contradiction[] = [];
  const runs = Math.min(predicted.length, truth.length);
  for (let r = 0; r < runs; r++) {
    // Limits and sandbox failures are not behaviour a model could be expected to predict.
    if (truth[r].outcome.kind === 'limit') continue;
    const cmp = compareWithGroundTruth(predicted[r], truth[r]);
    const missing = unique(cmp.missingEffects.filter((e) => SECURITY.has(e.kind)));
    const extra = unique(cmp.extraEffects.filter((e) => SECURITY.has(e.kind)));
    if (missing.length === 0 && extra.length === 0) continue;
    const on = runs > 1 ? ` on input ${r + 1}` : '';
    const parts = [
      ...(missing.length ? [`omits ${describeEffects(missing)}${on}, which the sandbox sees happen`] : []),
      ...(extra.length ? [`claims ${describeEffects(extra)}${on}, which does not happen in the sandbox`] : []),
    ];
    out.push({ input: r, missing, extra, message: `the model's trace of the original ${parts.join(', and ')}` });
  }
  return out;
}

function unique(effects: Effect[]): Effect[] {
  const seen = new Set<string>();
  return effects.filter((e) => {
    const key = effectKey(e.kind, e.target);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function sameEffects(a: Contradiction, b: Contradiction): boolean {
  const keys = (c: Contradiction): string => [...c.missing.map((e) => `-${effectKey(e.kind, e.target)}`), ...c.extra.map((e) => `+${effectKey(e.kind, e.target)}`)].sort().join('|');
  return keys(a) === keys(b);
}
