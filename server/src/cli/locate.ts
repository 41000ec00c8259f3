// Offsets → 1-based line and column (UTF-16 code units, as editors and SARIF count them).
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
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const at = (offset: number): Position => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  };
  return (span) => ({ start: at(span.start), end: at(span.end) });
}
