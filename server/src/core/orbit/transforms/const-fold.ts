// Folds arithmetic on numeric literals and concatenation of string literals, or unfolds a
// literal into an equivalent expression.
import { allNodes, type Node } from '../ast';
import type { Edit } from '../edits';
import { chooseSites, type Transform, type TransformInput } from '../transform';

export const constFold: Transform = {
  id: 'const-fold',
  summary: 'Folds constant expressions (60 * 60 → 3600) and unfolds literals (3600 → (60 * 60)).',
  preconditions: [
    'folding: both operands are number or string literals and the result prints back to the same value (no -0, no precision loss)',
    'unfolding: integer literals between 2 and 2^31 and string literals of at least four characters, never as property keys or directives',
  ],
  apply(input) {
    const sites: Edit[] = [];
    for (const { node, parent } of allNodes(input.program as Node)) {
      const e = fold(node) ?? unfold(input, node, parent);
      if (e) sites.push(e);
    }
    const chosen = chooseSites(sites, input.rng, 3);
    return chosen.length ? { edits: chosen } : null;
  },
};

function fold(node: Node): Edit | null {
  if (node.type !== 'BinaryExpression' || node.left.type !== 'Literal' || node.right.type !== 'Literal') return null;
  const a = node.left.value;
  const b = node.right.value;
  let v: number | string;
  if (typeof a === 'number' && typeof b === 'number') {
    const ops: Record<string, (x: number, y: number) => number> = {
      '+': (x, y) => x + y, '-': (x, y) => x - y, '*': (x, y) => x * y, '%': (x, y) => x % y,
    };
    const f = ops[node.operator];
    if (!f) return null;
    v = f(a, b);
    if (!Number.isFinite(v) || Object.is(v, -0) || v < 0 || Number(String(v)) !== v) return null;
  } else if (typeof a === 'string' && typeof b === 'string' && node.operator === '+') {
    v = a + b;
  } else return null;
  return { start: node.start, end: node.end, text: typeof v === 'string' ? JSON.stringify(v) : String(v) };
}

function unfold(input: TransformInput, node: Node, parent: Node | null): Edit | null {
  if (node.type !== 'Literal' || !parent) return null;
  if ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && parent.key === node && !parent.computed) return null;
  if (parent.type === 'ExpressionStatement' || parent.type === 'ImportDeclaration' || parent.type === 'ExportAllDeclaration' || parent.type === 'ImportExpression') return null;
  if (parent.type === 'ExportNamedDeclaration') return null;
  const v = node.value;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 2 && v < 2 ** 31) {
    const factor = [2, 3, 4, 5, 10, 60].find((f) => v % f === 0 && v / f > 1);
    const text = factor && input.rng.next() < 0.6 ? `(${v / factor} * ${factor})` : `(${v - 1} + 1)`;
    return { start: node.start, end: node.end, text };
  }
  if (typeof v === 'string' && v.length >= 4) {
    let cut = 1 + input.rng.int(v.length - 1);
    const code = v.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut++;
    if (cut >= v.length) return null;
    return { start: node.start, end: node.end, text: `(${JSON.stringify(v.slice(0, cut))} + ${JSON.stringify(v.slice(cut))})` };
  }
  return null;
}
