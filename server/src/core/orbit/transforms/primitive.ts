// Decides whether an expression provably evaluates to a primitive, the condition under which
// `'' + e` and `${e}` agree (objects convert with different hints in the two forms).
import type { Node } from '../ast';
import type { ScopeInfo } from '../scope';

const PRIMITIVE_CALLS = new Set(['String', 'Number', 'Boolean', 'parseInt', 'parseFloat']);

export function provablyPrimitive(node: Node, scopes: ScopeInfo): boolean {
  switch (node.type) {
    case 'Literal':
      return !(node.value instanceof RegExp) && !('regex' in node && node.regex);
    case 'TemplateLiteral':
    case 'UnaryExpression':
    case 'BinaryExpression':
    case 'UpdateExpression':
      return true;
    case 'LogicalExpression':
      return provablyPrimitive(node.left as Node, scopes) && provablyPrimitive(node.right as Node, scopes);
    case 'ConditionalExpression':
      return provablyPrimitive(node.consequent as Node, scopes) && provablyPrimitive(node.alternate as Node, scopes);
    case 'CallExpression': {
      const c = node.callee;
      if (c.type === 'Identifier') return PRIMITIVE_CALLS.has(c.name) && !scopes.bindingOf.has(c);
      return c.type === 'MemberExpression' && !c.computed && c.object.type === 'Identifier' && c.object.name === 'JSON' &&
        !scopes.bindingOf.has(c.object) && c.property.type === 'Identifier' && c.property.name === 'stringify';
    }
    case 'Identifier': {
      const b = scopes.bindingOf.get(node);
      if (!b) return node.name === 'undefined' || node.name === 'NaN' || node.name === 'Infinity';
      return b.kind === 'const' && !!b.init && b.init.type !== 'Identifier' && provablyPrimitive(b.init, scopes);
    }
    default:
      return false;
  }
}
