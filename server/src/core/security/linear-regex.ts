// Regular expressions taken from the analysed file, compiled with RE2 (the re2js port), whose
// matching time is linear in the input whatever the pattern: a pattern like /^(?:a?){12000}b$/
// would take Node's backtracking engine minutes. Patterns RE2 cannot express (look-around, back
// references, the m flag, very large repetitions) give undefined, and callers then assume nothing
// about the pattern, which can only add findings, never hide one.
import { RE2JS } from 're2js';

export interface LinearRegex {
  test(s: string): boolean;
}

/** Longer patterns are not compiled: guards and sanitisers people write are short. */
export const MAX_PATTERN_LENGTH = 2000;

const cache = new Map<string, LinearRegex | undefined>();
const MAX_CACHE = 500;

/** Compiles a JavaScript regex source and flags with RE2, or undefined when RE2 cannot. */
export function linearRegex(source: string, flags = ''): LinearRegex | undefined {
  const key = `${flags}/${source}`;
  if (cache.has(key)) return cache.get(key);
  const re = compile(source, flags);
  if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value as string);
  cache.set(key, re);
  return re;
}

function compile(source: string, flags: string): LinearRegex | undefined {
  // With m, JavaScript's ^ and $ also match at \r and \u2028; RE2's only at \n.
  if (source.length > MAX_PATTERN_LENGTH || /[^gimsuyd]/.test(flags) || flags.includes('m')) return undefined;
  let options = 0;
  if (flags.includes('i')) options |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('s')) options |= RE2JS.DOTALL;
  try {
    const re = RE2JS.compile(translate(source), options);
    return { test: (s) => re.matcher(s).find() };
  } catch {
    return undefined;
  }
}

/** JavaScript escapes RE2 spells differently: \uXXXX and \u{X…} become \x{…}. */
function translate(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const rest = source.slice(i + 1, i + 12);
    const m = /^u(?:([0-9a-fA-F]{4})|\{([0-9a-fA-F]{1,6})\})/.exec(rest);
    if (m) {
      out += `\\x{${m[1] ?? m[2]}}`;
      i += m[0].length;
    } else {
      out += source.slice(i, i + 2);
      i++;
    }
  }
  return out;
}
