// The trigger search: the branch conditions a run evaluated (trace.conditions) are tied back to
// the inputs they read — a request field, an environment variable, the clock — and solved for an
// input that takes the branch the run did not take, keeping the earlier branches as they were.
// Repeating this over the new runs reaches branches guarded by compound conditions, dates and
// magic values that no single harvested literal reaches. Pure and deterministic.
import type { Condition, ConditionOperand, JsonValue } from '../trace/schema';
import type { InputCase, Trigger } from './synth';
import { collectLeaves, setPath } from './values';
import { KEEP, solveClock, solveNumber, solveString, type Pred } from './solve';

/** What a condition reads: an input path, an environment variable or the clock. */
export type Var =
  | { kind: 'path'; paths: string[]; leaf?: string; piece?: string; numeric?: boolean }
  | { kind: 'env'; key: string }
  | { kind: 'clock' };

export interface Constraint {
  /** The branch: site and line, the same in every run of the unit. */
  site: string;
  v: Var;
  p: Pred;
  /** The value the test must take. */
  want: boolean;
}

/** A branch not yet taken and the input that should take it. */
export interface SearchStep {
  site: string;
  input: InputCase;
}

/** The branch a condition stands for, with the outcome it had. */
export function branchKey(c: Condition, r = c.r): string {
  return `${c.s}@${c.line}:${r ? 1 : 0}`;
}

/** Inputs that flip the branches of `run` not yet covered. `covered` holds branchKey()s taken by
 *  any run so far; `attempted` (updated here) the flips already tried. */
export function flipsOf(run: { input: InputCase; conditions: Condition[] }, covered: Set<string>, attempted: Set<string>, paramNames: string[], maxFlips = 12): SearchStep[] {
  const out: SearchStep[] = [];
  const mapped = tieToInputs(run.conditions, run.input);
  for (let i = 0; i < mapped.length && out.length < maxFlips; i++) {
    const m = mapped[i];
    if (!m) continue;
    const flip = branchKey(run.conditions[i], !run.conditions[i].r);
    if (covered.has(flip) || attempted.has(flip)) continue;
    attempted.add(flip);
    const target: Constraint = { ...m, want: !run.conditions[i].r };
    // Earlier branches keep their outcome; when that cannot be solved, the flip alone is tried.
    const prefix = mapped.slice(0, i).filter((x): x is Constraint => x !== undefined && sameVar(x.v, m.v));
    // A field the input lacks is added once as text and once as an object to read further.
    for (const variant of target.p.t === 'exists' ? [0, 1] : [0]) {
      const input = solve([...prefix, target], run.input, paramNames, variant) ?? solve([target], run.input, paramNames, variant);
      if (input) out.push({ site: flip, input });
    }
  }
  return out;
}

/** Ties each condition to the input it tests, or undefined when it tests something else. */
export function tieToInputs(conds: Condition[], input: InputCase): Array<Constraint | undefined> {
  const leaves = new Map<string, string>();
  collectLeaves(input.args, '', leaves);
  const numbers = numericLeaves(input.args);
  return conds.map((c, i): Constraint | undefined => {
    const site = branchKey(c);
    const missBefore = (): string | undefined => {
      for (let k = i - 1; k >= Math.max(0, i - 3); k--) if (conds[k].op === 'miss' && conds[k].line === c.line) return conds[k].path;
      return undefined;
    };
    switch (c.op) {
      case 'miss':
        return c.path ? { site, v: { kind: 'path', paths: [c.path] }, p: { t: 'exists' }, want: c.r } : undefined;
      case 'json':
        return c.path ? { site, v: { kind: 'path', paths: [c.path] }, p: { t: 'json' }, want: c.r } : undefined;
      case 'in': {
        const v = c.a && varOf(c.a, input, leaves, numbers, missBefore());
        return v && c.list ? { site, v, p: { t: 'in', list: c.list }, want: c.r } : undefined;
      }
      case 'test': {
        const v = c.a && varOf(c.a, input, leaves, numbers, missBefore());
        return v && c.re !== undefined ? { site, v, p: { t: 're', src: c.re, fl: c.fl ?? '' }, want: c.r } : undefined;
      }
      case 'startsWith': case 'endsWith': case 'includes': case 'indexOf': {
        const v = c.a && varOf(c.a, input, leaves, numbers, missBefore());
        if (!v || typeof c.b?.v !== 'string') return undefined;
        return { site, v, p: { t: 'str', m: c.op === 'indexOf' ? 'includes' : c.op, lit: c.b.v }, want: c.r };
      }
    }
    if (!c.a || !c.b) return undefined;
    let left = varOf(c.a, input, leaves, numbers, missBefore());
    let right = varOf(c.b, input, leaves, numbers, missBefore());
    // An operand whose shape names its source (a date getter, a length, the environment) wins over
    // a number that merely equals one the input carries.
    if (left && right) {
      if (c.a.h && !c.b.h) right = undefined;
      else if (c.b.h && !c.a.h) left = undefined;
      else if (left.kind === 'path' && left.numeric && !(right.kind === 'path' && right.numeric)) left = undefined;
      else if (right.kind === 'path' && right.numeric && !(left.kind === 'path' && left.numeric)) right = undefined;
      else return undefined;
    }
    const [v, lit, op, operand] = left ? [left, c.b.v, c.op, c.a] : right ? [right, c.a.v, flipOp(c.op), c.b] : [undefined, null, c.op, c.a];
    if (!v) return undefined;
    const h = operand.h ?? '';
    if (h === 'len') return typeof lit === 'number' ? { site, v, p: { t: 'len', op, n: lit }, want: c.r } : undefined;
    if (h.startsWith('date:')) return typeof lit === 'number' ? { site, v, p: { t: 'date', getter: h.slice(5), op, n: lit }, want: c.r } : undefined;
    if (v.kind === 'clock') return typeof lit === 'number' ? { site, v, p: { t: 'epoch', op, n: lit }, want: c.r } : undefined;
    return { site, v, p: { t: 'cmp', op, lit }, want: c.r };
  });
}

/** The input an operand comes from. */
function varOf(o: ConditionOperand, input: InputCase, leaves: Map<string, string>, numbers: Map<number, string[]>, missed?: string): Var | undefined {
  const h = o.h ?? '';
  if (h.startsWith('env:')) return { kind: 'env', key: h.slice(4) };
  if (h.startsWith('date:')) return typeof o.x === 'number' && o.x === input.now ? { kind: 'clock' } : undefined;
  const value = h === 'len' ? o.x : o.v;
  if (h !== 'len' && typeof value === 'number' && value === input.now) return { kind: 'clock' };
  if (value === '[undefined]') return missed ? { kind: 'path', paths: [missed] } : undefined;
  if (typeof value === 'string') return stringVar(value, leaves);
  if (typeof value === 'number' && h !== 'len') {
    const paths = numbers.get(value);
    return paths ? { kind: 'path', paths, numeric: true } : undefined;
  }
  return undefined;
}

/** A compared string is an input leaf, or a piece cut out of one ("Bearer x" → "x"). */
function stringVar(s: string, leaves: Map<string, string>): Var | undefined {
  const exact = leaves.get(s);
  if (exact !== undefined) return { kind: 'path', paths: [exact] };
  if (s.length >= 6 && /orbit/.test(s)) {
    for (const [leaf, path] of leaves) if (leaf.includes(s)) return { kind: 'path', paths: [path], leaf, piece: s };
  }
  return undefined;
}

/** Numbers the input carries (numbers, and strings that are numbers), by value. */
function numericLeaves(args: JsonValue[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const walk = (v: JsonValue, path: string): void => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : undefined;
    if (n !== undefined) out.set(n, [...(out.get(n) ?? []), path]);
    if (v && typeof v === 'object') {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}.${i}`));
      else for (const k of Object.keys(v)) if (k !== '$orbit') walk(v[k], `${path}.${k}`);
    }
  };
  args.forEach((a, i) => walk(a, String(i)));
  return out;
}

function sameVar(a: Var, b: Var): boolean {
  return varKey(a) === varKey(b);
}

export function varKey(v: Var): string {
  return v.kind === 'path' ? `path:${v.paths[0]}` : v.kind === 'env' ? `env:${v.key}` : 'clock';
}

function flipOp(op: string): string {
  return ({ '<': '>', '>': '<', '<=': '>=', '>=': '<=' } as Record<string, string>)[op] ?? op;
}

/** An input that satisfies every constraint, built from `base`; undefined when none is found. */
export function solve(constraints: Constraint[], base: InputCase, paramNames: string[], variant = 0): InputCase | undefined {
  const groups = new Map<string, Constraint[]>();
  for (const c of constraints) groups.set(varKey(c.v), [...(groups.get(varKey(c.v)) ?? []), c]);
  let args = base.args;
  let env = base.env;
  let now = base.now;
  const said: string[] = [];
  let kind: Trigger['kind'] = 'literal';
  let target = '';
  let value: JsonValue = null;
  for (const cs of groups.values()) {
    const v = cs[0].v;
    const preds = cs.map((c) => ({ p: c.p, want: c.want }));
    if (v.kind === 'clock') {
      const t = solveClock(preds, base.now);
      if (t === undefined) return undefined;
      now = t;
      kind = 'date';
      target = 'clock';
      value = new Date(t).toISOString();
      said.push(...cs.filter((c) => c.want || c.p.t === 'date').map((c) => describePred('the clock', c)));
      continue;
    }
    if (v.kind === 'env') {
      const current = env?.[v.key];
      const s = solveString(preds, current);
      if (s === undefined) return undefined;
      if (s === KEEP) continue;
      env = { ...(env ?? {}), [v.key]: s };
      if (kind !== 'date') kind = 'env';
      target ||= `env.${v.key}`;
      value = s;
      said.push(...cs.map((c) => describePred(`process.env.${v.key}`, c)));
      continue;
    }
    // A request field the input lacks: add it, as text or as an object to read further.
    const exists = cs.find((c) => c.p.t === 'exists' || c.p.t === 'json');
    const path = v.paths[0];
    const expr = exprOfPath(path, paramNames);
    if (exists && cs.length === 1) {
      if (!exists.want) return undefined;
      const fresh: JsonValue = exists.p.t === 'json' ? '{}' : variant ? {} : `orbit-${lastSegment(path)}-7`;
      args = setInputPath(args, path, fresh);
      target ||= path;
      continue;
    }
    const current = getInputPath(args, path);
    let solved: JsonValue | undefined;
    if (v.numeric) {
      const n = solveNumber(preds, typeof current === 'number' ? current : Number(current));
      if (n === undefined) return undefined;
      solved = n;
      for (const p of v.paths) {
        const was = getInputPath(args, p);
        args = setInputPath(args, p, typeof was === 'string' ? String(n) : n);
      }
    } else {
      const s = solveString(preds, v.piece ?? (typeof current === 'string' ? current : undefined));
      if (s === undefined) return undefined;
      if (s === KEEP) continue;
      solved = s;
      args = setInputPath(args, path, v.leaf !== undefined && v.piece !== undefined ? v.leaf.split(v.piece).join(s) : s);
    }
    if (kind === 'literal' && !target) {
      target = path;
      value = solved;
    }
    said.push(...cs.filter((c) => c.p.t !== 'exists').map((c) => describePred(expr, c)));
  }
  if (!target) return undefined;
  const description = [...new Set(said)].join(' and ');
  const { literals, pinned, listed } = pins(constraints);
  const trigger: Trigger = { kind, target, expr: target === 'clock' ? 'the clock' : exprOfPath(target.replace(/^env\./, ''), paramNames), op: listed > 1 ? 'oneOf' : 'search', value, description, siblings: Math.max(1, listed), dynamic: true, literals, pinned };
  return { id: 'search', role: 'probe', args, env, now, trigger };
}

/** The literals the wanted conditions pin, whether any pins the value (rather than bounding it),
 *  and the size of the list a membership test chose from. */
function pins(constraints: Constraint[]): { literals: JsonValue[]; pinned: boolean; listed: number } {
  const literals: JsonValue[] = [];
  let pinned = false;
  let listed = 0;
  for (const c of constraints) {
    if (!c.want || c.v.kind === 'clock') continue;
    const p = c.p;
    if (p.t === 'cmp' && /^(===|==)$/.test(p.op)) {
      literals.push(p.lit);
      pinned = true;
    } else if (p.t === 'str' && p.lit.length >= 2) {
      literals.push(p.lit);
      pinned = true;
    } else if (p.t === 'in') {
      literals.push(...p.list.slice(0, 3));
      listed = Math.max(listed, p.list.length);
      pinned = true;
    } else if (p.t === 're') {
      // The text a pattern spells out, outside classes and escapes: /^Bearer\s+zq[0-9]{6}$/ → "Bearerzq".
      const text = p.src.replace(/\[(?:\\.|[^\]])*\]|\\.|\{[\d,]*\}|[()^$|*+?.]/g, '');
      if (/[a-z0-9].*[a-z0-9]/i.test(text)) pinned = true;
    }
  }
  return { literals, pinned, listed };
}

/** Readable: `req.body.code.length === 11`, `req.body.code starts with "ZZ"`, `the month is March`. */
function describePred(expr: string, c: Constraint): string {
  const p = c.p;
  const not = c.want ? '' : 'not ';
  switch (p.t) {
    case 'cmp': return `${expr} ${c.want ? p.op : negate(p.op)} ${JSON.stringify(p.lit)}`;
    case 'len': return `${expr}.length ${c.want ? p.op : negate(p.op)} ${p.n}`;
    case 'str': return `${expr} ${not}${p.m === 'startsWith' ? 'starts with' : p.m === 'endsWith' ? 'ends with' : 'contains'} ${JSON.stringify(p.lit)}`;
    case 're': return `${expr} ${c.want ? 'matches' : 'does not match'} /${p.src}/`;
    case 'in': return `${expr} is ${not}one of ${JSON.stringify(p.list.slice(0, 3))}${p.list.length > 3 ? '…' : ''}`;
    case 'date': return `${dateWords(p.getter)} ${c.want ? p.op : negate(p.op)} ${p.getter === 'getMonth' ? `${p.n} (${MONTHS[p.n] ?? '?'})` : p.getter === 'getDay' ? `${p.n} (${DAYS[p.n] ?? '?'})` : p.n}`;
    case 'epoch': return `the date is ${c.want === /^>/.test(p.op) ? 'after' : 'before'} ${Number.isFinite(p.n) ? new Date(p.n).toISOString().slice(0, 10) : p.n}`;
    default: return `${expr} is present`;
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function dateWords(getter: string): string {
  return ({ getFullYear: 'the year', getMonth: 'the month (0-based)', getDate: 'the day of the month', getDay: 'the weekday', getHours: 'the hour', getMinutes: 'the minute', getTime: 'the time' } as Record<string, string>)[getter] ?? getter;
}

function negate(op: string): string {
  return ({ '===': '!==', '!==': '===', '==': '!=', '!=': '==', '<': '>=', '>=': '<', '>': '<=', '<=': '>' } as Record<string, string>)[op] ?? `not ${op}`;
}

function lastSegment(path: string): string {
  const seg = path.split(/[.#]/).pop() ?? 'field';
  return seg.toLowerCase().replace(/[^a-z]/g, '') || 'field';
}

export function exprOfPath(path: string, names: string[]): string {
  const [i, ...rest] = path.split('.');
  const head = names[Number(i)] ?? (/^\d+$/.test(i) ? `arg${i}` : i);
  return [head, ...rest].join('.').replace(/#json/g, ' (as JSON)');
}

/** Reads a path, following "#json" into JSON text. */
function getInputPath(args: JsonValue[], path: string): JsonValue | undefined {
  const [outer, inner] = splitJson(path);
  let cur: JsonValue | undefined = args;
  for (const k of outer.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, JsonValue>)[k] : undefined;
  if (inner === undefined) return cur;
  try {
    return getInputPath([JSON.parse(String(cur)) as JsonValue], `0.${inner}`);
  } catch {
    return undefined;
  }
}

/** Sets a path, writing JSON text back where the path goes through "#json". */
function setInputPath(args: JsonValue[], path: string, value: JsonValue): JsonValue[] {
  const [outer, inner] = splitJson(path);
  if (inner === undefined) return setPath(args, outer, value) as JsonValue[];
  let parsed: JsonValue = {};
  try {
    const cur = getInputPath(args, outer);
    parsed = JSON.parse(String(cur)) as JsonValue;
  } catch {
    parsed = {};
  }
  if (parsed === null || typeof parsed !== 'object') parsed = {};
  return setPath(args, outer, JSON.stringify(setInputPath([parsed], `0.${inner}`, value)[0])) as JsonValue[];
}

function splitJson(path: string): [string, string | undefined] {
  const i = path.indexOf('#json');
  if (i < 0) return [path, undefined];
  return [path.slice(0, i), path.slice(i + 6) || undefined];
}
