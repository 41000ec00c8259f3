// Line arithmetic on plain text: where each line starts, and which line an offset falls on.
// Shared by the suppression comments (0-based lines) and the CLI's locations (1-based).

/** The offset at which each line starts; the first is always 0. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The 0-based line of `offset`, by binary search in `starts` from `lineStarts`. */
export function lineIndex(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
