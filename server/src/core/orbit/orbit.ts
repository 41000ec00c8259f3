// The seeded orbit builder: composes transforms into k distinct variants of a unit, each far
// enough from the original (the δmin filter) and carrying its line and rename maps.
import { distance } from 'fastest-levenshtein';
import { composeLineMaps, identityLineMap } from './edits';
import { createRng, hashText } from './rng';
import { applyPrepared, prepare, type Transform } from './transform';
import { TRANSFORMS } from './transforms/index';

export interface OrbitOptions {
  /** Number of variants wanted. */
  k: number;
  seed: number;
  /** Minimum normalised edit distance: a variant needs d(P, Q) ≥ max(1, deltaMin·|P|). */
  deltaMin: number;
  /** Transform ids to use; all when omitted. */
  transforms?: readonly string[];
  /** Attempts per wanted variant before giving up (default 8). */
  attemptsPerVariant?: number;
}

export interface OrbitVariant {
  /** 1-based position in the orbit; the original is variant 0. */
  index: number;
  code: string;
  hash: string;
  /** Transform ids in the order they were applied. */
  transforms: string[];
  /** lineMap[i] is the original line of variant line i+1. */
  lineMap: number[];
  /** Variant name → original name, for every renamed binding. */
  renames: Record<string, string>;
  /** Names the transforms introduced (temporaries, dead code), absent from the original. */
  introduced: string[];
  distance: number;
}

export interface OrbitResult {
  original: { code: string; hash: string };
  variants: OrbitVariant[];
  /** How often each transform declined (no site met its preconditions). */
  declined: Record<string, number>;
  /** Candidates dropped for being too close to the original or duplicates. */
  rejected: { tooClose: number; duplicate: number };
  /** The distance a variant needed. */
  minDistance: number;
  errors: string[];
}

export const DEFAULT_ORBIT_OPTIONS: OrbitOptions = { k: 8, seed: 1, deltaMin: 0.05 };

export function buildOrbit(source: string, options: Partial<OrbitOptions> = {}): OrbitResult {
  const opts = { ...DEFAULT_ORBIT_OPTIONS, ...options };
  const rng = createRng(opts.seed);
  const pool: Transform[] = opts.transforms ? TRANSFORMS.filter((t) => opts.transforms?.includes(t.id)) : TRANSFORMS.slice();
  const minDistance = Math.max(1, Math.ceil(opts.deltaMin * source.length));
  const result: OrbitResult = {
    original: { code: source, hash: hashText(source) },
    variants: [], declined: {}, rejected: { tooClose: 0, duplicate: 0 }, minDistance, errors: [],
  };
  const start = prepare(source);
  if (!start) {
    result.errors.push('The unit is not valid JavaScript, so no variants were built.');
    return result;
  }
  if (pool.length === 0) {
    result.errors.push('No known transform was selected.');
    return result;
  }
  const seen = new Set([result.original.hash]);
  const attempts = opts.k * (opts.attemptsPerVariant ?? 8);
  for (let a = 0; a < attempts && result.variants.length < opts.k; a++) {
    const steps = 2 + rng.int(3);
    let code = source;
    let current = start;
    let lineMap = identityLineMap(source);
    let renames: Record<string, string> = {};
    const introduced: string[] = [];
    const applied: string[] = [];
    for (const t of rng.shuffle(pool)) {
      if (applied.length >= steps) break;
      let out: ReturnType<typeof applyPrepared>;
      try {
        out = applyPrepared(t, current, rng);
      } catch (err) {
        // A transform that fails on some input is a bug in the transform, never in the user's
        // code: the step is declined and the failure reported beside the orbit.
        out = null;
        const message = `The ${t.id} transform failed: ${err instanceof Error ? err.message : String(err)}`;
        if (!result.errors.includes(message)) result.errors.push(message);
      }
      if (!out) {
        result.declined[t.id] = (result.declined[t.id] ?? 0) + 1;
        continue;
      }
      code = out.code;
      current = out.prepared;
      lineMap = composeLineMaps(lineMap, out.lineMap);
      renames = composeRenames(renames, out.renames);
      // A renamed temporary is still a temporary, not an original variable.
      for (const [to, from] of Object.entries(out.renames)) {
        const i = introduced.indexOf(from);
        if (i >= 0) {
          introduced[i] = to;
          delete renames[to];
        }
      }
      introduced.push(...out.introduced);
      applied.push(t.id);
    }
    if (applied.length === 0) continue;
    // Duplicates are dropped before the (costlier) distance is computed.
    const hash = hashText(code);
    if (seen.has(hash)) {
      result.rejected.duplicate++;
      continue;
    }
    const d = editDistance(source, code);
    if (d < minDistance) {
      result.rejected.tooClose++;
      continue;
    }
    seen.add(hash);
    result.variants.push({ index: result.variants.length + 1, code, hash, transforms: applied, lineMap, renames, introduced, distance: d });
  }
  return result;
}

/** Chains rename maps: a name renamed twice maps straight back to its original. */
export function composeRenames(before: Record<string, string>, step: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...before };
  for (const [to, from] of Object.entries(step)) {
    out[to] = before[from] ?? from;
    if (from in before) delete out[from];
  }
  return out;
}

/** Levenshtein distance, computed on what remains after the common prefix and suffix (which
 *  never change the distance): transforms edit locally, so this is usually a small middle. */
export function editDistance(a: string, b: string): number {
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  return distance(a.slice(start, endA), b.slice(start, endB));
}
