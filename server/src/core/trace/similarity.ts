// Trace similarity after the method: s = α·Slen + β·Sstate + γ·Sout, plus an effect component
// ε·Seff that weighs security-relevant effects far above incidental ones; and the pairwise matrix.
import { effectIdentity, observableResult } from './observable';
import { SECURITY_EFFECT_KINDS, type EffectKind, type Trace } from './schema';

export interface SimilarityWeights {
  /** α: agreement in number of steps. */
  length: number;
  /** β: steps with identical variable assignments. */
  state: number;
  /** γ: the final output or error. */
  output: number;
  /** ε: the effects, security-relevant ones weighted by securityWeight. */
  effects: number;
  /** How much more a security-relevant effect counts than an incidental one. */
  securityWeight: number;
  /** 'lcs' aligns steps by longest common subsequence (robust to one extra step);
   *  'positional' compares step i with step i, as in the paper. */
  alignment: 'lcs' | 'positional';
}

/** The method's 0.4/0.4/0.2, with an effect weight of 0.6 beside them; all are re-normalised
 *  to sum to 1 (0.25/0.25/0.125/0.375). */
export const DEFAULT_WEIGHTS: SimilarityWeights = {
  length: 0.4, state: 0.4, output: 0.2, effects: 0.6, securityWeight: 10, alignment: 'lcs',
};

export interface SimilarityComponents {
  length: number;
  state: number;
  output: number;
  effects: number;
}

export interface Similarity {
  score: number;
  components: SimilarityComponents;
}

/** A trace reduced to what similarity compares, computed once per trace. */
export interface TraceDigest {
  steps: number[];
  effects: Map<string, number>;
  effectWeight: Map<string, number>;
  outcomeKind: string;
  outcome: string;
}

const SECURITY = new Set<EffectKind>(SECURITY_EFFECT_KINDS);

/** Digests a (normalised) trace; stepIds interns step states so comparisons are integer ones. */
export function digestTrace(trace: Trace, weights: SimilarityWeights, stepIds: Map<string, number> = new Map()): TraceDigest {
  const steps = trace.steps.map((s) => {
    const key = JSON.stringify(s.state);
    let id = stepIds.get(key);
    if (id === undefined) {
      id = stepIds.size;
      stepIds.set(key, id);
    }
    return id;
  });
  const effects = new Map<string, number>();
  const effectWeight = new Map<string, number>();
  for (const e of trace.effects) {
    const key = effectKey(e.kind, e.target);
    effects.set(key, (effects.get(key) ?? 0) + 1);
    effectWeight.set(key, SECURITY.has(e.kind) ? weights.securityWeight : 1);
  }
  // Results compare on what is observable: status, body or return value, an error's name.
  return { steps, effects, effectWeight, outcomeKind: trace.outcome.kind, outcome: observableResult(trace) };
}

/** Effects are the same effect when kind, host and path agree (see observable.ts). */
export function effectKey(kind: string, target: string): string {
  return `${kind} ${effectIdentity(kind, target)}`;
}

export function traceSimilarity(a: Trace, b: Trace, weights: SimilarityWeights = DEFAULT_WEIGHTS): Similarity {
  const ids = new Map<string, number>();
  return digestSimilarity(digestTrace(a, weights, ids), digestTrace(b, weights, ids), weights);
}

export function digestSimilarity(a: TraceDigest, b: TraceDigest, w: SimilarityWeights): Similarity {
  const n1 = a.steps.length;
  const n2 = b.steps.length;
  const lo = Math.min(n1, n2);
  const hi = Math.max(n1, n2);
  const length = hi === 0 ? 1 : lo / hi;
  let state: number;
  if (lo === 0) state = hi === 0 ? 1 : 0;
  else state = (w.alignment === 'lcs' ? lcs(a.steps, b.steps) : positional(a.steps, b.steps)) / lo;
  const output = a.outcomeKind !== b.outcomeKind ? 0 : a.outcome === b.outcome ? 1 : 0.5;
  const effects = effectAgreement(a, b);
  const total = w.length + w.state + w.output + w.effects;
  const score = total === 0 ? 0 : (w.length * length + w.state * state + w.output * output + w.effects * effects) / total;
  return { score, components: { length, state, output, effects } };
}

/** Weighted Jaccard agreement of the two effect multisets; 1 when neither has effects. */
function effectAgreement(a: TraceDigest, b: TraceDigest): number {
  let inter = 0;
  let union = 0;
  const keys = new Set([...a.effects.keys(), ...b.effects.keys()]);
  for (const k of keys) {
    const w = a.effectWeight.get(k) ?? b.effectWeight.get(k) ?? 1;
    const x = a.effects.get(k) ?? 0;
    const y = b.effects.get(k) ?? 0;
    inter += w * Math.min(x, y);
    union += w * Math.max(x, y);
  }
  return union === 0 ? 1 : inter / union;
}

function positional(a: number[], b: number[]): number {
  let same = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] === b[i]) same++;
  return same;
}

/** Length of the longest common subsequence, in O(n·m) time and O(m) space. */
function lcs(a: number[], b: number[]): number {
  const m = b.length;
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1];
    for (let j = 1; j <= m; j++) {
      cur[j] = ai === b[j - 1] ? prev[j - 1] + 1 : prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
    }
    [prev, cur] = [cur, prev];
  }
  return prev[m];
}

/** A set of traces for one program: one trace per input, in input order. */
export type TraceSet = readonly Trace[];

/** Pairwise similarity over programs ({P} ∪ O, original first); a pair's score is the mean over
 *  inputs. The matrix is symmetric with ones on the diagonal. */
export function similarityMatrix(programs: readonly TraceSet[], weights: SimilarityWeights = DEFAULT_WEIGHTS): number[][] {
  const ids = new Map<string, number>();
  const digests = programs.map((set) => set.map((t) => digestTrace(t, weights, ids)));
  const n = programs.length;
  const m: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(1));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const runs = Math.min(digests[i].length, digests[j].length);
      let sum = 0;
      for (let r = 0; r < runs; r++) sum += digestSimilarity(digests[i][r], digests[j][r], weights).score;
      const s = runs === 0 ? 0 : sum / runs;
      m[i][j] = s;
      m[j][i] = s;
    }
  }
  return m;
}

/** The q-quantile (0..1) of the off-diagonal pairs, by linear interpolation. */
export function pairQuantile(matrix: readonly number[][], q: number): number {
  const xs: number[] = [];
  for (let i = 0; i < matrix.length; i++) for (let j = i + 1; j < matrix.length; j++) xs.push(matrix[i][j]);
  if (xs.length === 0) return 1;
  xs.sort((x, y) => x - y);
  const pos = (xs.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo);
}
