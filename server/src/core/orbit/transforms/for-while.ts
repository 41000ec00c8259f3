// Rewrites a for loop as a while loop and a while loop as a for loop.
import { allNodes, indentAt, indentUnit, namesIn, type Node } from '../ast';
import type { Edit } from '../edits';
import { chooseSites, text, type Transform, type TransformInput } from '../transform';
import { continuesLoop, createsClosure, labelOf } from './loops';

export const forWhile: Transform = {
  id: 'for-while',
  summary: 'Rewrites for loops as while loops and while loops as for loops.',
  preconditions: [
    'while → for always applies: `while (c) s` is `for (; c; ) s`',
    'for → while only when the body has no `continue` to this loop (the update would be skipped)',
    'and, when the initialiser declares let/const, the body and test create no closures (per-iteration bindings)',
    'the for loop must not be labelled (its label would move to a block)',
  ],
  apply(input) {
    const sites: Array<{ start: number; end: number; edit: Edit }> = [];
    for (const { node, parent } of allNodes(input.program as Node)) {
      if (node.type === 'WhileStatement') {
        sites.push({ start: node.start, end: node.end, edit: { start: node.start, end: node.body.start, text: `for (; ${text(input, node.test as Node)}; ) ` } });
      } else if (node.type === 'ForStatement') {
        const edit = forToWhile(input, node, parent);
        if (edit) sites.push({ start: node.start, end: node.end, edit });
      }
    }
    const chosen = chooseSites(sites, input.rng, 2);
    return chosen.length ? { edits: chosen.map((s) => s.edit) } : null;
  },
};

function forToWhile(input: TransformInput, node: Node & { type: 'ForStatement' }, parent: Node | null): Edit | null {
  if (labelOf(parent)) return null;
  const body = node.body as Node;
  if (continuesLoop(body, null)) return null;
  const lexical = node.init?.type === 'VariableDeclaration' && node.init.kind !== 'var';
  if (lexical && (createsClosure(body) || (node.test && createsClosure(node.test as Node)) || (node.update && createsClosure(node.update as Node)))) return null;
  if (body.type === 'BlockStatement' && shadows(body, [node.test as Node | null, node.update as Node | null])) return null;
  const ind = indentAt(input.source, node.start);
  const unit = indentUnit(input.source);
  const test = node.test ? text(input, node.test as Node) : 'true';
  const init = node.init ? text(input, node.init as Node) : '';
  const initStmt = init ? `${init};\n${ind}${unit}` : '';
  const bodyText = body.type === 'BlockStatement' ? text(input, body).slice(1, -1).replace(/\s+$/, '') : `\n${ind}${unit}${unit}${text(input, body)}`;
  const update = node.update ? `\n${ind}${unit}${unit}${text(input, node.update as Node)};` : '';
  // The loop goes into a block so a let/const initialiser keeps its scope.
  const out = `{\n${ind}${unit}${initStmt}while (${test}) {${bodyText}${update}\n${ind}${unit}}\n${ind}}`;
  return { start: node.start, end: node.end, text: out };
}

/** True when the body block declares a name the test or update uses: moving the update into
 *  the body would then read the inner binding. */
function shadows(body: Node & { type: 'BlockStatement' }, parts: Array<Node | null>): boolean {
  const declared = new Set<string>();
  for (const st of body.body) {
    if (st.type === 'VariableDeclaration') for (const d of st.declarations) for (const n of namesIn(d.id as Node)) declared.add(n);
    if ((st.type === 'FunctionDeclaration' || st.type === 'ClassDeclaration') && st.id) declared.add(st.id.name);
  }
  return parts.some((p) => p !== null && [...namesIn(p)].some((n) => declared.has(n)));
}
