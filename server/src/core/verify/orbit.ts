// The orbit verification shows a model: its first rewrites change every surface feature a
// trigger-style lie can key on (all renamable local names, the comments), the rest come from the
// seeded orbit builder and change shape as well; and the orbit sizes verification steps through.
// Pure; used by the verifyPrepare task and verifyUnit.
import { buildOrbit, composeLineMaps, composeRenames, editDistance, createRng, hashText, transformById, type OrbitVariant, runTransform } from '../orbit/index';
import { identityLineMap } from '../orbit/edits';

export interface VerifyOrbitOptions {
  k: number;
  seed: number;
  deltaMin: number;
}

/** Rename passes per surface rewrite: each renames a random subset, so several cover them all. */
const RENAME_PASSES = 8;

export function verificationOrbit(code: string, options: VerifyOrbitOptions): OrbitVariant[] {
  if (options.k <= 0) return [];
  const minDistance = Math.max(1, Math.ceil(options.deltaMin * code.length));
  const surface: OrbitVariant[] = [];
  const seen = new Set([hashText(code)]);
  for (const [i, extra] of [['comment-strip'], ['comment-strip', 'format']].entries()) {
    const v = surfaceRewrite(code, options.seed + i, extra);
    if (!v || v.distance < minDistance || seen.has(v.hash)) continue;
    seen.add(v.hash);
    surface.push({ ...v, index: surface.length + 1 });
  }
  const rest = buildOrbit(code, { k: options.k, seed: options.seed, deltaMin: options.deltaMin }).variants.filter((v) => !seen.has(v.hash));
  return [...surface, ...rest].slice(0, options.k).map((v, i) => ({ ...v, index: i + 1 }));
}

/** Renames every local it can (several passes of rename-locals), then applies `extra`. */
function surfaceRewrite(code: string, seed: number, extra: string[]): OrbitVariant | null {
  const rng = createRng(seed);
  let current = code;
  let lineMap = identityLineMap(code);
  let renames: Record<string, string> = {};
  const introduced: string[] = [];
  const applied: string[] = [];
  const steps = [...Array<string>(RENAME_PASSES).fill('rename-locals'), ...extra];
  for (const id of steps) {
    const t = transformById(id);
    const out = t && runTransform(t, current, rng);
    if (!out) continue;
    current = out.code;
    lineMap = composeLineMaps(lineMap, out.lineMap);
    renames = composeRenames(renames, out.renames);
    introduced.push(...out.introduced);
    if (!applied.includes(id)) applied.push(id);
  }
  if (applied.length === 0) return null;
  return { index: 0, code: current, hash: hashText(current), transforms: applied, lineMap, renames, introduced, distance: editDistance(code, current) };
}

/** Orbit sizes the adaptive plan steps through, capped by the setting and what was built. */
export function orbitSchedule(maxOrbit: number, available: number, adaptive: boolean): number[] {
  const cap = Math.min(maxOrbit, available);
  if (cap <= 0) return [0];
  if (!adaptive) return [cap];
  return [...new Set([2, 4, cap].map((k) => Math.min(k, cap)))].sort((a, b) => a - b);
}
