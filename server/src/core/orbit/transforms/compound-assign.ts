// Converts between compound assignment and its expanded form: x += e ↔ x = x + e.
import { allNodes, type Node } from '../ast';
import type { Edit } from '../edits';
import type { ScopeInfo } from '../scope';
import { assignable, chooseSites, operand, text, type Transform, type TransformInput } from '../transform';

const OPERATORS = new Set(['+', '-', '*', '/', '%', '**', '<<', '>>', '>>>', '&', '|', '^']);

export const compoundAssign: Transform = {
  id: 'compound-assign',
  summary: 'Rewrites `x += e` as `x = x + e` and back.',
  preconditions: [
    'the target is a local variable (not const, not a global, not a property: evaluating it twice must be free)',
    'arithmetic and bitwise operators only; logical assignments (&&=, ||=, ??=) short-circuit and are left alone',
    'the reverse requires the right side to be exactly `x OP e` with x the same binding as the target',
  ],
  apply(input) {
    const sites: Edit[] = [];
    for (const { node } of allNodes(input.program as Node)) {
      if (node.type !== 'AssignmentExpression' || node.left.type !== 'Identifier' || !local(node.left, input.scopes)) continue;
      const e = node.operator === '=' ? collapse(input, node) : expand(input, node);
      if (e) sites.push(e);
    }
    const chosen = chooseSites(sites, input.rng, 3);
    return chosen.length ? { edits: chosen } : null;
  },
};

function local(id: Node & { type: 'Identifier' }, scopes: ScopeInfo): boolean {
  const b = scopes.bindingOf.get(id);
  return !!b && (b.kind === 'let' || b.kind === 'var' || b.kind === 'param' || b.kind === 'catch') && !b.scope.dynamic;
}

function expand(input: TransformInput, node: Node & { type: 'AssignmentExpression' }): Edit | null {
  const op = node.operator.slice(0, -1);
  if (!OPERATORS.has(op)) return null;
  const name = text(input, node.left as Node);
  // The whole assignment is parenthesised so it keeps its place in any enclosing expression.
  return { start: node.start, end: node.end, text: `(${name} = ${name} ${op} ${operand(input, node.right as Node)})` };
}

function collapse(input: TransformInput, node: Node & { type: 'AssignmentExpression' }): Edit | null {
  const r = node.right;
  if (r.type !== 'BinaryExpression' || !OPERATORS.has(r.operator) || r.left.type !== 'Identifier') return null;
  if (input.scopes.bindingOf.get(r.left) !== input.scopes.bindingOf.get(node.left as Node & { type: 'Identifier' })) return null;
  return { start: node.start, end: node.end, text: `${text(input, node.left as Node)} ${r.operator}= ${assignable(input, r.right as Node)}` };
}
