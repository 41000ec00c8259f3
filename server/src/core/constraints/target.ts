// The function to regenerate: the innermost function unit with a block body around a span, with
// the offsets of its body and the indentation the regenerated body must keep.
import ts from 'typescript';
import type { LanguageKind, Span } from '../types';
import { findUnits, unitNode, type FunctionUnit } from '../source/units';

export interface RegenTarget {
  fileName: string;
  language: LanguageKind;
  /** The whole document the function lives in. */
  text: string;
  unit: FunctionUnit;
  /** Offset just after the body's `{`. */
  bodyStart: number;
  /** Offset of the body's closing `}`. */
  bodyEnd: number;
  /** The function's text up to and including the body's `{`: everything that must not change. */
  head: string;
  /** Indentation of the line the function starts on, and the extra indentation of one level. */
  baseIndent: string;
  unitIndent: string;
}

/** The innermost function with a block body that contains `span`; undefined when there is none. */
export function findTarget(fileName: string, text: string, span: Span, language: LanguageKind): RegenTarget | undefined {
  const parsed = findUnits(fileName, text, language);
  const sf = parsed.sourceFile;
  if (!sf) return undefined;
  let best: { unit: FunctionUnit; body: ts.Block } | undefined;
  for (const unit of parsed.units) {
    if (unit.span.start > span.start || unit.span.end < span.end) continue;
    const node = unitNode(sf, unit);
    if (!node?.body || !ts.isBlock(node.body)) continue;
    if (!best || unit.span.end - unit.span.start < best.unit.span.end - best.unit.span.start) best = { unit, body: node.body };
  }
  if (!best) return undefined;
  const bodyStart = best.body.getStart(sf) + 1;
  const bodyEnd = best.body.end - 1;
  const baseIndent = indentOfLine(text, best.unit.span.start);
  const first = best.body.statements[0];
  const firstIndent = first ? indentOfLine(text, first.getStart(sf)) : '';
  const unitIndent = first && firstIndent.startsWith(baseIndent) && firstIndent.length > baseIndent.length ? firstIndent.slice(baseIndent.length) : '  ';
  return {
    fileName,
    language,
    text,
    unit: best.unit,
    bodyStart,
    bodyEnd,
    head: text.slice(best.unit.span.start, bodyStart),
    baseIndent,
    unitIndent,
  };
}

/** The document with the target's body replaced. */
export function withBody(target: RegenTarget, body: string): string {
  return target.text.slice(0, target.bodyStart) + body + target.text.slice(target.bodyEnd);
}

/** The original body text (between the braces). */
export function originalBody(target: RegenTarget): string {
  return target.text.slice(target.bodyStart, target.bodyEnd);
}

/**
 * Lays a generated body out like the code around it: the model's own indentation is removed and
 * each line is indented one level below the function's line; the closing brace keeps its place.
 */
export function formatBody(target: RegenTarget, generated: string): string {
  const lines = generated.replace(/\r\n/g, '\n').split('\n');
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) return `\n${target.baseIndent}`;
  const common = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0));
  const inner = target.baseIndent + target.unitIndent;
  const body = lines.map((l) => (l.trim() === '' ? '' : inner + l.slice(common).trimEnd())).join('\n');
  return `\n${body}\n${target.baseIndent}`;
}

function indentOfLine(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))?.[0] ?? '';
}
