// Recognises regular expressions with exponential backtracking: a quantified group that contains an
// unbounded quantifier ((a+)+, (\w+\s?)*, (.*a){10}) or repeats identical alternatives ((a|a)*).
import { linearRegex } from '../../linear-regex';

/** Why the pattern backtracks catastrophically, or undefined when it does not. */
export function catastrophic(pattern: string): string | undefined {
  interface Group { start: number; unbounded: boolean; variable: boolean; alternatives: string[]; altStart: number }
  const stack: Group[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === '\\') { i += 2; continue; }
    if (ch === '[') { i = skipClass(pattern, i); continue; }
    if (ch === '(') {
      let body = i + 1;
      if (pattern[body] === '?') body = pattern[body + 1] === '<' && /[=!]/.test(pattern[body + 2]) ? body + 3 : pattern.indexOf(':', body) >= 0 && /^\?(:|=|!|<\w+>)/.test(pattern.slice(body)) ? pattern.indexOf(pattern[body + 1] === '<' ? '>' : pattern[body + 1], body) + 1 : body;
      stack.push({ start: i, unbounded: false, variable: false, alternatives: [], altStart: body });
      i = body;
      continue;
    }
    if (ch === '|' && stack.length > 0) {
      const g = stack[stack.length - 1];
      g.alternatives.push(pattern.slice(g.altStart, i));
      g.altStart = i + 1;
      i++;
      continue;
    }
    if (ch === ')' && stack.length > 0) {
      const g = stack.pop() as Group;
      g.alternatives.push(pattern.slice(g.altStart, i));
      const q = quantifierAt(pattern, i + 1);
      if (q && q.repeats) {
        if (g.unbounded && !separated(pattern.slice(g.altStart, i), g.alternatives.length)) return `the group ${pattern.slice(g.start, i + 1)} repeats a part that is itself repeated`;
        const alts = g.alternatives;
        if (alts.length > 1 && new Set(alts).size < alts.length) return `the group ${pattern.slice(g.start, i + 1)} repeats identical alternatives`;
        // ([a-z0-9]{2,4})+$: a run of n characters splits into chunks of 2 to 4 in exponentially many ways.
        if (q.unbounded && g.variable && !separated(pattern.slice(g.altStart, i), g.alternatives.length)) return `the group ${pattern.slice(g.start, i + 1)} repeats a part of variable length`;
      }
      const parent = stack[stack.length - 1];
      if (parent && (g.unbounded || (q && q.unbounded))) parent.unbounded = true;
      i = q ? q.end : i + 1;
      continue;
    }
    const q = quantifierAt(pattern, i);
    if (q) {
      if (q.unbounded && stack.length > 0) stack[stack.length - 1].unbounded = true;
      if (q.variable && stack.length > 0) stack[stack.length - 1].variable = true;
      i = q.end;
      continue;
    }
    i++;
  }
  return undefined;
}

interface Quantifier { unbounded: boolean; repeats: boolean; variable: boolean; end: number }

function quantifierAt(p: string, i: number): Quantifier | undefined {
  const ch = p[i];
  let end = i + 1;
  let unbounded = false;
  let repeats = false;
  let variable = false;
  if (ch === '+' || ch === '*') { unbounded = true; repeats = true; }
  else if (ch === '?') { repeats = false; }
  else if (ch === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
    if (!m) return undefined;
    end = i + m[0].length;
    unbounded = m[2] !== undefined && m[3] === '';
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
    repeats = max > 1;
    variable = max > Number(m[1]) && max > 1;
  } else return undefined;
  if (p[end] === '?' || p[end] === '+') end++;
  return { unbounded, repeats, variable, end };
}

function skipClass(p: string, i: number): number {
  let j = i + 1;
  while (j < p.length && p[j] !== ']') j += p[j] === '\\' ? 2 : 1;
  return j + 1;
}

/**
 * `([a-z0-9-]+\.)+` and `(\d+\s?[+-]\s?)+` are linear: every repetition contains exactly one
 * character that nothing else in the group can match, so there is only one way to split the input
 * into repetitions. True when the group body has such a separator: an atom that appears once, is
 * not repeated, and matches no character any other atom of the body matches.
 */
function separated(body: string, alternatives: number): boolean {
  if (alternatives > 1 || body.includes('|')) return false;
  const atoms = atomsOf(body);
  if (!atoms) return false;
  return atoms.some((a, i) => a.once && disjoint(a.source, atoms.filter((_, j) => j !== i).map((b) => b.source)));
}

interface Atom { source: string; once: boolean }

/** Single-character atoms of a group body; `once` when the atom is neither quantified nor nested. */
function atomsOf(body: string): Atom[] | undefined {
  const atoms: Atom[] = [];
  let depth = 0;
  let i = 0;
  while (i < body.length) {
    const ch = body[i];
    if (ch === '(') {
      depth++;
      i += body[i + 1] === '?' ? (body[i + 2] === '<' ? body.indexOf('>', i) + 1 - i : 3) : 1;
      continue;
    }
    if (ch === ')') { depth--; i++; continue; }
    if (ch === '^' || ch === '$') { i++; continue; }
    let source: string;
    if (ch === '\\') source = body.slice(i, i + 2);
    else if (ch === '[') source = body.slice(i, skipClass(body, i));
    else if (ch === '*' || ch === '+' || ch === '?' || ch === '{') { i++; continue; }
    else source = ch;
    i += source.length;
    const q = quantifierAt(body, i);
    if (q) i = q.end;
    atoms.push({ source, once: depth === 0 && !q });
  }
  return atoms;
}

/** Whether no printable ASCII character (or newline/tab) matched by `a` is matched by any of `others`. */
function disjoint(a: string, others: string[]): boolean {
  // Atoms come from the analysed file; RE2 keeps even a malformed one linear.
  const re = linearRegex(`^${a}$`);
  const rest = others.map((o) => linearRegex(`^${o}$`));
  if (!re || rest.some((r) => r === undefined)) return false;
  let matched = 0;
  for (let c = 9; c < 127; c++) {
    const ch = String.fromCharCode(c);
    if (!re.test(ch)) continue;
    matched++;
    if (rest.some((r) => r?.test(ch))) return false;
  }
  return matched > 0;
}
