// Extracts an expression into a fresh temporary, or inlines a single-use temporary.
import { allNodes, freshNames, namesIn, statementList, type Node } from '../ast';
import type { Edit } from '../edits';
import type { ScopeInfo } from '../scope';
import { assignable, chooseSites, text, type Transform, type TransformInput } from '../transform';

export const temporaries: Transform = {
  id: 'temporaries',
  summary: 'Moves a returned, thrown or tested expression into a temporary, or inlines a single-use temporary.',
  preconditions: [
    'extraction only of the whole argument of return or throw, or the whole test of an if, which are evaluated first in their statement',
    'the statement sits in a statement list, so the temporary declaration can go right before it',
    'inlining only a const with a single declarator, used exactly once, in the very next statement, as that statement\'s return/throw argument, if test, or initialiser',
  ],
  apply(input) {
    const fresh = freshNames(namesIn(input.program as Node));
    const sites: Array<{ start: number; end: number; edit: Edit[]; introduced?: string }> = [];
    for (const { node } of allNodes(input.program as Node)) {
      const list = statementList(node);
      if (!list || node.type === 'Program') continue;
      for (let i = 0; i < list.length; i++) {
        const site = inline(input, list, i) ?? extract(input, list[i], fresh);
        if (site) sites.push(site);
      }
    }
    const chosen = chooseSites(sites, input.rng, 2);
    if (chosen.length === 0) return null;
    return { edits: chosen.flatMap((s) => s.edit), introduced: chosen.flatMap((s) => (s.introduced ? [s.introduced] : [])) };
  },
};

/** The expression a statement evaluates first, where a temporary can take its place. */
function head(st: Node): Node | null {
  if ((st.type === 'ReturnStatement' || st.type === 'ThrowStatement') && st.argument) return st.argument as Node;
  if (st.type === 'IfStatement') return st.test as Node;
  if (st.type === 'VariableDeclaration' && st.declarations.length === 1 && st.declarations[0].id.type === 'Identifier' && st.declarations[0].init) {
    return st.declarations[0].init as Node;
  }
  return null;
}

function extract(input: TransformInput, st: Node, fresh: (h?: string) => string) {
  if (st.type === 'VariableDeclaration') return null;
  const e = head(st);
  if (!e || e.type === 'Identifier' || e.type === 'Literal') return null;
  const name = fresh(st.type === 'IfStatement' ? 'ok' : 'result');
  const edit: Edit[] = [
    { start: st.start, end: st.start, text: `const ${name} = ${assignable(input, e)};\n${indent(input, st)}` },
    { start: e.start, end: e.end, text: name },
  ];
  return { start: st.start, end: st.end, edit, introduced: name };
}

function inline(input: TransformInput, list: Node[], i: number) {
  const st = list[i];
  const next = list[i + 1];
  if (!next || st.type !== 'VariableDeclaration' || st.kind !== 'const' || st.declarations.length !== 1) return null;
  const d = st.declarations[0];
  if (d.id.type !== 'Identifier' || !d.init) return null;
  const use = head(next);
  if (!use || use.type !== 'Identifier' || use.name !== d.id.name) return null;
  if (!singleUse(input.scopes, d.id, use)) return null;
  const init = d.init as Node;
  if (init.type === 'ArrowFunctionExpression' || init.type === 'FunctionExpression' || init.type === 'ClassExpression') return null;
  const edit: Edit[] = [
    { start: st.start, end: next.start, text: '' },
    { start: use.start, end: use.end, text: assignable(input, init) },
  ];
  return { start: st.start, end: next.end, edit };
}

function singleUse(scopes: ScopeInfo, id: Node & { type: 'Identifier' }, use: Node & { type: 'Identifier' }): boolean {
  const b = scopes.bindingOf.get(id);
  return !!b && !b.scope.dynamic && b.refs.length === 1 && b.refs[0].id === use;
}

function indent(input: TransformInput, st: Node): string {
  const lineStart = input.source.lastIndexOf('\n', st.start - 1) + 1;
  const before = input.source.slice(lineStart, st.start);
  return /^[ \t]*$/.test(before) ? before : '';
}
