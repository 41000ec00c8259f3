// CWE-209: a stack trace or a whole error object sent to the client, which tells an attacker the
// code's paths, its libraries and their versions, and, for database errors, the query and schema.
import ts from 'typescript';
import type { Rule, RuleContext } from '../../rule';
import { cweUrl } from '../../rule';
import { forEachNode, isFunctionLike, unwrap } from '../../ast';
import { evidence, step } from './util';

/** Response methods whose argument is the body. */
const SEND = /^(send|json|jsonp|end|write)$/;
const RESPONSE_ROOT = /^(res|response|resp)$/;
const FASTIFY_REPLY = /^(reply|rep)$/;
const FASTIFY_MODULE = /(?:require\(\s*|from\s+)['"](?:fastify|fastify-plugin|@fastify\/[\w-]+)['"]/;

/** Whether the call is inside a function given to Fastify's setErrorHandler. */
function inErrorHandler(node: ts.Node): boolean {
  for (let n: ts.Node = node; n.parent; n = n.parent) {
    if (isFunctionLike(n) && ts.isCallExpression(n.parent) && ts.isPropertyAccessExpression(n.parent.expression) && n.parent.expression.name.text === 'setErrorHandler') return true;
  }
  return false;
}

/** Parameter names that hold an error in a callback: `(err, rows) =>`, `.catch((error) => …)`. */
const ERROR_PARAM = /^(err|error|e|ex|exception|reason)$/;
/** A condition about the environment: the branch it guards runs only while developing. */
const ENVIRONMENT_CHECK = /NODE_ENV|\benv\b|development|production|isDev|isProd|debug|verbose/i;

type Exposure = { node: ts.Node; error: ts.Node; what: 'stack' | 'object' };

export const errorExposure: Rule = {
  meta: {
    id: 'error-exposure',
    cwe: ['CWE-209'],
    defaultSeverity: 'warning',
    title: 'Stack trace or error object sent to the client',
    description:
      'A response carries err.stack, util.inspect(err) or the whole error object (whose own properties hold, for database errors, the query, table and constraint), which shows an attacker the code, its libraries and the schema; send a generic message and log the error.',
    docsUrl: cweUrl('CWE-209'),
    hasFix: false,
    constraint:
      'Never send err.stack, util.inspect(err) or a whole error object in a response; log the error on the server and send the client a generic message (err.message only for errors you raised yourself).',
  },
  check(ctx) {
    // In a Fastify app the reply is often called `res` too (`setErrorHandler((err, req, res) => …)`).
    const fastifyApp = FASTIFY_MODULE.test(ctx.text) && !/['"]express['"]/.test(ctx.text);
    for (const call of ctx.facts.calls) {
      if (!SEND.test(call.name) || !ts.isCallExpression(call.node) || !ts.isPropertyAccessExpression(call.node.expression)) continue;
      const root = rootName(call.node.expression.expression);
      const isFastify = root !== undefined && call.name === 'send' && (FASTIFY_REPLY.test(root) || fastifyApp || inErrorHandler(call.node));
      const express = root !== undefined && RESPONSE_ROOT.test(root) && !isFastify;
      const fastify = isFastify;
      if ((!express && !fastify) || !call.args[0]) continue;
      // Fastify turns an Error given to reply.send into { statusCode, error, message }, without the stack.
      const exposure = exposed(call.args[0], fastify);
      if (exposure && !developmentOnly(exposure.node)) report(ctx, exposure, call.node, `${root}.${call.name}()`);
    }
    for (const a of ctx.facts.assignments) {
      if (a.target.name.text !== 'body' || !/^(ctx|context)$/.test(a.target.expression.getText())) continue;
      if (a.node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
      const exposure = exposed(a.node.right, false);
      if (exposure && !developmentOnly(exposure.node)) report(ctx, exposure, a.node, 'ctx.body');
    }
  },
};

function report(ctx: RuleContext, e: Exposure, sink: ts.Node, where: string): void {
  ctx.report({
    node: e.node,
    message: e.what === 'stack'
      ? `The stack trace of ${e.error.getText()} is sent to the client in ${where}, which shows an attacker the server's file paths and libraries; log it and send a generic message`
      : `The whole error object ${e.error.getText()} is sent to the client in ${where}; its own properties show an attacker internals (for database errors, the query, table and constraint); log it and send a generic message`,
    taint: evidence([step(e.error, 'an error caught here'), step(sink, `sent in ${where}`)]),
    sink: `sent in ${where}`,
  });
}

/** What of an error the response body shows: its stack, or the object itself. */
function exposed(body: ts.Expression, fastifyTop: boolean): Exposure | undefined {
  const top = unwrap(body);
  if (!fastifyTop && isError(top)) return { node: top, error: top, what: 'object' };
  let found: Exposure | undefined;
  forEachNode(top, (n) => {
    if (found) return false;
    if (isFunctionLike(n)) return false;
    // err.stack, err['stack']
    if (ts.isPropertyAccessExpression(n) && n.name.text === 'stack' && isError(unwrap(n.expression))) {
      found = { node: n, error: n.expression, what: 'stack' };
      return false;
    }
    // util.inspect(err) prints the stack; JSON.stringify(err) the error's own properties.
    if (ts.isCallExpression(n) && n.arguments[0] && isError(unwrap(n.arguments[0]))) {
      const callee = n.expression.getText();
      if (/(^|\.)inspect$/.test(callee)) found = { node: n, error: n.arguments[0], what: 'stack' };
      else if (callee === 'JSON.stringify') found = { node: n, error: n.arguments[0], what: 'object' };
      return false;
    }
    // { error: err } and { err } put the error's own properties in the JSON.
    if (ts.isPropertyAssignment(n) && isError(unwrap(n.initializer))) {
      found = { node: n, error: n.initializer, what: 'object' };
      return false;
    }
    if (ts.isShorthandPropertyAssignment(n) && isError(n.name)) {
      found = { node: n, error: n.name, what: 'object' };
      return false;
    }
    // Only the top object and its values: a call's other arguments are not the body.
    if (ts.isCallExpression(n) && n !== top) return false;
    return undefined;
  });
  return found;
}

/**
 * Whether an identifier is bound to a caught error: a catch clause's variable, the first parameter
 * of four-parameter Express error middleware, or an error-named parameter of a callback.
 */
function isError(node: ts.Node): node is ts.Identifier {
  if (!ts.isIdentifier(node)) return false;
  const name = node.text;
  for (let n: ts.Node = node; n.parent; n = n.parent) {
    const p = n.parent;
    if (ts.isCatchClause(p) && p.variableDeclaration && ts.isIdentifier(p.variableDeclaration.name) && p.variableDeclaration.name.text === name) return true;
    if (isFunctionLike(p)) {
      const index = p.parameters.findIndex((q) => ts.isIdentifier(q.name) && q.name.text === name);
      if (index < 0) continue;
      if (index === 0 && p.parameters.length === 4) return true;
      if (!ERROR_PARAM.test(name)) return false;
      return p.parent !== undefined && (ts.isCallExpression(p.parent) || ts.isPropertyAssignment(p.parent) || ts.isVariableDeclaration(p.parent) || ts.isMethodDeclaration(p));
    }
    if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) && p.name.text === name && n !== p.name) return false;
  }
  return false;
}

/** Whether the response is sent only in a branch guarded by an environment check. */
function developmentOnly(node: ts.Node): boolean {
  for (let n: ts.Node = node; n.parent && !ts.isSourceFile(n.parent); n = n.parent) {
    const p = n.parent;
    if (ts.isIfStatement(p) && p.thenStatement === n && ENVIRONMENT_CHECK.test(p.expression.getText())) return true;
    if (ts.isIfStatement(p) && p.elseStatement === n && ENVIRONMENT_CHECK.test(p.expression.getText())) return true;
    if (ts.isConditionalExpression(p) && n !== p.condition && ENVIRONMENT_CHECK.test(p.condition.getText())) return true;
    if (ts.isBinaryExpression(p) && p.right === n && (p.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) && ENVIRONMENT_CHECK.test(p.left.getText())) return true;
    if (isFunctionLike(p) && !isCallback(p)) break;
  }
  return false;
}

function isCallback(fn: ts.Node): boolean {
  return fn.parent !== undefined && ts.isCallExpression(fn.parent) && fn.parent.arguments.some((a) => a === fn) && !ts.isSourceFile(fn.parent.parent);
}

/** The identifier a chain of calls and member reads starts from: res.status(500).json → res. */
function rootName(expr: ts.Expression): string | undefined {
  let e = unwrap(expr);
  for (let i = 0; i < 8; i++) {
    if (ts.isCallExpression(e)) e = unwrap(e.expression);
    else if (ts.isPropertyAccessExpression(e)) e = unwrap(e.expression);
    else break;
  }
  return ts.isIdentifier(e) ? e.text : undefined;
}
