// Offsets → 1-based line and column (UTF-16 code units, as editors and SARIF count them).
import { lineIndex, lineStarts } from '../core/source/lines';
import type { Span } from '../core/types';

export interface Position {
  line: number;
  column: number;
}

export interface Region {
  start: Position;
  end: Position;
}

export type Locator = (span: Span) => Region;

export function locator(text: string): Locator {
  const starts = lineStarts(text);
  const at = (offset: number): Position => {
    const line = lineIndex(starts, offset);
    return { line: line + 1, column: offset - starts[line] + 1 };
  };
  return (span) => ({ start: at(span.start), end: at(span.end) });
}
