// Converts between arrow functions and anonymous function expressions.
import { allNodes, usesFunctionContext, type Node } from '../ast';
import type { Edit } from '../edits';
import { chooseSites, text, type Transform, type TransformInput } from '../transform';

export const arrowFunction: Transform = {
  id: 'arrow-function',
  summary: 'Rewrites arrow functions as function expressions and back.',
  preconditions: [
    'the body uses neither this, arguments, super nor new.target (an arrow inherits them, a function binds its own)',
    'the function expression is anonymous, not a generator, and not a method or a class member',
    'the result is always parenthesised, so precedence cannot change',
  ],
  apply(input) {
    const sites: Edit[] = [];
    for (const { node, parent } of allNodes(input.program as Node)) {
      const e = node.type === 'ArrowFunctionExpression' ? toFunction(input, node) : node.type === 'FunctionExpression' ? toArrow(input, node, parent) : null;
      if (e) sites.push(e);
    }
    const chosen = chooseSites(sites, input.rng, 2);
    return chosen.length ? { edits: chosen } : null;
  },
};

function params(input: TransformInput, fn: Node & { params: unknown[]; body: Node }): string | null {
  const ps = fn.params as Node[];
  if (ps.length === 0) return '';
  return input.source.slice(ps[0].start, ps[ps.length - 1].end);
}

function toFunction(input: TransformInput, fn: Node & { type: 'ArrowFunctionExpression' }): Edit | null {
  if (usesFunctionContext(fn.body as Node) || fn.params.some((p) => usesFunctionContext(p as Node))) return null;
  const body = fn.body as Node;
  const bodyText = body.type === 'BlockStatement' ? text(input, body) : `{ return ${text(input, body)}; }`;
  return { start: fn.start, end: fn.end, text: `(${fn.async ? 'async ' : ''}function (${params(input, fn)}) ${bodyText})` };
}

function toArrow(input: TransformInput, fn: Node & { type: 'FunctionExpression' }, parent: Node | null): Edit | null {
  if (fn.id || fn.generator) return null;
  if (parent && (parent.type === 'MethodDefinition' || (parent.type === 'Property' && (parent.method || parent.kind !== 'init')))) return null;
  if (usesFunctionContext(fn.body as Node) || fn.params.some((p) => usesFunctionContext(p as Node))) return null;
  const body = fn.body;
  const only = body.body.length === 1 ? (body.body[0] as Node) : null;
  let bodyText = text(input, body);
  if (only && only.type === 'ReturnStatement' && only.argument && !hasComments(input, body)) {
    const arg = only.argument as Node;
    const t = text(input, arg);
    bodyText = arg.type === 'ObjectExpression' || arg.type === 'SequenceExpression' ? `(${t})` : t;
  }
  return { start: fn.start, end: fn.end, text: `(${fn.async ? 'async ' : ''}(${params(input, fn)}) => ${bodyText})` };
}

function hasComments(input: TransformInput, node: Node): boolean {
  return input.comments.some((c) => c.start >= node.start && c.end <= node.end);
}
