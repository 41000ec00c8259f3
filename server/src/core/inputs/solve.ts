// A small solver for the trigger search, over the three kinds of value triggers hide behind:
// strings (equality, length, prefix, suffix, substring, list membership, a pattern), numbers
// (equality and bounds) and instants (date getters and epoch comparisons, all at once). Each
// solver proposes a few candidates built from the constraints and keeps the first that satisfies
// all of them; a pattern is satisfied by construction and checked by the next sandbox run.
// Pure and deterministic.
import type { JsonValue } from '../trace/schema';

export type Pred =
  | { t: 'cmp'; op: string; lit: JsonValue }
  | { t: 'len'; op: string; n: number }
  | { t: 'str'; m: string; lit: string }
  | { t: 're'; src: string; fl: string }
  | { t: 'in'; list: JsonValue[] }
  | { t: 'date'; getter: string; op: string; n: number }
  | { t: 'epoch'; op: string; n: number }
  | { t: 'exists' }
  | { t: 'json' };

/** solveString's answer when the value may stay unset (an environment variable nobody sets). */
export const KEEP = '\u0000keep';

export interface Want {
  p: Pred;
  want: boolean;
}

/** A string satisfying every constraint, starting from the current value (undefined: unset). */
export function solveString(preds: Want[], current: string | undefined): string | undefined {
  const ok = (s: string | undefined): boolean => preds.every((w) => holdsString(w.p, s) === w.want || holdsString(w.p, s) === undefined);
  const candidates: Array<string | undefined> = [];
  for (const w of preds) {
    const p = w.p;
    if (p.t === 'cmp' && (w.want ? /^(===|==)$/.test(p.op) : /^(!==|!=)$/.test(p.op)) && p.lit !== null && typeof p.lit !== 'object') candidates.push(String(p.lit));
    if (p.t === 'in' && w.want) for (const x of p.list) if (typeof x === 'string' || typeof x === 'number') candidates.push(String(x));
  }
  const want = (t: string, m?: string): string[] => preds.filter((w) => w.want && w.p.t === t && (m === undefined || (w.p as { m?: string }).m === m)).map((w) => (w.p as { lit: string }).lit);
  const pre = longest(want('str', 'startsWith'));
  const post = longest(want('str', 'endsWith'));
  const mids = want('str', 'includes').filter((x) => !pre.includes(x) && !post.includes(x));
  const length = targetLength(preds);
  const patterns = preds.filter((w) => w.want && w.p.t === 're').map((w) => w.p as { src: string; fl: string });
  const examples = patterns.length ? [0, 1, 2, 3].map((fill) => patterns.map((r) => exampleOf(r.src, fill, length)).find((x) => x !== undefined)).filter((x): x is string => x !== undefined) : [];
  for (const ex of examples) {
    candidates.push(ex);
    if (mids.length && !mids.every((m) => ex.includes(m))) candidates.push(`${ex}${mids.join('')}`);
  }
  const body = `${pre}${mids.join('')}`;
  if (pre || post || mids.length || length !== undefined) {
    const fill = length !== undefined ? Math.max(0, length - body.length - post.length) : pre || post || mids.length ? 1 : 0;
    candidates.push(`${body}${'x'.repeat(fill)}${post}`);
    if (length !== undefined && length < body.length + post.length) {
      // Prefix and suffix may overlap: "ZZ…!q" of length 3 cannot, but "abc…cde" can.
      for (let k = 1; k <= Math.min(body.length, post.length); k++) if (body.endsWith(post.slice(0, k))) candidates.push(`${body}${post.slice(k)}`);
    }
  }
  candidates.push(current, current === undefined ? 'orbit-value-9' : `${current}-z`, '');
  for (const c of candidates) if (ok(c)) return c ?? KEEP;
  return undefined;
}

/** Whether a predicate holds of a string value; undefined when it cannot be told safely here. */
function holdsString(p: Pred, s: string | undefined): boolean | undefined {
  switch (p.t) {
    case 'cmp': return s === undefined ? compare(p.op, undefined, p.lit) : compare(p.op, typeof p.lit === 'number' && /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s, p.lit);
    case 'len': return s === undefined ? false : compare(p.op, s.length, p.n);
    case 'str': return s === undefined ? false : p.m === 'startsWith' ? s.startsWith(p.lit) : p.m === 'endsWith' ? s.endsWith(p.lit) : s.includes(p.lit);
    case 'in': return s !== undefined && p.list.some((x) => x === s || (typeof x === 'number' && String(x) === s));
    case 're': return safePattern(p.src) && s !== undefined && s.length <= 64 ? testPattern(p.src, p.fl, s) : undefined;
    default: return undefined;
  }
}

/** A number satisfying every constraint, starting from the current value. */
export function solveNumber(preds: Want[], current: number): number | undefined {
  const holds = (n: number): boolean => preds.every((w) => {
    const p = w.p;
    if (p.t === 'cmp') return compare(p.op, n, p.lit) === w.want;
    if (p.t === 'in') return p.list.includes(n) === w.want;
    return true;
  });
  const candidates: number[] = [current];
  for (const w of preds) {
    const p = w.p;
    if (p.t === 'cmp' && typeof p.lit === 'number') candidates.push(p.lit, p.lit + 1, p.lit - 1, p.lit * 2 + 1, -p.lit - 1);
    if (p.t === 'in' && w.want) for (const x of p.list) if (typeof x === 'number') candidates.push(x);
  }
  candidates.push(0, 1, -1, 1e9);
  return candidates.find((n) => Number.isFinite(n) && holds(n));
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** An instant satisfying every date constraint, as close to `base` as the search finds. Days
 *  from 2020 to 2040 are scanned at the hours the constraints name, so a year, a month, a day
 *  and an hour can all be required at once. */
export function solveClock(preds: Want[], base: number): number | undefined {
  const holds = (t: number): boolean => preds.every((w) => {
    const p = w.p;
    if (p.t === 'date') return compare(p.op, getter(p.getter, t), p.n) === w.want;
    if (p.t === 'epoch') return compare(p.op, t, p.n) === w.want;
    return true;
  });
  if (holds(base)) return base;
  const candidates: number[] = [];
  for (const w of preds) if (w.p.t === 'epoch') candidates.push(w.p.n + DAY, w.p.n - DAY, w.p.n + 1, w.p.n - 1);
  const found = candidates.filter(holds).sort((a, b) => Math.abs(a - base) - Math.abs(b - base))[0];
  if (found !== undefined) return found;
  const hours = new Set([new Date(base).getUTCHours()]);
  const minutes = new Set([new Date(base).getUTCMinutes()]);
  for (const w of preds) {
    if (w.p.t !== 'date') continue;
    if (w.p.getter === 'getHours') for (const d of [-1, 0, 1]) if (w.p.n + d >= 0 && w.p.n + d < 24) hours.add(w.p.n + d);
    if (w.p.getter === 'getMinutes') for (const d of [-1, 0, 1]) if (w.p.n + d >= 0 && w.p.n + d < 60) minutes.add(w.p.n + d);
  }
  const start = Date.UTC(2020, 0, 1);
  const end = Date.UTC(2041, 0, 1);
  let best: number | undefined;
  for (let day = start; day < end; day += DAY) {
    for (const h of hours) {
      for (const m of minutes) {
        const t = day + h * HOUR + m * 60_000;
        if (holds(t) && (best === undefined || Math.abs(t - base) < Math.abs(best - base))) best = t;
      }
    }
  }
  return best;
}

function getter(name: string, t: number): number {
  const d = new Date(t);
  switch (name) {
    case 'getFullYear': return d.getUTCFullYear();
    case 'getMonth': return d.getUTCMonth();
    case 'getDate': return d.getUTCDate();
    case 'getDay': return d.getUTCDay();
    case 'getHours': return d.getUTCHours();
    case 'getMinutes': return d.getUTCMinutes();
    default: return t;
  }
}

function compare(op: string, a: unknown, b: unknown): boolean {
  /* eslint-disable eqeqeq */
  switch (op) {
    case '===': return a === b;
    case '!==': return a !== b;
    case '==': return a == b;
    case '!=': return a != b;
    case '<': return (a as number) < (b as number);
    case '>': return (a as number) > (b as number);
    case '<=': return (a as number) <= (b as number);
    case '>=': return (a as number) >= (b as number);
  }
  return false;
}

function longest(xs: string[]): string {
  return xs.reduce((a, b) => (b.length > a.length ? b : a), '');
}

/** The length the constraints ask for, if they ask for one. */
function targetLength(preds: Want[]): number | undefined {
  for (const w of preds) {
    if (w.p.t !== 'len') continue;
    const { op, n } = w.p;
    const eq = w.want ? /^(===|==)$/.test(op) : /^(!==|!=)$/.test(op);
    if (eq) return n;
    const gt = w.want ? /^>/.test(op) : /^</.test(op);
    const strict = w.want ? !op.includes('=') : op.includes('=');
    if (gt) return strict ? n + 1 : n;
    if (w.want ? /^</.test(op) : /^>/.test(op)) return Math.max(0, strict ? n - 1 : n);
  }
  return undefined;
}

/** Patterns the host may run on a short candidate: no nested quantifiers, no back-references. */
function safePattern(src: string): boolean {
  return src.length <= 120 && !/\)[*+{]/.test(src) && !/\\[1-9]/.test(src);
}

function testPattern(src: string, flags: string, s: string): boolean | undefined {
  try {
    return new RegExp(src, flags.replace(/[gy]/g, '')).test(s);
  } catch {
    return undefined;
  }
}

/** An example string a pattern accepts. `fill` picks among the characters a class allows, so a
 *  few different examples can be tried; `length` stretches the last repeatable part. */
export function exampleOf(src: string, fill = 0, length?: number): string | undefined {
  const parser = { src, i: 0 };
  const parts = parseAlternatives(parser, fill);
  if (parts === undefined || parser.i < src.length) return undefined;
  let text = parts.map((p) => p.text).join('');
  if (length !== undefined && text.length < length) {
    const k = parts.map((p) => p.stretch !== undefined).lastIndexOf(true);
    if (k >= 0) {
      parts[k] = { text: parts[k].text + (parts[k].stretch ?? '').repeat(length - text.length) };
      text = parts.map((p) => p.text).join('');
    }
  }
  return text.length <= 200 ? text : undefined;
}

interface Part {
  text: string;
  /** A character the part may repeat (it came from + * or {n,}). */
  stretch?: string;
}

function parseAlternatives(p: { src: string; i: number }, fill: number): Part[] | undefined {
  const first = parseSequence(p, fill);
  if (first === undefined) return undefined;
  // Other alternatives are skipped: the first one is an example.
  while (p.src[p.i] === '|') {
    p.i++;
    if (parseSequence(p, fill) === undefined) return undefined;
  }
  return first;
}

function parseSequence(p: { src: string; i: number }, fill: number): Part[] | undefined {
  const out: Part[] = [];
  while (p.i < p.src.length && p.src[p.i] !== '|' && p.src[p.i] !== ')') {
    const atom = parseAtom(p, fill);
    if (atom === undefined) return undefined;
    const q = parseQuantifier(p);
    if (q === undefined) return undefined;
    const one = atom.text;
    out.push({ text: one.repeat(q.min), stretch: q.more && one.length === 1 ? one : undefined });
  }
  return out;
}

function parseQuantifier(p: { src: string; i: number }): { min: number; more: boolean } | undefined {
  const c = p.src[p.i];
  let q = { min: 1, more: false };
  if (c === '*') q = { min: 0, more: true };
  else if (c === '+') q = { min: 1, more: true };
  else if (c === '?') q = { min: 0, more: false };
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.src.slice(p.i));
    if (!m) return q;
    p.i += m[0].length;
    if (p.src[p.i] === '?') p.i++;
    return { min: Number(m[1]), more: m[2] !== undefined };
  } else return q;
  p.i++;
  if (p.src[p.i] === '?') p.i++;
  return q;
}

const CLASS_FILLS: Record<string, string[]> = { d: ['7', '0', '1', '9'], w: ['a', '7', 'z', '_'], s: [' ', ' ', ' ', ' '] };

function parseAtom(p: { src: string; i: number }, fill: number): { text: string } | undefined {
  const c = p.src[p.i];
  switch (c) {
    case '^': case '$':
      p.i++;
      return { text: '' };
    case '.':
      p.i++;
      return { text: ['a', '7', 'z', 'x'][fill % 4] };
    case '(': {
      p.i++;
      let look = false;
      if (p.src.startsWith('?:', p.i)) p.i += 2;
      else if (/^\?[=!]|^\?<[=!]/.test(p.src.slice(p.i))) {
        look = true;
        p.i += p.src[p.i + 1] === '<' ? 3 : 2;
      } else if (p.src.startsWith('?<', p.i)) {
        const close = p.src.indexOf('>', p.i);
        if (close < 0) return undefined;
        p.i = close + 1;
      }
      const inner = parseAlternatives(p, fill);
      if (inner === undefined || p.src[p.i] !== ')') return undefined;
      p.i++;
      return { text: look ? '' : inner.map((x) => x.text).join('') };
    }
    case '[': {
      const close = classEnd(p.src, p.i);
      if (close < 0) return undefined;
      const body = p.src.slice(p.i + 1, close);
      p.i = close + 1;
      const ch = classExample(body, fill);
      return ch === undefined ? undefined : { text: ch };
    }
    case '\\': {
      const e = p.src[p.i + 1];
      p.i += 2;
      if (e === undefined) return undefined;
      if (CLASS_FILLS[e]) return { text: CLASS_FILLS[e][fill % 4] };
      if (/[DWS]/.test(e)) return { text: e === 'D' ? '-' : e === 'W' ? '-' : 'a' };
      if (e === 'b' || e === 'B') return { text: '' };
      if (e === 'x') {
        const hex = p.src.slice(p.i, p.i + 2);
        p.i += 2;
        return { text: String.fromCharCode(parseInt(hex, 16)) };
      }
      if (e === 'u') {
        const hex = p.src.slice(p.i, p.i + 4);
        p.i += 4;
        return { text: String.fromCharCode(parseInt(hex, 16)) };
      }
      return { text: ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[e] ?? e };
    }
    default:
      p.i++;
      return { text: c };
  }
}

function classEnd(src: string, open: number): number {
  for (let i = open + 1; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === ']' && i > open + 1) return i;
  }
  return -1;
}

/** A character a class body allows. */
function classExample(body: string, fill: number): string | undefined {
  const negated = body.startsWith('^');
  const chars: string[] = [];
  const inClass = (ch: string): boolean => {
    for (let i = negated ? 1 : 0; i < body.length; i++) {
      let a = body[i];
      if (a === '\\') {
        const e = body[++i];
        if (e === 'd' && /\d/.test(ch)) return true;
        if (e === 'w' && /\w/.test(ch)) return true;
        if (e === 's' && /\s/.test(ch)) return true;
        a = e;
      }
      if (body[i + 1] === '-' && i + 2 < body.length) {
        const b = body[i + 2] === '\\' ? body[i + 3] : body[i + 2];
        if (ch >= a && ch <= b) return true;
        i += body[i + 2] === '\\' ? 3 : 2;
        continue;
      }
      if (ch === a) return true;
    }
    return false;
  };
  for (const ch of 'a7zx0A9Z_-.:b1') if (inClass(ch) !== negated) chars.push(ch);
  if (!chars.length) {
    for (let code = 33; code < 127; code++) if (inClass(String.fromCharCode(code)) !== negated) chars.push(String.fromCharCode(code));
  }
  return chars.length ? chars[fill % chars.length] : undefined;
}
