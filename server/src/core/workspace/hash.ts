// The hash a module summary carries for the text it was computed from; light enough for the main
// thread, which checks it before handing a summary to an analysis.
import { cyrb53 } from '../hash';

export function textHash(text: string): string {
  return `${text.length}:${cyrb53(text)}`;
}
