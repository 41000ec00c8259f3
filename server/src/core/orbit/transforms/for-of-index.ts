// Rewrites for…of over a provable array as an indexed for loop.
import { allNodes, freshNames, indentAt, namesIn, type Node } from '../ast';
import type { Edit } from '../edits';
import type { ScopeInfo } from '../scope';
import { chooseSites, text, type Transform, type TransformInput } from '../transform';
import { labelOf } from './loops';

export const forOfIndex: Transform = {
  id: 'for-of-index',
  summary: 'Rewrites for…of over an array as an indexed loop, and an indexed loop over an array as for…of.',
  preconditions: [
    'the iterated value is provably an array: an array literal without spreads, Object.keys/values/entries(…), Array.from/of(…), or a const bound to one of these',
    'the loop is not `for await`; the array iterator and the index loop both re-read length, so pushes during the loop behave alike',
    'the reverse needs `for (let i = 0; i < a.length; i++) { const x = a[i]; … }` with a a const array and i used nowhere else',
  ],
  apply(input) {
    const sites: Array<{ start: number; end: number; edit: Edit; introduced?: string[] }> = [];
    const fresh = freshNames(namesIn(input.program as Node));
    for (const { node, parent } of allNodes(input.program as Node)) {
      if (node.type === 'ForStatement') {
        const edit = toForOf(input, node);
        if (edit) sites.push({ start: node.start, end: node.end, edit });
        continue;
      }
      if (node.type !== 'ForOfStatement' || node.await) continue;
      if (!provablyArray(node.right as Node, input.scopes)) continue;
      const whole = parent && parent.type === 'LabeledStatement' ? parent : node;
      sites.push({ start: whole.start, end: whole.end, ...rewrite(input, node, labelOf(parent), whole, fresh) });
    }
    const chosen = chooseSites(sites, input.rng, 2);
    if (chosen.length === 0) return null;
    const introduced = chosen.flatMap((s) => s.introduced ?? []);
    return { edits: chosen.map((s) => s.edit), introduced };
  },
};

function rewrite(input: TransformInput, node: Node & { type: 'ForOfStatement' }, label: string | null, whole: Node, fresh: (h?: string) => string): { edit: Edit; introduced: string[] } {
  const arr = fresh('items');
  const idx = fresh('i');
  const ind = indentAt(input.source, whole.start);
  const left = node.left;
  const binding = left.type === 'VariableDeclaration'
    ? `${left.kind} ${text(input, left.declarations[0].id as Node)} = ${arr}[${idx}];`
    : `${text(input, left as Node)} = ${arr}[${idx}];`;
  const body = node.body as Node;
  const bodyText = body.type === 'BlockStatement' ? text(input, body) : `{ ${text(input, body)} }`;
  // The element binding sits in its own block around the body, so body declarations keep their scope.
  const loop = `${label ? `${label}: ` : ''}for (let ${idx} = 0; ${idx} < ${arr}.length; ${idx}++) {\n${ind}  ${binding}\n${ind}  ${bodyText}\n${ind}}`;
  const edit = { start: whole.start, end: whole.end, text: `{\n${ind}const ${arr} = ${text(input, node.right as Node)};\n${ind}${loop}\n${ind}}` };
  return { edit, introduced: [arr, idx] };
}

function provablyArray(expr: Node, scopes: ScopeInfo): boolean {
  if (expr.type === 'ArrayExpression') return expr.elements.every((e) => !e || e.type !== 'SpreadElement');
  if (expr.type === 'CallExpression' && expr.callee.type === 'MemberExpression' && !expr.callee.computed &&
    expr.callee.object.type === 'Identifier' && expr.callee.property.type === 'Identifier') {
    const obj = expr.callee.object;
    const prop = expr.callee.property.name;
    if (scopes.bindingOf.has(obj)) return false;
    return (obj.name === 'Object' && ['keys', 'values', 'entries'].includes(prop)) || (obj.name === 'Array' && ['from', 'of'].includes(prop));
  }
  if (expr.type === 'Identifier') {
    const b = scopes.bindingOf.get(expr);
    return !!b && b.kind === 'const' && !!b.init && b.init.type !== 'Identifier' && provablyArray(b.init, scopes);
  }
  return false;
}

/** `for (let i = 0; i < a.length; i++) { const x = a[i]; rest }` → `for (const x of a) { rest }`. */
function toForOf(input: TransformInput, node: Node & { type: 'ForStatement' }): Edit | null {
  const { init, test, update, body } = node;
  if (!init || init.type !== 'VariableDeclaration' || init.kind !== 'let' || init.declarations.length !== 1) return null;
  const d = init.declarations[0];
  if (d.id.type !== 'Identifier' || !d.init || d.init.type !== 'Literal' || d.init.value !== 0) return null;
  const i = input.scopes.bindingOf.get(d.id);
  if (!i || !test || test.type !== 'BinaryExpression' || test.operator !== '<' || test.left.type !== 'Identifier') return null;
  const len = test.right;
  if (len.type !== 'MemberExpression' || len.computed || len.property.type !== 'Identifier' || len.property.name !== 'length' || len.object.type !== 'Identifier') return null;
  const arr = input.scopes.bindingOf.get(len.object);
  if (!arr || !provablyArray(len.object as Node, input.scopes)) return null;
  if (!update || !(update.type === 'UpdateExpression' && update.operator === '++' && update.argument.type === 'Identifier')) return null;
  if (body.type !== 'BlockStatement' || body.body.length === 0) return null;
  const first = body.body[0];
  if (first.type !== 'VariableDeclaration' || first.kind === 'var' || first.declarations.length !== 1) return null;
  const el = first.declarations[0].init;
  if (!el || el.type !== 'MemberExpression' || !el.computed || el.object.type !== 'Identifier' || el.property.type !== 'Identifier') return null;
  if (input.scopes.bindingOf.get(el.object) !== arr || input.scopes.bindingOf.get(el.property) !== i) return null;
  // The index may be read only by the test, the update and the element declaration.
  const allowed = new Set<Node>([test.left as Node, update.argument as Node, el.property as Node]);
  if (i.refs.some((r) => !allowed.has(r.id as Node))) return null;
  const ind = indentAt(input.source, node.start);
  const rest = input.source.slice(first.end, body.end - 1).replace(/^\n/, '').replace(/\s+$/, '');
  const pattern = text(input, first.declarations[0].id as Node);
  const text2 = `for (${first.kind} ${pattern} of ${len.object.name}) {\n${rest}\n${ind}}`;
  return { start: node.start, end: node.end, text: text2 };
}
