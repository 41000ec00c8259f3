// Decides whether a statement or expression is inert: it cannot throw, call user code (getters,
// valueOf, iterators) or read a global, so moving or duplicating it is unobservable.
import type * as acorn from 'acorn';
import type { Node } from '../ast';
import { functionScopeOf, type ScopeInfo } from '../scope';

export type Purity = 'inert' | 'effectful';

export function classify(node: Node, scopes: ScopeInfo): Purity {
  return inert(node, scopes) ? 'inert' : 'effectful';
}

const SAFE_GLOBALS = new Set(['undefined', 'NaN', 'Infinity']);

function inert(node: Node, scopes: ScopeInfo): boolean {
  const rec = (n: Node): boolean => inert(n, scopes);
  switch (node.type) {
    case 'VariableDeclaration':
      return node.declarations.every((d) => d.id.type === 'Identifier' && (!d.init || rec(d.init as Node)));
    case 'ExpressionStatement':
      return rec(node.expression as Node);
    case 'Literal':
      return true;
    case 'Identifier':
      return readable(node, scopes);
    case 'TemplateLiteral':
      return node.expressions.length === 0;
    case 'ArrayExpression':
      return node.elements.every((e) => !e || (e.type !== 'SpreadElement' && rec(e as Node)));
    case 'ObjectExpression':
      return node.properties.every((p) => p.type === 'Property' && !p.computed && rec(p.value as Node));
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
      return true;
    case 'UnaryExpression':
      if (node.operator === '!' || node.operator === 'void') return rec(node.argument as Node);
      if (node.operator === 'typeof') return node.argument.type === 'Identifier' ? true : rec(node.argument as Node);
      return (node.operator === '-' || node.operator === '+') && node.argument.type === 'Literal' && typeof node.argument.value === 'number';
    case 'BinaryExpression':
      if (node.operator === '===' || node.operator === '!==') return rec(node.left as Node) && rec(node.right as Node);
      return primitiveLiteral(node.left as Node) && primitiveLiteral(node.right as Node) && node.operator !== 'in' && node.operator !== 'instanceof';
    case 'LogicalExpression':
      return rec(node.left as Node) && rec(node.right as Node);
    case 'ConditionalExpression':
      return rec(node.test as Node) && rec(node.consequent as Node) && rec(node.alternate as Node);
    case 'SequenceExpression':
      return node.expressions.every((e) => rec(e as Node));
    case 'AssignmentExpression': {
      if (node.operator !== '=' || node.left.type !== 'Identifier') return false;
      const b = scopes.bindingOf.get(node.left);
      return !!b && (b.kind === 'let' || b.kind === 'var' || b.kind === 'param') && readable(node.left, scopes) && rec(node.right as Node);
    }
    default:
      return false;
  }
}

function primitiveLiteral(node: Node): boolean {
  return node.type === 'Literal' && (typeof node.value === 'number' || typeof node.value === 'string' || typeof node.value === 'boolean');
}

/** A read that cannot throw: a local declared earlier in the same function, or a safe global. */
function readable(id: acorn.Identifier, scopes: ScopeInfo): boolean {
  const b = scopes.bindingOf.get(id);
  if (!b) return SAFE_GLOBALS.has(id.name);
  if (b.kind === 'var' || b.kind === 'param' || b.kind === 'function') return true;
  const r = scopes.refOf.get(id);
  if (!r) return true;
  return b.decls[0].start < id.start && functionScopeOf(r.scope) === functionScopeOf(b.scope);
}
