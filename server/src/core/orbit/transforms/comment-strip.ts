// Removes every comment, keeping line breaks so automatic semicolon insertion is unchanged.
import type { Transform } from '../transform';

export const commentStrip: Transform = {
  id: 'comment-strip',
  summary: 'Removes comments.',
  preconditions: ['the unit has at least one comment; a multi-line comment becomes a line break, a one-line block comment a space'],
  apply(input) {
    if (input.comments.length === 0) return null;
    const edits = input.comments.map((c) => {
      const body = input.source.slice(c.start, c.end);
      return { start: c.start, end: c.end, text: c.type === 'Line' ? '' : body.includes('\n') ? '\n' : ' ' };
    });
    return { edits };
  },
};
