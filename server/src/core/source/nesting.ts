// A guard against bracket nesting deep enough to overflow the parser's recursion: a cheap
// character scan that blanks out (same length, newlines kept) whatever lies too deep.
import type { Span } from '../types';

/** Deeper than this, the TypeScript parser can overflow a worker thread's stack. */
export const MAX_BRACKET_DEPTH = 200;

export interface Flattened {
  text: string;
  /** The first blanked region, when anything was blanked. */
  span?: Span;
}

/**
 * Blanks every bracketed region that opens deeper than maxDepth. Strings, template text and
 * comments are skipped so their brackets do not count; regex literals are not recognised, which
 * only matters for files that are already close to the limit.
 */
export function flattenDeepNesting(text: string, maxDepth: number): Flattened {
  const regions: Span[] = [];
  // Stack of open contexts: '(' '[' '{' for brackets, '`' for template text, '$' for ${ … }.
  const stack: string[] = [];
  let depth = 0;
  let blankFrom = -1;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const top = stack.length > 0 ? stack[stack.length - 1] : '';
    if (top === '`') {
      if (c === 92 /* \ */) i += 2;
      else if (c === 96 /* ` */) { stack.pop(); i++; }
      else if (c === 36 /* $ */ && text.charCodeAt(i + 1) === 123) { stack.push('$'); i += 2; }
      else i++;
      continue;
    }
    if (c === 39 || c === 34) { i = skipString(text, i, c); continue; }
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) { i = lineEnd(text, i); continue; }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    if (c === 96) { stack.push('`'); i++; continue; }
    if (c === 40 || c === 91 || c === 123) {
      stack.push(String.fromCharCode(c));
      depth++;
      if (depth > maxDepth && blankFrom < 0) blankFrom = i;
    } else if (c === 41 || c === 93 || c === 125) {
      if (top === '$') { stack.pop(); i++; continue; }
      if (stack.length > 0) stack.pop();
      if (depth > 0) depth--;
      if (blankFrom >= 0 && depth === maxDepth) {
        regions.push({ start: blankFrom, end: i + 1 });
        blankFrom = -1;
      }
    }
    i++;
  }
  if (blankFrom >= 0) regions.push({ start: blankFrom, end: n });
  if (regions.length === 0) return { text };
  return { text: blank(text, regions), span: regions[0] };
}

function skipString(text: string, start: number, quote: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 92) i += 2;
    else if (c === quote || c === 10) return i + 1;
    else i++;
  }
  return i;
}

function lineEnd(text: string, start: number): number {
  const nl = text.indexOf('\n', start);
  return nl < 0 ? text.length : nl;
}

function blank(text: string, regions: Span[]): string {
  let out = '';
  let last = 0;
  for (const r of regions) {
    out += text.slice(last, r.start) + text.slice(r.start, r.end).replace(/[^\r\n]/g, ' ');
    last = r.end;
  }
  return out + text.slice(last);
}
