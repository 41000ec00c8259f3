// Inserts plausible code that never runs or whose result is never used.
import { allNodes, freshNames, indentAt, isDirective, namesIn, statementList, type Node } from '../ast';
import type { Edit } from '../edits';
import { chooseSites, type Transform } from '../transform';

/** Snippets that cannot run (behind a false condition) or have no observable effect. */
const SNIPPETS: Array<(name: string) => string> = [
  (n) => `if (false) {\n  const ${n} = 'unused';\n  throw new Error(${n});\n}`,
  (n) => `const ${n} = 0;`,
  (n) => `let ${n} = [];`,
  () => `while (false) {\n  break;\n}`,
  (n) => `const ${n} = { retries: 3, verbose: false };`,
  () => `if (0 > 1) {\n  return;\n}`,
];

export const deadCode: Transform = {
  id: 'dead-code',
  summary: 'Inserts plausible dead code: branches that never run and unused constants.',
  preconditions: [
    'inserted only between statements of a block, after any directive prologue',
    'every name it declares is fresh; conditions are constant false',
    '`return` snippets only inside functions',
  ],
  apply(input) {
    const fresh = freshNames(namesIn(input.program as Node));
    const sites: Array<{ start: number; end: number; inFunction: boolean }> = [];
    for (const { node, parent } of allNodes(input.program as Node)) {
      const list = node.type === 'BlockStatement' ? statementList(node) : null;
      if (!list || !parent) continue;
      const inFunction = parent.type === 'FunctionDeclaration' || parent.type === 'FunctionExpression' || parent.type === 'ArrowFunctionExpression';
      for (const st of list) if (!isDirective(st)) sites.push({ start: st.start, end: st.start, inFunction });
    }
    const chosen = chooseSites(sites, input.rng, 2);
    if (chosen.length === 0) return null;
    const introduced: string[] = [];
    const edits: Edit[] = chosen.map((site) => {
      const choices = site.inFunction ? SNIPPETS : SNIPPETS.filter((s) => !s('x').includes('return'));
      const name = fresh();
      const snippet = input.rng.pick(choices)(name);
      if (snippet.includes(name)) introduced.push(name);
      const ind = indentAt(input.source, site.start);
      return { start: site.start, end: site.start, text: `${snippet.replace(/\n/g, `\n${ind}`)}\n${ind}` };
    });
    return { edits, introduced };
  },
};
