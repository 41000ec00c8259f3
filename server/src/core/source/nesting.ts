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
export function flattenDeepNesting(text: string, maxDepth: number, checkpoints?: ScanPoint[]): Flattened {
  const marks = checkpoints ? recorder(checkpoints, 0) : undefined;
  const { regions } = scan(text, maxDepth, { at: 0, stack: '' }, marks);
  if (regions.length === 0) return { text };
  return { text: blank(text, regions), span: regions[0] };
}

/**
 * Where the scan stood in a text: the next index it reads and the contexts open there ('(' '[' '{'
 * for brackets, '`' for template text, '$' for ${ … }). What follows an index depends only on the
 * text up to and including that index, and on this state.
 */
export interface ScanPoint {
  at: number;
  stack: string;
}

/** About this many characters apart, the scan notes where it stands. */
const CHECKPOINT_EVERY = 4096;

/**
 * Whether a new version of a text still has no bracket nested deeper than maxDepth, scanning only
 * from just before the change until the scan is back in step with the old version's: at one of the
 * old version's checkpoints past the change, in the same state, the rest of the scan is the old
 * one's. `old` are the checkpoints of the old text, which had nothing too deep. Returns the new
 * text's checkpoints, or undefined when something opens too deep (the caller then parses afresh,
 * which blanks it).
 */
export function rescanNesting(
  old: readonly ScanPoint[],
  change: { start: number; oldEnd: number; newEnd: number },
  text: string,
  maxDepth: number,
): ScanPoint[] | undefined {
  const delta = change.newEnd - change.oldEnd;
  // The last checkpoint strictly before the change (the state there read nothing the edit
  // touched), or the start of the text, whose state reads nothing at all.
  let from = -1;
  while (from + 1 < old.length && (old[from + 1].at < change.start || old[from + 1].at === 0)) from++;
  const resumed = from >= 0 ? old[from] : { at: 0, stack: '' };
  // Old checkpoints strictly past the old end of the change, where the scans may fall back in step.
  let next = from + 1;
  while (next < old.length && old[next].at <= change.oldEnd) next++;
  const points = old.slice(0, from + 1);
  const record = recorder(points, from >= 0 ? resumed.at + CHECKPOINT_EVERY : 0);
  const marks: Marks = {
    next: Math.min(record.next, next < old.length ? old[next].at + delta : Infinity),
    at(i, stack) {
      while (next < old.length && old[next].at + delta < i) next++;
      if (next < old.length && old[next].at + delta === i && old[next].stack === stack.join('')) return true;
      if (i >= record.next) record.at(i, stack);
      this.next = Math.min(record.next, next < old.length ? old[next].at + delta : Infinity);
      return false;
    },
  };
  const { regions, open, stopped } = scan(text, maxDepth, resumed, marks);
  if (regions.length > 0 || open) return undefined;
  if (stopped) {
    // In step again: the old checkpoints from here on hold, shifted by the change's length.
    for (let k = next; k < old.length; k++) points.push({ at: old[k].at + delta, stack: old[k].stack });
  }
  return points;
}

interface Marks {
  /** The next index at which `at` wants to be called. */
  next: number;
  /** Called at the top of the scan loop once the index reaches `next`; true stops the scan. */
  at(i: number, stack: readonly string[]): boolean;
}

/** Marks that push a checkpoint at `first` (or just after) and about every CHECKPOINT_EVERY characters on. */
function recorder(points: ScanPoint[], first: number): Marks {
  return {
    next: first,
    at(i, stack) {
      points.push({ at: i, stack: stack.join('') });
      this.next = i + CHECKPOINT_EVERY;
      return false;
    },
  };
}

/**
 * The bracket scan from a state. `regions` are the spans opened deeper than maxDepth (one still
 * open at the end runs to the end); `open` says one was open where the marks stopped the scan,
 * and `stopped` that they did.
 */
function scan(text: string, maxDepth: number, from: ScanPoint, marks?: Marks): { regions: Span[]; open: boolean; stopped: boolean } {
  const regions: Span[] = [];
  const stack: string[] = from.stack.split('');
  let depth = 0;
  for (const c of stack) if (c === '(' || c === '[' || c === '{') depth++;
  let blankFrom = -1;
  const n = text.length;
  let i = from.at;
  let mark = marks ? marks.next : Infinity;
  while (i < n) {
    if (i >= mark && marks) {
      if (marks.at(i, stack)) return { regions, open: blankFrom >= 0, stopped: true };
      mark = marks.next;
    }
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
  return { regions, open: false, stopped: false };
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
