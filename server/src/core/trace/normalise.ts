// Trace normalisation: canonical values, variant names mapped back through the rename map,
// temporaries the orbit introduced dropped, and variant lines mapped to the original's lines.
import type { Effect, JsonValue, Trace, TraceOutcome, TraceStep } from './schema';

/** How a variant relates to the original (from an OrbitVariant); omit for the original. */
export interface VariantMapping {
  /** Variant name → original name. */
  renames?: Record<string, string>;
  /** lineMap[i] is the original line of variant line i+1. */
  lineMap?: readonly number[];
  /** Names that exist only in the variant. */
  introduced?: readonly string[];
}

const SPECIAL: Record<string, string> = {
  undefined: '[undefined]', nan: '[NaN]', infinity: '[Infinity]', '-infinity': '[-Infinity]', function: '[function]',
};

/** Converts any JavaScript value into its canonical JSON form (for producers of traces). */
export function toJsonValue(value: unknown, seen: Set<object> = new Set()): JsonValue {
  if (value === undefined) return '[undefined]';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '[NaN]';
    if (!Number.isFinite(value)) return value > 0 ? '[Infinity]' : '[-Infinity]';
    return canonicalNumber(value);
  }
  if (typeof value === 'bigint') return `[bigint ${value}]`;
  if (typeof value === 'symbol') return `[symbol ${value.description ?? ''}]`;
  if (typeof value === 'function') return '[function]';
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  const obj = value as object;
  if (seen.has(obj)) return '[cycle]';
  seen.add(obj);
  let out: JsonValue;
  if (Array.isArray(obj)) out = obj.map((v) => toJsonValue(v, seen));
  else if (obj instanceof Map) out = { '[map]': [...obj].map(([k, v]) => [toJsonValue(k, seen), toJsonValue(v, seen)]) };
  else if (obj instanceof Set) out = { '[set]': [...obj].map((v) => toJsonValue(v, seen)) };
  else if (obj instanceof Error) out = `[error ${obj.name}: ${obj.message}]`;
  else {
    const rec: Record<string, JsonValue> = {};
    for (const k of Object.keys(obj).sort()) rec[k] = toJsonValue((obj as Record<string, unknown>)[k], seen);
    out = rec;
  }
  seen.delete(obj);
  return out;
}

/** Canonical form of a JSON value from any producer: sorted keys, numbers to 12 significant
 *  digits (models print floats loosely), -0 as 0, special values in one spelling. */
export function canonicalValue(v: JsonValue): JsonValue {
  if (typeof v === 'number') return canonicalNumber(v);
  if (typeof v === 'string') {
    const m = /^[[<](undefined|nan|-?infinity|function)[\]>]$/i.exec(v);
    return m ? SPECIAL[m[1].toLowerCase()] : v;
  }
  if (v === null || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(canonicalValue);
  const out: Record<string, JsonValue> = {};
  for (const k of Object.keys(v).sort()) out[k] = canonicalValue(v[k]);
  return out;
}

function canonicalNumber(n: number): number {
  if (Object.is(n, -0)) return 0;
  return Number.isInteger(n) ? n : Number(n.toPrecision(12));
}

/** Normalises a trace; with a mapping, expresses a variant's trace in the original's terms. */
export function normaliseTrace(trace: Trace, mapping: VariantMapping = {}): Trace {
  const renames = mapping.renames ?? {};
  const introduced = new Set(mapping.introduced ?? []);
  const line = (n: number): number => (mapping.lineMap ? mapping.lineMap[n - 1] ?? n : n);
  const steps: TraceStep[] = [];
  for (const step of trace.steps) {
    const state: Record<string, JsonValue> = {};
    let dropped = 0;
    for (const key of Object.keys(step.state).sort()) {
      if (introduced.has(key)) {
        dropped++;
        continue;
      }
      state[renames[key] ?? key] = canonicalValue(step.state[key]);
    }
    // A step that only wrote an introduced temporary has no counterpart in the original.
    if (dropped > 0 && Object.keys(state).length === 0) continue;
    steps.push({ line: line(step.line), state: sortKeys(state) });
  }
  const effects: Effect[] = trace.effects.map((e) => ({
    kind: e.kind, target: canonicalTarget(e.target), args: e.args.map(canonicalValue), line: line(e.line),
  }));
  const out: Trace = { steps, effects, outcome: canonicalOutcome(trace.outcome, renames) };
  if (trace.truncated) out.truncated = true;
  if (trace.response && typeof trace.response === 'object') {
    const r = trace.response;
    out.response = { ...r, ...(r.body !== undefined ? { body: canonicalValue(r.body) } : {}) };
  }
  // Sandbox-only fields travel along, in the original's lines; similarity does not use them.
  if (trace.interactions) out.interactions = trace.interactions.map((x) => ({ target: x.target, args: x.args.map(canonicalValue), line: line(x.line) }));
  if (trace.comparisons) out.comparisons = trace.comparisons;
  if (trace.conditions) out.conditions = trace.conditions;
  return out;
}

function sortKeys(rec: Record<string, JsonValue>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const k of Object.keys(rec).sort()) out[k] = rec[k];
  return out;
}

/** URLs compare by lower-cased scheme and host with no trailing slash; other targets trimmed. */
export function canonicalTarget(target: string): string {
  const t = target.trim();
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(t);
  if (!m) return t;
  const rest = m[3] === '/' ? '' : m[3];
  return `${m[1].toLowerCase()}://${m[2].toLowerCase()}${rest}`;
}

function canonicalOutcome(o: TraceOutcome, renames: Record<string, string>): TraceOutcome {
  if (o.kind === 'return') return { kind: 'return', value: canonicalValue(o.value) };
  if (o.kind === 'limit') return o;
  let error = o.error.trim().replace(/^Uncaught\s+/, '');
  // Engines name the variable in some messages ("x is not defined"); map variant names back.
  error = error.replace(/\b[A-Za-z_$][\w$]*\b/g, (w) => renames[w] ?? w);
  return { kind: 'throw', error };
}
