// Input synthesis: ordinary inputs built from parameter names, types, defaults and the paths a
// unit reads, then probes that each change one thing to a harvested literal, date or environment
// value. Deterministic: the same unit always gets the same cases.
import type { JsonValue } from '../trace/schema';
import type { FunctionUnit } from '../source/units';
import type { Candidate, Harvest } from './harvest';
import { buildArgs, collectLeaves, DAY, ORDINARY_TIMES, setPath } from './values';

export interface Trigger {
  kind: 'literal' | 'date' | 'env' | 'random' | 'state';
  /** Parameter path ("0.body.user"), "clock" or "env.NAME". */
  target: string;
  /** The compared expression as written. */
  expr: string;
  op: string;
  value: JsonValue;
  /** Readable condition: `user === "svc_maint"`, `the date is 2025-01-01 or later`. */
  description: string;
  /** Alternatives compared with the same expression. */
  siblings: number;
  /** Found by watching comparisons at run time rather than in the text. */
  dynamic?: boolean;
  /** Found by the trigger search: the literals its conditions pin (compared values, prefixes,
   *  suffixes, list items), and whether any condition pins the input to a written-in value
   *  rather than bounding it (a length, a character class). */
  literals?: JsonValue[];
  pinned?: boolean;
}

export interface InputCase {
  id: string;
  /** Ordinary cases form the baseline; each probe changes one thing. */
  role: 'ordinary' | 'probe';
  args: JsonValue[];
  /** Variables added to the sandbox's fake environment. */
  env?: Record<string, string>;
  /** Epoch milliseconds of the virtual clock. */
  now: number;
  /** A fixed value for Math.random (otherwise it is a seeded generator). */
  random?: number;
  /** Calls made before the recorded one, in the same module instance. */
  repeat?: number;
  trigger?: Trigger;
}

export interface SynthOptions {
  seed?: number;
  maxProbes?: number;
  /** Environment variables the sandbox already defines (probes are made for the others). */
  knownEnv?: string[];
}

export { ORDINARY_TIMES, setPath } from './values';

/** Ordinary cases and probes for one unit. */
export function synthesizeInputs(unit: FunctionUnit, harvest: Harvest, options: SynthOptions = {}): InputCase[] {
  const seed = options.seed ?? seedOf(unit.hash);
  const ordinary: InputCase[] = [
    { id: 'ordinary-1', role: 'ordinary', args: buildArgs(unit, harvest, 1 + (seed % 7), 'plain'), now: ORDINARY_TIMES[0] },
    { id: 'ordinary-2', role: 'ordinary', args: buildArgs(unit, harvest, 11 + (seed % 13), 'plain'), now: ORDINARY_TIMES[1] },
    { id: 'boundary', role: 'ordinary', args: buildArgs(unit, harvest, 0, 'boundary'), now: ORDINARY_TIMES[0] },
  ];
  const probes: InputCase[] = [];
  const seen = new Set<string>();
  const push = (c: Omit<InputCase, 'id' | 'role'>): void => {
    const key = JSON.stringify([c.args, c.env, c.now, c.random, c.repeat]);
    if (seen.has(key)) return;
    seen.add(key);
    probes.push({ ...c, id: `probe-${probes.length + 1}`, role: 'probe' });
  };
  const base = ordinary[0];
  // Lone comparisons first: a value compared once is a trigger, one of many is a dispatch.
  const cands = [...harvest.candidates].sort((a, b) => a.siblings - b.siblings);
  for (const c of cands) for (const p of probesFor(c, base)) push(p);
  // Conditions joined with && need every literal at once: one probe sets them all.
  const firsts = new Map<string, Candidate>();
  for (const c of cands) if (c.target !== 'clock' && !c.target.startsWith('env.') && !firsts.has(c.target) && /^(===|==|case|oneOf)$/.test(c.op)) firsts.set(c.target, c);
  if (firsts.size >= 2) {
    let args = base.args;
    for (const c of firsts.values()) args = setPath(args, c.target, c.value) as JsonValue[];
    const all = [...firsts.values()];
    push({ args, now: base.now, trigger: { kind: 'literal', target: all[0].target, expr: all[0].expr, op: '===', value: all[0].value,
      description: all.map((c) => describe(c, c.value)).join(' and '), siblings: Math.max(...all.map((c) => c.siblings)) } });
  }
  // Triggers no literal reveals: chance, and state built up over many calls.
  const plain = (kind: Trigger['kind'], description: string, value: JsonValue): Trigger => ({ kind, target: kind, expr: kind, op: kind, value, description, siblings: 1 });
  if (harvest.readsRandom) {
    push({ args: base.args, now: base.now, random: 0, trigger: plain('random', 'Math.random() returns 0', 0) });
    push({ args: base.args, now: base.now, random: 0.9999, trigger: plain('random', 'Math.random() returns nearly 1', 0.9999) });
  }
  if (harvest.keepsState) push({ args: base.args, now: base.now, repeat: 1000, trigger: plain('state', 'it has been called 1000 times', 1000) });
  const known = new Set(options.knownEnv ?? []);
  for (const key of harvest.envKeys) {
    if (known.has(key) || cands.some((c) => c.target === `env.${key}`)) continue;
    push({ args: base.args, now: base.now, env: { [key]: 'true' }, trigger: { kind: 'env', target: `env.${key}`, expr: `process.env.${key}`, op: 'set', value: 'true', description: `process.env.${key} is set`, siblings: 1 } });
  }
  return [...ordinary, ...probes.slice(0, options.maxProbes ?? 24)];
}

/** Probes from comparisons seen at run time: when an input's value was compared with another
 *  value, try that value at the input's place. `observed` pairs are [left, right] operands. */
export function probesFromComparisons(
  base: InputCase,
  observed: Array<[JsonValue, JsonValue]>,
  exclude: (v: string) => boolean,
  paramNames: string[],
  startId = 1,
): InputCase[] {
  const leaves = new Map<string, string>();
  collectLeaves(base.args, '', leaves);
  const out: InputCase[] = [];
  const seen = new Set<string>();
  for (const [a, b] of observed) {
    // The clock compared with an instant: try just after and just before it.
    for (const [mine, other] of [[a, b], [b, a]] as const) {
      if (mine !== base.now || typeof other !== 'number' || other < 946684800000 || other > 4102444800000 || seen.has(`clock=${other}`)) continue;
      seen.add(`clock=${other}`);
      const day = new Date(other).toISOString().slice(0, 10);
      for (const [now, description] of [[other + DAY, `the date is after ${day}`], [other - DAY, `the date is before ${day}`]] as const) {
        out.push({ id: `probe-d${startId + out.length}`, role: 'probe', args: base.args, now, env: base.env,
          trigger: { kind: 'date', target: 'clock', expr: 'the clock', op: '>', value: new Date(now).toISOString(), description, siblings: 1, dynamic: true } });
      }
    }
    for (const [mine, other] of [[a, b], [b, a]] as const) {
      if (typeof mine !== 'string' || typeof other !== 'string' || other === mine || exclude(other)) continue;
      // The input may have been trimmed or had a prefix cut ("Bearer …") before the comparison.
      let path = leaves.get(mine);
      let value = other;
      if (!path && mine.length >= 6) {
        for (const [leaf, p] of leaves) {
          if (leaf.includes(mine)) {
            path = p;
            value = leaf.split(mine).join(other);
            break;
          }
        }
      }
      if (!path || seen.has(`${path}=${other}`)) continue;
      seen.add(`${path}=${other}`);
      const args = setPath(base.args, path, value) as JsonValue[];
      const expr = exprOfPath(path, paramNames);
      out.push({ id: `probe-d${startId + out.length}`, role: 'probe', args, now: base.now, env: base.env,
        trigger: { kind: 'literal', target: path, expr, op: '===', value: other, description: `${expr} === ${JSON.stringify(other)}`, siblings: 1, dynamic: true } });
    }
  }
  return out;
}

function probesFor(c: Candidate, base: InputCase): Array<Omit<InputCase, 'id' | 'role'>> {
  const trig = (kind: Trigger['kind'], description: string, value: JsonValue): Trigger => ({ kind, target: c.target, expr: c.expr, op: c.op, value, description, siblings: c.siblings });
  if (c.target === 'clock') {
    return clockProbes(c).map(([now, description]) => ({ args: base.args, now, trigger: trig('date', description, new Date(now).toISOString()) }));
  }
  if (c.target.startsWith('env.')) {
    const key = c.target.slice(4);
    return [{ args: base.args, now: base.now, env: { [key]: String(c.value) }, trigger: trig('env', `process.env.${key} === ${JSON.stringify(String(c.value))}`, String(c.value)) }];
  }
  const values: JsonValue[] = [];
  if (typeof c.value === 'number' && /^[<>]=?$/.test(c.op)) values.push(c.value + 1, c.value - 1, c.value);
  else values.push(c.value);
  if (typeof c.value === 'number' && /\.(query|params|headers|cookies)\./.test(`.${c.target}.`)) values.push(String(c.value));
  return values.map((v) => ({ args: setPath(base.args, c.target, v) as JsonValue[], now: base.now, trigger: trig('literal', describe(c, v), v) }));
}

function describe(c: Candidate, v: JsonValue): string {
  const lit = JSON.stringify(v);
  switch (c.op) {
    case 'case': return `${c.expr} is ${lit}`;
    case 'includes': case 'indexOf': return `${c.expr} contains ${lit}`;
    case 'oneOf': return `${c.expr} === ${lit} (one of ${c.siblings} values listed in the code)`;
    case 'startsWith': return `${c.expr} starts with ${lit}`;
    case 'endsWith': return `${c.expr} ends with ${lit}`;
    case 'test': return `${c.expr} matches ${lit}`;
    case '<': case '<=': case '>': case '>=': return `${c.expr} is ${lit}`;
    default: return `${c.expr} === ${lit}`;
  }
}

function clockProbes(c: Candidate): Array<[number, string]> {
  const v = typeof c.value === 'number' ? c.value : NaN;
  if (Number.isNaN(v)) return [];
  const at = (y: number, m: number, d: number, h = 10): number => Date.UTC(y, m, d, h, 30);
  switch (c.op.replace(/^getUTC/, 'get')) {
    case 'getDate': return v >= 1 && v <= 31 ? [[at(2026, 2, v), `the day of the month is ${v}`]] : [];
    case 'getDay': return v >= 0 && v <= 6 ? [[at(2026, 2, 15 + v), `the weekday is ${['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][v]}`]] : [];
    case 'getMonth': return v >= 0 && v <= 11 ? [[at(2026, v, 17), `the month is ${v + 1}`]] : [];
    case 'getHours': return v >= 0 && v <= 23 ? [[at(2026, 2, 17, v), `the hour is ${v}`], [at(2026, 2, 17, v + 1), `the hour is ${v + 1}`]] : [];
    case 'getMinutes': return [];
    case 'getFullYear': return [[at(v, 5, 15), `the year is ${v}`], [at(v + 1, 5, 15), `the year is ${v + 1}`]];
  }
  // An instant: try just after and just before it.
  const day = new Date(v).toISOString().slice(0, 10);
  return [[v + DAY, `the date is after ${day}`], [v - DAY, `the date is before ${day}`]];
}


function exprOfPath(path: string, names: string[]): string {
  const [i, ...rest] = path.split('.');
  return [names[Number(i)] ?? `arg${i}`, ...rest].join('.');
}

function seedOf(hash: string): number {
  return parseInt(hash.slice(-6), 16) || 1;
}
