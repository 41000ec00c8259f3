// Ordinary values for a unit's parameters: framework objects for handlers, and leaves named like
// the paths the unit reads (an email for `email`, a number for `count`), plus JSON path helpers.
import type { JsonValue } from '../trace/schema';
import type { FunctionUnit, UnitParam } from '../source/units';
import type { Harvest } from './harvest';

/** Ordinary instants: a Tuesday morning in March and a Wednesday afternoon in September. */
export const ORDINARY_TIMES = [Date.UTC(2026, 2, 17, 10, 30), Date.UTC(2026, 8, 9, 14, 10)];
export const DAY = 86_400_000;

export function buildArgs(unit: FunctionUnit, h: Harvest, n: number, style: 'plain' | 'boundary'): JsonValue[] {
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
    const called = (h.calls ?? []).filter((x) => x.startsWith(`${i}.`)).map((x) => x.slice(String(i).length + 1));
    return paramValue(p, sub.filter((x) => !called.some((c) => x === c || x.startsWith(`${c}.`))), n, style, h.arrays.includes(String(i)), called);
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

function paramValue(p: UnitParam, sub: string[], n: number, style: 'plain' | 'boundary', isArray: boolean, called: string[] = []): JsonValue {
  const ty = (p.type ?? p.jsdocType ?? '').trim();
  if (isArray || /^(rows|items|list|entries|records|jobs|invoices|keys|values)$/i.test(p.name)) return style === 'boundary' ? [] : arrayItems(n);
  if (p.properties) {
    let o: JsonValue = {};
    for (const k of p.properties) o = setPath(o, k, leafValue(k, n, style), true);
    for (const path of sub) o = setPath(o, path, leafValue(path, n, style), true);
    return o;
  }
  if (sub.length || called.length) {
    let o: JsonValue = {};
    for (const path of sub) o = setPath(o, path, leafValue(path, n, style), true);
    // Methods the unit calls on the parameter record the call and return nothing.
    for (const path of called) o = setPath(o, path, { $orbit: 'callback' });
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

export function collectLeaves(v: JsonValue, path: string, out: Map<string, string>): void {
  if (typeof v === 'string') {
    if (!out.has(v)) out.set(v, path.replace(/^\./, ''));
    return;
  }
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) v.forEach((x, i) => collectLeaves(x, `${path}.${i}`, out));
  else for (const k of Object.keys(v)) if (k !== '$orbit') collectLeaves(v[k], `${path}.${k}`, out);
}
