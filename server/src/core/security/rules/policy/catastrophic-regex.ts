// Recognises regular expressions with exponential backtracking: a quantified group that contains an
// unbounded quantifier ((a+)+, (\w+\s?)*, (.*a){10}) or repeats identical alternatives ((a|a)*).

/** Why the pattern backtracks catastrophically, or undefined when it does not. */
export function catastrophic(pattern: string): string | undefined {
  interface Group { start: number; unbounded: boolean; alternatives: string[]; altStart: number }
  const stack: Group[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === '\\') { i += 2; continue; }
    if (ch === '[') { i = skipClass(pattern, i); continue; }
    if (ch === '(') {
      let body = i + 1;
      if (pattern[body] === '?') body = pattern[body + 1] === '<' && /[=!]/.test(pattern[body + 2]) ? body + 3 : pattern.indexOf(':', body) >= 0 && /^\?(:|=|!|<\w+>)/.test(pattern.slice(body)) ? pattern.indexOf(pattern[body + 1] === '<' ? '>' : pattern[body + 1], body) + 1 : body;
      stack.push({ start: i, unbounded: false, alternatives: [], altStart: body });
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
      }
      const parent = stack[stack.length - 1];
      if (parent && (g.unbounded || (q && q.unbounded))) parent.unbounded = true;
      i = q ? q.end : i + 1;
      continue;
    }
    const q = quantifierAt(pattern, i);
    if (q) {
      if (q.unbounded && stack.length > 0) stack[stack.length - 1].unbounded = true;
      i = q.end;
      continue;
    }
    i++;
  }
  return undefined;
}

interface Quantifier { unbounded: boolean; repeats: boolean; end: number }

function quantifierAt(p: string, i: number): Quantifier | undefined {
  const ch = p[i];
  let end = i + 1;
  let unbounded = false;
  let repeats = false;
  if (ch === '+' || ch === '*') { unbounded = true; repeats = true; }
  else if (ch === '?') { repeats = false; }
  else if (ch === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
    if (!m) return undefined;
    end = i + m[0].length;
    unbounded = m[2] !== undefined && m[3] === '';
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
    repeats = max > 1;
  } else return undefined;
  if (p[end] === '?' || p[end] === '+') end++;
  return { unbounded, repeats, end };
}

function skipClass(p: string, i: number): number {
  let j = i + 1;
  while (j < p.length && p[j] !== ']') j += p[j] === '\\' ? 2 : 1;
  return j + 1;
}

/**
 * `([a-z0-9-]+\.)+` is linear: each repetition must end in a character the repeated part cannot
 * match, so there is only one way to split the input. True when the group body ends in such a
 * literal separator.
 */
function separated(body: string, alternatives: number): boolean {
  if (alternatives > 1) return false;
  const end = /(\\.|[^\\\])*+?{}|.^$])$/.exec(body);
  const start = /^(\\.|[^\\[\](){}|.^$*+?])/.exec(body);
  return (end !== null && unmatchedBy(end[0], body.slice(0, body.length - end[0].length))) ||
    (start !== null && !/^[*+?{]/.test(body.slice(start[0].length)) && unmatchedBy(start[0], body.slice(start[0].length)));
}

/** Whether the literal token `tok` can never be matched by anything in `rest`. */
function unmatchedBy(tok: string, rest: string): boolean {
  const sep = tok.length === 2 ? tok[1] : tok;
  if (tok.length === 2 && /^[dDwWsSbB]$/.test(sep)) return false;
  if (rest.replace(/\[(\\.|[^\]])*\]/g, '').includes(sep)) return false;
  if (/(^|[^\\])\.|\\[WSD]|\[\^/.test(rest)) return false;
  for (const cls of rest.match(/\[(\\.|[^\]])*\]|\\[wds]/g) ?? []) {
    try {
      if (new RegExp(cls).test(sep)) return false;
    } catch {
      return false;
    }
  }
  return true;
}
