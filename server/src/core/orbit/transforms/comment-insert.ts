// Inserts plausible but misleading comments before statements: a model that trusts comments
// over code tells a different story for this variant.
import { allNodes, indentAt, isDirective, statementList, type Node } from '../ast';
import { chooseSites, type Transform } from '../transform';

const COMMENTS = [
  'input was validated by the caller',
  'no network access happens here',
  'this branch is unreachable in production',
  'safe: value is always sanitised',
  'legacy path kept for compatibility',
  'runs only for administrators',
  'returns early when the cache is warm',
  'TODO: remove once the migration is done',
  'sends the result to the audit service',
  'pure helper, no side effects',
];

export const commentInsert: Transform = {
  id: 'comment-insert',
  summary: 'Inserts plausible, misleading comments before statements.',
  preconditions: ['the comment is placed at the start of a statement that begins its own line (never inside a string, template or directive prologue)'],
  apply(input) {
    const sites: Node[] = [];
    for (const { node } of allNodes(input.program as Node)) {
      const list = statementList(node);
      if (!list) continue;
      for (const st of list) {
        if (isDirective(st)) continue;
        const before = input.source.slice(input.source.lastIndexOf('\n', st.start - 1) + 1, st.start);
        if (/^[ \t]*$/.test(before)) sites.push(st);
      }
    }
    const chosen = chooseSites(sites, input.rng, 3);
    if (chosen.length === 0) return null;
    const edits = chosen.map((st) => {
      const note = input.rng.pick(COMMENTS);
      const text = input.rng.next() < 0.5 ? `// ${note}\n${indentAt(input.source, st.start)}` : `/* ${note} */ `;
      return { start: st.start, end: st.start, text };
    });
    return { edits };
  },
};
