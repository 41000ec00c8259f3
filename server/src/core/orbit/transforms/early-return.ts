// Moves the statements after an early-returning if into its else branch, and back.
import { allNodes, indentAt, namesIn, statementList, type Node } from '../ast';
import type { Edit } from '../edits';
import { chooseSites, text, type Transform, type TransformInput } from '../transform';

export const earlyReturn: Transform = {
  id: 'early-return',
  summary: 'Turns `if (c) { …; return } rest` into `if (c) { …; return } else { rest }`, and back.',
  preconditions: [
    'the if branch always ends in return or throw and there is no else yet',
    'the moved statements declare no function, and none of the names they declare is used outside them (block scoping changes)',
    'the reverse applies when the if/else is the last statement of its block and the else declares no name used elsewhere in the unit',
  ],
  apply(input) {
    const sites: Edit[] = [];
    const counts = nameCounts(input);
    for (const { node } of allNodes(input.program as Node)) {
      const list = node.type === 'BlockStatement' ? statementList(node) : null;
      if (!list) continue;
      for (let i = 0; i < list.length; i++) {
        const e = toElse(input, list, i, counts) ?? fromElse(input, list, i, node, counts);
        if (e) sites.push(e);
      }
    }
    const chosen = chooseSites(sites, input.rng, 2);
    return chosen.length ? { edits: chosen } : null;
  },
};

function terminates(node: Node): boolean {
  if (node.type === 'ReturnStatement' || node.type === 'ThrowStatement') return true;
  if (node.type === 'BlockStatement') return node.body.length > 0 && terminates(node.body[node.body.length - 1] as Node);
  return false;
}

function toElse(input: TransformInput, list: Node[], i: number, counts: Map<string, number>): Edit | null {
  const st = list[i];
  if (st.type !== 'IfStatement' || st.alternate || !terminates(st.consequent as Node) || i + 1 >= list.length) return null;
  const rest = list.slice(i + 1);
  if (!movable(rest, counts)) return null;
  const last = rest[rest.length - 1];
  const ind = indentAt(input.source, st.start);
  const inner = input.source.slice(rest[0].start, last.end);
  return { start: st.consequent.end, end: last.end, text: ` else {\n${ind}  ${inner}\n${ind}}` };
}

function fromElse(input: TransformInput, list: Node[], i: number, block: Node, counts: Map<string, number>): Edit | null {
  const st = list[i];
  if (i !== list.length - 1 || st.type !== 'IfStatement' || !st.alternate || st.alternate.type !== 'BlockStatement') return null;
  if (!terminates(st.consequent as Node) || st.alternate.body.length === 0 || block.type !== 'BlockStatement') return null;
  if (!movable(st.alternate.body as Node[], counts)) return null;
  const ind = indentAt(input.source, st.start);
  return { start: st.consequent.end, end: st.alternate.end, text: `\n${ind}${text(input, st.alternate).slice(1, -1).trim()}` };
}

/** Statements can change block only if they declare no functions and their declared names
 *  occur nowhere else in the unit (each declared name is counted once per occurrence). */
function movable(stmts: Node[], counts: Map<string, number>): boolean {
  const inside = new Map<string, number>();
  const declared = new Set<string>();
  for (const s of stmts) {
    if (s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') return false;
    if (s.type === 'VariableDeclaration') for (const d of s.declarations) for (const n of namesIn(d.id as Node)) declared.add(n);
    for (const [n, c] of occurrences(s)) inside.set(n, (inside.get(n) ?? 0) + c);
  }
  for (const n of declared) if ((counts.get(n) ?? 0) !== (inside.get(n) ?? 0)) return false;
  return true;
}

function nameCounts(input: TransformInput): Map<string, number> {
  return occurrences(input.program as Node);
}

function occurrences(root: Node): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { node } of allNodes(root)) if (node.type === 'Identifier') counts.set(node.name, (counts.get(node.name) ?? 0) + 1);
  return counts;
}
