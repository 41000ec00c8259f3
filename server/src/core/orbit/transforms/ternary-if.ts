// Converts between a conditional expression and an if/else statement, for returns,
// assignments to a local and bare expression statements.
import { allNodes, indentAt, type Node } from '../ast';
import type { Edit } from '../edits';
import type { ScopeInfo } from '../scope';
import { assignable, chooseSites, testOperand, text, type Transform, type TransformInput } from '../transform';

export const ternaryIf: Transform = {
  id: 'ternary-if',
  summary: 'Turns `c ? a : b` in a return or assignment into if/else, and back.',
  preconditions: [
    'the conditional is the whole argument of a return, the whole right side of an assignment to a local variable, or a whole expression statement',
    'the reverse applies to an if/else whose branches are single returns, or single assignments to the same local variable with `=`',
  ],
  apply(input) {
    const sites: Edit[] = [];
    for (const { node } of allNodes(input.program as Node)) {
      const e = expand(input, node) ?? collapse(input, node);
      if (e) sites.push(e);
    }
    const chosen = chooseSites(sites, input.rng, 2);
    return chosen.length ? { edits: chosen } : null;
  },
};

function expand(input: TransformInput, node: Node): Edit | null {
  const ind = indentAt(input.source, node.start);
  const wrap = (c: Node, a: string, b: string): Edit => ({
    start: node.start, end: node.end,
    text: `if (${text(input, c)}) {\n${ind}  ${a}\n${ind}} else {\n${ind}  ${b}\n${ind}}`,
  });
  if (node.type === 'ReturnStatement' && node.argument?.type === 'ConditionalExpression') {
    const c = node.argument;
    return wrap(c.test as Node, `return ${assignable(input, c.consequent as Node)};`, `return ${assignable(input, c.alternate as Node)};`);
  }
  if (node.type !== 'ExpressionStatement') return null;
  const x = node.expression;
  if (x.type === 'ConditionalExpression') {
    return wrap(x.test as Node, `${assignable(input, x.consequent as Node)};`, `${assignable(input, x.alternate as Node)};`);
  }
  if (x.type === 'AssignmentExpression' && x.operator === '=' && x.left.type === 'Identifier' && isLocal(x.left, input.scopes) && x.right.type === 'ConditionalExpression') {
    const c = x.right;
    const v = x.left.name;
    return wrap(c.test as Node, `${v} = ${assignable(input, c.consequent as Node)};`, `${v} = ${assignable(input, c.alternate as Node)};`);
  }
  return null;
}

function collapse(input: TransformInput, node: Node): Edit | null {
  if (node.type !== 'IfStatement' || !node.alternate) return null;
  const a = single(node.consequent as Node);
  const b = single(node.alternate as Node);
  if (!a || !b) return null;
  const test = testOperand(input, node.test as Node);
  if (a.type === 'ReturnStatement' && b.type === 'ReturnStatement' && a.argument && b.argument) {
    return { start: node.start, end: node.end, text: `return ${test} ? ${assignable(input, a.argument as Node)} : ${assignable(input, b.argument as Node)};` };
  }
  if (a.type === 'ExpressionStatement' && b.type === 'ExpressionStatement') {
    const xa = a.expression;
    const xb = b.expression;
    if (xa.type === 'AssignmentExpression' && xb.type === 'AssignmentExpression' && xa.operator === '=' && xb.operator === '=' &&
      xa.left.type === 'Identifier' && xb.left.type === 'Identifier' && xa.left.name === xb.left.name &&
      isLocal(xa.left, input.scopes) && input.scopes.bindingOf.get(xa.left) === input.scopes.bindingOf.get(xb.left)) {
      return { start: node.start, end: node.end, text: `${xa.left.name} = ${test} ? ${assignable(input, xa.right as Node)} : ${assignable(input, xb.right as Node)};` };
    }
  }
  return null;
}

function single(node: Node): Node | null {
  if (node.type === 'BlockStatement') return node.body.length === 1 ? (node.body[0] as Node) : null;
  return node;
}

function isLocal(id: Node & { type: 'Identifier' }, scopes: ScopeInfo): boolean {
  const b = scopes.bindingOf.get(id);
  return !!b && b.kind !== 'const' && b.scope.kind !== 'program';
}
