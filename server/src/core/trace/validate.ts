// Checks a trace that came out of the sandbox before anything on the host uses it: the program
// that produced it is untrusted, so its shape and its size (depth, counts, string lengths) are
// verified, and a trace that fails is replaced by an error instead of reaching the analyses.
import type { EffectKind, JsonValue, Trace, TraceLimit } from './schema';

export interface TraceBounds {
  /** Steps, effects, interactions and comparisons, each. */
  maxEntries: number;
  /** Nesting of any recorded value. */
  maxDepth: number;
  /** Characters of any one string or key. */
  maxString: number;
  /** Values in the whole trace, counted over every array element and object property. */
  maxNodes: number;
}

export const DEFAULT_TRACE_BOUNDS: TraceBounds = { maxEntries: 5000, maxDepth: 16, maxString: 10_000, maxNodes: 400_000 };

export type TraceCheck = { ok: true; trace: Trace } | { ok: false; error: string };

const EFFECT_KINDS = new Set<EffectKind>(['network', 'process', 'fs-write', 'eval', 'env', 'fs-read', 'db', 'crypto', 'time', 'log']);
const LIMITS = new Set<TraceLimit>(['time', 'instructions', 'memory', 'trace-size']);

/** Validates parsed JSON as a trace; never throws. Unknown top-level fields are bounded and kept,
 *  so later recorder fields pass through without being trusted for their shape. */
export function checkTrace(value: unknown, bounds: TraceBounds = DEFAULT_TRACE_BOUNDS): TraceCheck {
  const budget = { nodes: 0 };
  const fail = (why: string): TraceCheck => ({ ok: false, error: `the sandbox returned a malformed trace: ${why}` });
  if (!isRecord(value)) return fail('not an object');
  const sized = bounded(value, 0, bounds, budget);
  if (sized) return fail(sized);
  const v = value;
  if (!Array.isArray(v.steps) || !Array.isArray(v.effects)) return fail('steps and effects must be arrays');
  for (const list of ['steps', 'effects', 'interactions', 'comparisons'] as const) {
    const xs = v[list];
    if (xs !== undefined && (!Array.isArray(xs) || xs.length > bounds.maxEntries)) return fail(`${list} must be an array of at most ${bounds.maxEntries} entries`);
  }
  for (const s of v.steps as unknown[]) {
    if (!isRecord(s) || !isLine(s.line) || !isRecord(s.state)) return fail('a step needs a line and a state object');
  }
  for (const e of v.effects as unknown[]) {
    if (!isRecord(e) || !EFFECT_KINDS.has(e.kind as EffectKind) || typeof e.target !== 'string' || !Array.isArray(e.args) || !isLine(e.line)) {
      return fail('an effect needs a known kind, a target, arguments and a line');
    }
  }
  for (const i of (v.interactions ?? []) as unknown[]) {
    if (!isRecord(i) || typeof i.target !== 'string' || !Array.isArray(i.args) || !isLine(i.line)) return fail('an interaction needs a target, arguments and a line');
  }
  for (const c of (v.comparisons ?? []) as unknown[]) {
    if (!Array.isArray(c) || c.length !== 2) return fail('a comparison must be a pair');
  }
  if (v.truncated !== undefined && typeof v.truncated !== 'boolean') return fail('truncated must be a boolean');
  const o = v.outcome;
  if (!isRecord(o)) return fail('the outcome is missing');
  const outcomeOk =
    (o.kind === 'return' && 'value' in o) ||
    (o.kind === 'throw' && typeof o.error === 'string') ||
    (o.kind === 'limit' && LIMITS.has(o.limit as TraceLimit));
  if (!outcomeOk) return fail('the outcome must be a return, a throw or a known limit');
  return { ok: true, trace: v as unknown as Trace };
}

/** Why a value exceeds the bounds, or undefined. Iterative over arrays, recursive in depth only. */
function bounded(x: unknown, depth: number, b: TraceBounds, budget: { nodes: number }): string | undefined {
  if (++budget.nodes > b.maxNodes) return `more than ${b.maxNodes} values`;
  if (typeof x === 'string') return x.length > b.maxString ? `a string of ${x.length} characters` : undefined;
  if (x === null || typeof x === 'number' || typeof x === 'boolean') return undefined;
  if (typeof x !== 'object') return `a value of type ${typeof x}`;
  if (depth >= b.maxDepth) return `values nested more than ${b.maxDepth} deep`;
  if (Array.isArray(x)) {
    for (const item of x) {
      const why = bounded(item, depth + 1, b, budget);
      if (why) return why;
    }
    return undefined;
  }
  for (const [k, item] of Object.entries(x as Record<string, JsonValue>)) {
    if (k.length > b.maxString) return `a key of ${k.length} characters`;
    const why = bounded(item, depth + 1, b, budget);
    if (why) return why;
  }
  return undefined;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isLine(x: unknown): boolean {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0;
}
