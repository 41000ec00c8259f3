// Inline suppressions, the one code path the server and the CLI share:
//   // orbit-ignore-next-line sql-injection, CWE-78 -- reason      (no ids: every rule)
//   /* orbit-ignore-file */  or  /* orbit-ignore-file xss -- reason */
import { lineIndex, lineStarts } from '../source/lines';
import type { Finding, TextEdit } from '../types';

interface Suppressions {
  /** Ids (lower-cased rule ids or CWE ids) per 0-based line; an empty set means every rule. */
  nextLine: Map<number, Set<string>>;
  /** Undefined when there is no file-level suppression; empty set means every rule. */
  file?: Set<string>;
}

const NEXT_LINE = /\/\/\s*orbit-ignore-next-line\b([^\n]*)/g;
const FILE = /(?:\/\*\s*orbit-ignore-file\b([\s\S]*?)\*\/|\/\/\s*orbit-ignore-file\b([^\n]*))/g;

/** Drops the findings an ignore comment covers. */
export function applySuppressions(text: string, findings: readonly Finding[]): Finding[] {
  if (!text.includes('orbit-ignore')) return [...findings];
  const s = parseSuppressions(text);
  const lines = lineStarts(text);
  return findings.filter((f) => {
    if (s.file && covers(s.file, f)) return false;
    const line = lineIndex(lines, f.span.start);
    const ids = s.nextLine.get(line - 1);
    return !(ids && covers(ids, f));
  });
}

/**
 * The edit that silences one finding: an ignore comment on its own line above the finding,
 * indented like that line. The LSP layer offers it as a code action.
 */
export function suppressionEdit(text: string, finding: Finding): TextEdit {
  const start = text.lastIndexOf('\n', finding.span.start - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(start, start + 200))?.[0] ?? '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return {
    span: { start, end: start },
    newText: `${indent}// orbit-ignore-next-line ${finding.ruleId} -- explain why this is safe${eol}`,
  };
}

function parseSuppressions(text: string): Suppressions {
  const lines = lineStarts(text);
  const nextLine = new Map<number, Set<string>>();
  for (const m of text.matchAll(NEXT_LINE)) {
    nextLine.set(lineIndex(lines, m.index ?? 0), parseIds(m[1]));
  }
  let file: Set<string> | undefined;
  for (const m of text.matchAll(FILE)) {
    const ids = parseIds(m[1] ?? m[2] ?? '');
    if (!file) file = ids;
    else if (file.size > 0) file = ids.size === 0 ? ids : new Set([...file, ...ids]);
  }
  return { nextLine, file };
}

function parseIds(rest: string): Set<string> {
  const head = rest.split(/\s--(\s|$)/)[0];
  return new Set(
    head
      .split(/[\s,]+/)
      .map((s) => s.trim().toLowerCase())
      .filter((s) => /^(cwe-\d+|[a-z][a-z0-9-]*)$/.test(s)),
  );
}

function covers(ids: Set<string>, f: Finding): boolean {
  if (ids.size === 0) return true;
  return ids.has(f.ruleId.toLowerCase()) || f.cwe.some((c) => ids.has(c.toLowerCase()));
}
