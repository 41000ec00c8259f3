// Span edits on source text and the line maps they induce: every transform is a set of
// non-overlapping edits, so each variant line can be traced back to a line of the original.

export interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface EditResult {
  code: string;
  /** lineMap[i] is the 1-based input line that output line i+1 comes from. */
  lineMap: number[];
}

/** Applies non-overlapping edits; throws on overlap, which is a bug in the calling transform. */
export function applyEdits(source: string, edits: readonly Edit[]): EditResult {
  const sorted = edits.slice().sort((a, b) => a.start - b.start || a.end - b.end);
  const parts: string[] = [];
  const lineMap: number[] = [1];
  let inLine = 1;
  let pos = 0;
  // Copies original text, advancing the input line and mapping each new output line to it.
  const copy = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      if (source.charCodeAt(i) === 10) {
        inLine++;
        lineMap.push(inLine);
      }
    }
    parts.push(source.slice(from, to));
  };
  for (const e of sorted) {
    if (e.start < pos) throw new Error(`overlapping edits at ${e.start}`);
    copy(pos, e.start);
    // Inserted lines map to the line where the replaced range starts.
    const at = inLine;
    for (let i = 0; i < e.text.length; i++) if (e.text.charCodeAt(i) === 10) lineMap.push(at);
    parts.push(e.text);
    for (let i = e.start; i < e.end; i++) if (source.charCodeAt(i) === 10) inLine++;
    pos = e.end;
  }
  copy(pos, source.length);
  return { code: parts.join(''), lineMap };
}

/** Composes line maps: first maps B→A, second maps C→B; the result maps C→A. */
export function composeLineMaps(first: readonly number[], second: readonly number[]): number[] {
  return second.map((line) => first[Math.min(line, first.length) - 1] ?? 1);
}

/** The identity line map for a text. */
export function identityLineMap(text: string): number[] {
  const map = [1];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) map.push(map.length + 1);
  return map;
}
