// Fastify's own ways of handing a request to code: decorators that act as hooks
// (`fastify.decorate('authenticate', async (request, reply) => …)`, later used as
// `onRequest: [fastify.authenticate]`), and plugins (`fastify.register(async (app) => …)`), whose
// parameter is the Fastify instance, not a request.
import ts from 'typescript';

const DECORATORS: ReadonlySet<string> = new Set(['decorate', 'decorateReply']);
const REQUEST_PARAM = /^_?(req|request)$/;
const REQUEST_TYPE = /^(FastifyRequest)\b/;

/** The request role, as sources.ts's ParamRole spells it (kept structural so the two files do not import each other). */
type RequestRole = { kind: 'request' };

/**
 * Parameter roles of a function passed to a Fastify registration call, or undefined when the call is
 * not one (the caller then applies the general route rules).
 */
export function fastifyCallbackRoles(call: ts.CallExpression, fn: ts.SignatureDeclaration): RequestRole[] | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (DECORATORS.has(method)) {
    if (call.arguments[1] === undefined || !ts.isStringLiteralLike(call.arguments[0])) return undefined;
    const first = fn.parameters[0];
    return first && isRequestParam(first) ? [{ kind: 'request' }] : undefined;
  }
  // register(plugin, opts): the plugin receives the instance; routes it declares are found as usual.
  if (method === 'register' && call.arguments[0] !== undefined && isFunctionArgument(call.arguments[0], fn)) return [];
  return undefined;
}

function isRequestParam(p: ts.ParameterDeclaration): boolean {
  if (ts.isIdentifier(p.name) && REQUEST_PARAM.test(p.name.text)) return true;
  return p.type !== undefined && ts.isTypeReferenceNode(p.type) && REQUEST_TYPE.test(p.type.typeName.getText());
}

/** Whether the plugin argument is this very function (written in place), not an imported plugin. */
function isFunctionArgument(arg: ts.Expression, fn: ts.SignatureDeclaration): boolean {
  let a = arg;
  while (ts.isParenthesizedExpression(a)) a = a.expression;
  if (a === fn) return true;
  // fp(async (app) => …) wrapped in place.
  return ts.isCallExpression(a) && a.arguments.some((x) => x === fn);
}
