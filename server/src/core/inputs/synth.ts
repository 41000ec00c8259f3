// Input synthesis: ordinary inputs built from parameter names, types, defaults and the paths a
// unit reads, then probes that each change one thing to a harvested literal, date or environment
// value. Deterministic: the same unit always gets the same cases.
import type { JsonValue } from '../trace/schema';
import type { FunctionUnit, UnitParam } from '../source/units';
import type { Candidate, Harvest } from './harvest';

export interface Trigger {
  kind: 'literal' | 'date' | 'env';
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
  trigger?: Trigger;
}

export interface SynthOptions {
  seed?: number;
  maxProbes?: number;
  /** Environment variables the sandbox already defines (probes are made for the others). */
  knownEnv?: string[];
}

/** Ordinary instants: a Tuesday morning in March and a Wednesday afternoon in September. */
export const ORDINARY_TIMES = [Date.UTC(2026, 2, 17, 10, 30), Date.UTC(2026, 8, 9, 14, 10)];
const DAY = 86_400_000;

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
    const key = JSON.stringify([c.args, c.env, c.now]);
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
  for (const c of cands) if (c.target !== 'clock' && !c.target.startsWith('env.') && !firsts.has(c.target) && /^(===|==|case)$/.test(c.op)) firsts.set(c.target, c);
  if (firsts.size >= 2) {
    let args = base.args;
    for (const c of firsts.values()) args = setPath(args, c.target, c.value) as JsonValue[];
    const all = [...firsts.values()];
    push({ args, now: base.now, trigger: { kind: 'literal', target: all[0].target, expr: all[0].expr, op: '===', value: all[0].value,
      description: all.map((c) => describe(c, c.value)).join(' and '), siblings: Math.max(...all.map((c) => c.siblings)) } });
  }
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

function buildArgs(unit: FunctionUnit, h: Harvest, n: number, style: 'plain' | 'boundary'): JsonValue[] {
  const names = unit.params.map((p) => p.name.toLowerCase());
  const has = (re: RegExp): boolean => names.some((x) => re.test(x));
  const fastify = has(/^reply$/);
  const koa = has(/^ctx$|^context$/);
  return unit.params.map((p, i) => {
    const nm = p.name.toLowerCase();
    const ty = (p.type ?? p.jsdocType ?? '').toLowerCase();
    const sub = h.paths.filter((x) => x.startsWith(`${i}.`)).map((x) => x.slice(String(i).length + 1));
    if (/^(req|request)$/.test(nm) || /request/.test(ty)) return reqObject(fastify ? 'fastify.request' : 'express.req', sub, n, style);
    if (/^(res|response)$/.test(nm) || /^response\b|express\.response/.test(ty)) return { $orbit: 'express.res' };
    if (nm === 'reply' || /reply/.test(ty)) return { $orbit: 'fastify.reply' };
    if ((nm === 'ctx' || nm === 'context' || /context/.test(ty)) && (koa || sub.length)) return koaObject(sub, n, style);
    if (nm === 'next' || /nextfunction|^next$/.test(ty)) return { $orbit: 'next' };
    if (/^(cb|callback|done)$/.test(nm) || /=>|function/.test(ty)) return { $orbit: 'callback' };
    return paramValue(p, sub, n, style, h.arrays.includes(String(i)));
  });
}

function reqObject(tag: string, sub: string[], n: number, style: 'plain' | 'boundary'): JsonValue {
  const req: Record<string, JsonValue> = { $orbit: tag, body: {}, query: {}, params: {}, headers: { 'user-agent': 'orbit-agent', host: 'app.example.com' }, cookies: {} };
  let out: JsonValue = req;
  for (const path of sub) out = setPath(out, path, leafValue(path, n, style), true);
  return out;
}

function koaObject(sub: string[], n: number, style: 'plain' | 'boundary'): JsonValue {
  let request: JsonValue = reqObject('express.req', [], n, style);
  let ctx: JsonValue = { $orbit: 'koa.ctx', params: {}, state: {} };
  for (const path of sub) {
    const m = /^(request\.)?(query|body|headers|header|cookies)\.(.+)$/.exec(path);
    if (m) request = setPath(request, `${m[2] === 'header' ? 'headers' : m[2]}.${m[3]}`, leafValue(path, n, style), true);
    else ctx = setPath(ctx, path, leafValue(path, n, style), true);
  }
  return { ...(ctx as Record<string, JsonValue>), request };
}

/** Items for arrays of unknown type: objects with the fields lists usually have. */
function arrayItems(n: number): JsonValue[] {
  return [1, 2].map((k) => ({ id: 40 + n + k, name: `orbit-item-${n}${k}`, amount: n + k, value: `orbit-value-${n}${k}`, due: k, key: `orbit-key-${n}${k}` }));
}

function paramValue(p: UnitParam, sub: string[], n: number, style: 'plain' | 'boundary', isArray: boolean): JsonValue {
  const ty = (p.type ?? p.jsdocType ?? '').trim();
  if (isArray || /^(rows|items|list|entries|records|jobs|invoices|keys|values)$/i.test(p.name)) return style === 'boundary' ? [] : arrayItems(n);
  if (p.properties) {
    let o: JsonValue = {};
    for (const k of p.properties) o = setPath(o, k, leafValue(k, n, style), true);
    for (const path of sub) o = setPath(o, path, leafValue(path, n, style), true);
    return o;
  }
  if (sub.length) {
    let o: JsonValue = {};
    for (const path of sub) o = setPath(o, path, leafValue(path, n, style), true);
    return o;
  }
  const def = p.defaultText === undefined ? undefined : literalText(p.defaultText);
  if (def !== undefined && style === 'plain' && n < 10) return def;
  if (/^(number|bigint)$/i.test(ty)) return style === 'boundary' ? 0 : n + 4;
  if (/^boolean$/i.test(ty)) return style === 'boundary';
  if (/^date$/i.test(ty)) return { $orbit: 'date', iso: new Date(ORDINARY_TIMES[0] - 30 * DAY).toISOString() };
  if (/\[\]$|^array</i.test(ty)) return style === 'boundary' ? [] : [leafValue(p.name, n, style)];
  const union = /^(['"][^'"]*['"]\s*\|\s*)+['"][^'"]*['"]$/.test(ty) ? /['"]([^'"]*)['"]/.exec(ty)?.[1] : undefined;
  if (union !== undefined) return union;
  return leafValue(p.name, n, style);
}

/** A value for a leaf named like the last part of `path`; strings carry "orbit" so they can be
 *  recognised when the code compares them at run time. */
function leafValue(path: string, n: number, style: 'plain' | 'boundary'): JsonValue {
  const parts = path.split('.');
  const name = parts[parts.length - 1].toLowerCase();
  const stringy = /^(query|params|headers|cookies)$/.test(parts[0]);
  const num = (v: number): JsonValue => (stringy ? String(v) : v);
  if (style === 'boundary') {
    if (/(^id$|id$|_id$|count|limit|size|age|amount|qty|quantity|page|offset|price|total|^n$|num)/.test(name)) return num(0);
    if (/^(is|has)[a-z]|enabled|active|flag/.test(name)) return false;
    return '';
  }
  if (/^(id|.*_id|.*id)$/.test(name) && !/(uuid|guid)/.test(name)) return num(40 + n);
  if (/email|mail/.test(name)) return `orbit.user${n}@example.com`;
  if (/pass|pwd/.test(name)) return `orbit-pass-${n}`;
  if (/^authorization$/.test(name)) return `Bearer orbit-token-${n}`;
  if (/token|key|secret|auth|signature|otp|code|pin/.test(name)) return `orbit-token-${n}`;
  if (/user|login|name|account|owner/.test(name)) return `orbit-user-${n}`;
  if (/url|uri|link|href|callback|redirect|webhook|endpoint/.test(name)) return `https://example.com/orbit-page-${n}`;
  if (/path|file|dir|folder|name$/.test(name)) return `docs/orbit-file-${n}.txt`;
  if (/host|domain/.test(name)) return `orbit-host-${n}.example.com`;
  if (/^ip$|address/.test(name)) return `203.0.113.${n}`;
  if (/count|limit|size|age|amount|qty|quantity|page|offset|price|total|^n$|num|len|max|min|port/.test(name)) return num(n + 4);
  if (/^(is|has)[a-z]|enabled|active|flag|verbose/.test(name)) return false;
  if (/date|time|since|until|^at$|expires/.test(name)) return new Date(ORDINARY_TIMES[0] - n * DAY).toISOString();
  if (/^(items|list|ids|tags|users|rows|entries)$/.test(name)) return [`orbit-${name}-${n}`];
  return `orbit-${name}-${n}`;
}

function literalText(t: string): JsonValue | undefined {
  const s = t.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  if (/^(['"])(.*)\1$/.test(s)) return s.slice(1, -1);
  if (s === 'true' || s === 'false') return s === 'true';
  return undefined;
}

const METHOD_NAMES = new Set(['length', 'trim', 'toLowerCase', 'toUpperCase', 'split', 'includes', 'startsWith', 'endsWith', 'indexOf', 'slice', 'substring', 'replace', 'match', 'map', 'filter', 'forEach', 'join', 'toString', 'some', 'every', 'find', 'push', 'get', 'header', 'json', 'send', 'status', 'test']);

/** Sets a dotted path in a JSON value (a copy); the first segment indexes arrays of arguments. */
export function setPath(root: JsonValue, path: string, value: JsonValue, skipMethods = false): JsonValue {
  const parts = path.split('.').filter((p) => p !== '');
  if (skipMethods) {
    const cut = parts.findIndex((p) => METHOD_NAMES.has(p));
    if (cut === 0) return root;
    if (cut > 0) parts.length = cut;
  }
  const clone = JSON.parse(JSON.stringify(root)) as JsonValue;
  let cur: JsonValue = clone;
  for (let i = 0; i < parts.length; i++) {
    const key = parts[i];
    const last = i === parts.length - 1;
    if (cur === null || typeof cur !== 'object') return clone;
    const obj = cur as Record<string, JsonValue>;
    if (last) {
      if (!(skipMethods && obj[key] !== undefined && typeof obj[key] === 'object')) obj[key] = value;
    } else {
      if (obj[key] === undefined || obj[key] === null || typeof obj[key] !== 'object') obj[key] = {};
      cur = obj[key];
    }
  }
  return clone;
}

function collectLeaves(v: JsonValue, path: string, out: Map<string, string>): void {
  if (typeof v === 'string') {
    if (!out.has(v)) out.set(v, path.replace(/^\./, ''));
    return;
  }
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) v.forEach((x, i) => collectLeaves(x, `${path}.${i}`, out));
  else for (const k of Object.keys(v)) if (k !== '$orbit') collectLeaves(v[k], `${path}.${k}`, out);
}

function exprOfPath(path: string, names: string[]): string {
  const [i, ...rest] = path.split('.');
  return [names[Number(i)] ?? `arg${i}`, ...rest].join('.');
}

function seedOf(hash: string): number {
  return parseInt(hash.slice(-6), 16) || 1;
}
