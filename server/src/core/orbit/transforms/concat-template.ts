// Converts string concatenation into a template literal and back.
import { allNodes, type Node } from '../ast';
import type { Edit } from '../edits';
import { chooseSites, operand, text, type Transform, type TransformInput } from '../transform';
import { provablyPrimitive } from './primitive';

export const concatTemplate: Transform = {
  id: 'concat-template',
  summary: "Rewrites 'a' + x + 'b' as `a${x}b` and back.",
  preconditions: [
    'one of the first two operands of the + chain is a string literal, so every + concatenates',
    'every other operand is provably a primitive (literals, arithmetic, String(…), consts bound to primitives): objects convert differently in the two forms',
    'templates must be untagged and every embedded expression provably primitive',
  ],
  apply(input) {
    const sites: Edit[] = [];
    for (const { node, parent } of allNodes(input.program as Node)) {
      if (node.type === 'BinaryExpression' && node.operator === '+' && !(parent?.type === 'BinaryExpression' && parent.left === node && parent.operator === '+')) {
        const e = toTemplate(input, node);
        if (e) sites.push(e);
      } else if (node.type === 'TemplateLiteral' && parent?.type !== 'TaggedTemplateExpression') {
        const e = toConcat(input, node);
        if (e) sites.push(e);
      }
    }
    const chosen = chooseSites(sites, input.rng, 2);
    return chosen.length ? { edits: chosen } : null;
  },
};

function chain(node: Node): Node[] {
  if (node.type === 'BinaryExpression' && node.operator === '+') return [...chain(node.left as Node), node.right as Node];
  return [node];
}

function isString(node: Node): boolean {
  return node.type === 'Literal' && typeof node.value === 'string';
}

function escapeTemplate(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${').replace(/\r/g, '\\r');
}

function toTemplate(input: TransformInput, node: Node): Edit | null {
  const parts = chain(node);
  if (parts.length < 2) return null;
  const firstString = isString(parts[0]) ? 0 : isString(parts[1]) ? 1 : -1;
  if (firstString < 0) return null;
  if (!parts.every((p) => isString(p) || provablyPrimitive(p, input.scopes))) return null;
  if (parts.every(isString)) return null;
  const body = parts.map((p) => (p.type === 'Literal' && typeof p.value === 'string' ? escapeTemplate(p.value) : `\${${text(input, p)}}`)).join('');
  return { start: node.start, end: node.end, text: `\`${body}\`` };
}

function toConcat(input: TransformInput, node: Node & { type: 'TemplateLiteral' }): Edit | null {
  if (node.expressions.length === 0) return null;
  if (node.quasis.some((q) => q.value.cooked === null || q.value.cooked === undefined)) return null;
  if (!node.expressions.every((e) => provablyPrimitive(e as Node, input.scopes))) return null;
  const out: string[] = [JSON.stringify(node.quasis[0].value.cooked)];
  node.expressions.forEach((e, i) => {
    out.push(operand(input, e as Node));
    const q = node.quasis[i + 1].value.cooked as string;
    if (q) out.push(JSON.stringify(q));
  });
  return { start: node.start, end: node.end, text: `(${out.join(' + ')})` };
}
