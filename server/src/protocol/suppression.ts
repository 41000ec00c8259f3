// Where the suppression comment for a finding goes. Delegates to core's suppression helper so the
// server and the CLI agree on the comment syntax.
import type { Span, TextEdit } from '../core/types';

/** The edit inserting `// orbit-ignore-next-line <rule> -- reason` above the finding's line. */
export function suppressionEdit(text: string, span: Span, ruleId: string): TextEdit {
  const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, lineStart + 200))?.[0] ?? '';
  return { span: { start: lineStart, end: lineStart }, newText: `${indent}// orbit-ignore-next-line ${ruleId} -- reason\n` };
}
