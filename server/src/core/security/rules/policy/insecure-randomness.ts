// CWE-338: Math.random() used for tokens, ids, passwords, session ids, reset codes and OTPs.
// Its output is predictable from a few samples, so anything that must be unguessable needs crypto.
import ts from 'typescript';
import type { Fix, TextEdit } from '../../../types';
import type { Rule, RuleContext } from '../../rule';
import { cweUrl } from '../../rule';
import { forEachNode, unwrap } from '../../ast';
import { bindingName, enclosingFunction, evidence, functionName, step } from './util';
import { ensureModule } from './imports';

/** Names of values that must be unguessable. */
const SECRET_NAME = /token|secret|passw|pwd|session|sid$|nonce|salt|otp|code|pin$|reset|verif|api_?key|apikey|invite|csrf|ticket|voucher|coupon|uuid|guid|(^|_)id$|[a-z]Id$|^id$|^key$|Key$/i;
/**
 * Identifiers (an order id, a ticket number) only need to be unguessable when they are the key
 * that finds the record: a refund number shown in a message grants nothing to whoever guesses it.
 */
const IDENTIFIER_NAME = /ticket|uuid|guid|(^|_)id$|[a-z]Id$|^id$/i;
const STRONG_NAME = /token|secret|passw|pwd|session|sid$|nonce|salt|otp|code|pin$|reset|verif|api_?key|apikey|invite|csrf|voucher|coupon|^key$|Key$/i;
/** Calls whose first argument is the key a record is stored or found under. */
const KEYED_CALLS = /^(set|get|has|delete|findById|findByPk|findOne|getItem|setItem|hset|hget|put)$/;
/** Names that contain a secret-looking word but are about jitter, layout or sampling. */
const HARMLESS_NAME = /status|request_?id|req_?id|trace_?id|span_?id|correlation_?id|log_?id|delay|jitter|backoff|timeout|color|colour|shuffle|sample|index|idx|percent|chance|probab|animation|quote|greeting|tip|offset|position|^x$|^y$|width|height|latency|retry|weight|pick|choice|tagline/i;

export const insecureRandomness: Rule = {
  meta: {
    id: 'insecure-randomness',
    cwe: ['CWE-338', 'CWE-330'],
    defaultSeverity: 'warning',
    title: 'Predictable random value used as a secret',
    description: 'Math.random() produces values an attacker can predict; tokens, ids, passwords, reset codes and OTPs need crypto.randomBytes, crypto.randomInt or crypto.randomUUID.',
    docsUrl: cweUrl('CWE-338'),
    hasFix: true,
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      if (call.name !== 'random' || call.qualifier !== 'Math' || !ts.isCallExpression(call.node)) continue;
      const name = purposeOf(call.node);
      if (!name || HARMLESS_NAME.test(name) || !SECRET_NAME.test(name)) continue;
      if (IDENTIFIER_NAME.test(name) && !STRONG_NAME.test(name) && !usedAsKey(call.node, name)) continue;
      const fix = fixFor(ctx, call.node);
      ctx.report({
        node: call.node,
        message: `Math.random() is predictable but produces "${name}", which must be unguessable; use the crypto module`,
        taint: evidence([step(call.node, 'Math.random() is not a cryptographic generator')]),
        sink: `becomes ${name}`,
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
    predictableSessionIds(ctx);
  },
};

/** Where a session id generator's value may come from without being predictable. */
const UNPREDICTABLE = /crypto|randomBytes|randomUUID|uuid|nanoid|uid\(|uid-safe|generateId|getRandomValues/;

/**
 * express-session's `genid` option written by hand: an id made from the time, a counter or the
 * user's own id lets anyone who can guess it take over the session (fixation, hijacking).
 */
function predictableSessionIds(ctx: RuleContext): void {
  forEachNode(ctx.sourceFile, (n) => {
    if (!ts.isPropertyAssignment(n) && !ts.isMethodDeclaration(n)) return undefined;
    if (!n.name || !ts.isIdentifier(n.name) || n.name.text !== 'genid') return undefined;
    const fn = ts.isMethodDeclaration(n) ? n : unwrap(n.initializer);
    if (!ts.isFunctionExpression(fn) && !ts.isArrowFunction(fn) && !ts.isMethodDeclaration(fn)) return false;
    if (!fn.body || UNPREDICTABLE.test(fn.body.getText()) || /Math\.random/.test(fn.body.getText())) return false;
    ctx.report({
      node: n.name,
      message: 'The session id generator builds ids from predictable values (the time, a counter or the user\'s id), so sessions can be guessed; return crypto.randomUUID()',
      taint: evidence([step(fn, 'the session id is computed here without a cryptographic generator')]),
      sink: 'becomes the session id',
    });
    return false;
  });
}

/** What the random value becomes: the variable, property or compound assignment, else the function. */
function purposeOf(call: ts.CallExpression): string | undefined {
  for (let n: ts.Node = call; n.parent; n = n.parent) {
    const p = n.parent;
    if (ts.isBinaryExpression(p) && p.left !== n && isAssignment(p.operatorToken.kind)) {
      const l = p.left;
      if (ts.isIdentifier(l)) return l.text;
      if (ts.isPropertyAccessExpression(l)) return l.name.text;
    }
    if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p)) return bindingName(n);
    if (ts.isReturnStatement(p) || ts.isArrowFunction(p)) {
      const fn = ts.isArrowFunction(p) ? p : enclosingFunction(p);
      return fn ? functionName(fn) ?? bindingName(fn) : undefined;
    }
    if (ts.isStatement(p) && !ts.isExpressionStatement(p) && !ts.isBlock(p) && !ts.isForStatement(p)) break;
    if (ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p)) return functionName(p);
  }
  const fn = enclosingFunction(call);
  return fn ? functionName(fn) : undefined;
}

/** Whether the named value is a lookup key in the function that makes it: `orders.set(id, …)`, `store[id]`. */
function usedAsKey(call: ts.CallExpression, name: string): boolean {
  const scope = enclosingFunction(call) ?? call.getSourceFile();
  let keyed = false;
  forEachNode(scope, (n) => {
    if (keyed) return false;
    if (!ts.isIdentifier(n) || n.text !== name) return undefined;
    const p = n.parent;
    if (ts.isElementAccessExpression(p) && p.argumentExpression === n) keyed = true;
    else if (ts.isCallExpression(p) && p.arguments[0] === n && ts.isPropertyAccessExpression(p.expression) && KEYED_CALLS.test(p.expression.name.text)) keyed = true;
    // A function that makes the id and returns it: whoever calls it decides; keep reporting.
    else if (ts.isReturnStatement(p) || (ts.isArrowFunction(p) && p.body === n)) keyed = true;
    return undefined;
  });
  return keyed || purposeIsFunction(call, name);
}

/** The name came from the function itself (`function newId() { return Math.random()… }`). */
function purposeIsFunction(call: ts.CallExpression, name: string): boolean {
  const fn = enclosingFunction(call);
  return fn !== undefined && (functionName(fn) === name || bindingName(fn) === name);
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.EqualsToken || kind === ts.SyntaxKind.PlusEqualsToken;
}

/** Rewrites the common shapes: base-36 strings, Math.floor(Math.random() * n), min + … * n. */
function fixFor(ctx: RuleContext, call: ts.CallExpression): Fix | undefined {
  const crypto = ensureModule(ctx, 'crypto', 'crypto');
  const withImport = (title: string, edit: TextEdit): Fix => ({
    title,
    edits: crypto.edit ? [crypto.edit, edit].sort((a, b) => a.span.start - b.span.start) : [edit],
  });
  const chain = base36Chain(call);
  if (chain) {
    return withImport('Use crypto.randomBytes', { span: { start: chain.getStart(), end: chain.getEnd() }, newText: `${crypto.name}.randomBytes(16).toString('hex')` });
  }
  // Math.floor(Math.random() * n) and Math.floor(min + Math.random() * n).
  const mul = call.parent;
  if (!ts.isBinaryExpression(mul) || mul.operatorToken.kind !== ts.SyntaxKind.AsteriskToken || mul.left !== call) return undefined;
  let inner: ts.Node = mul;
  let min: ts.Expression | undefined;
  if (ts.isBinaryExpression(mul.parent) && mul.parent.operatorToken.kind === ts.SyntaxKind.PlusToken && mul.parent.right === mul) {
    min = mul.parent.left;
    inner = mul.parent;
  }
  const floor = inner.parent;
  if (!ts.isCallExpression(floor) || floor.arguments[0] !== inner || floor.expression.getText() !== 'Math.floor') return undefined;
  const n = mul.right.getText();
  const text = min ? `${crypto.name}.randomInt(${min.getText()}, ${min.getText()} + ${n})` : `${crypto.name}.randomInt(${n})`;
  return withImport('Use crypto.randomInt', { span: { start: floor.getStart(), end: floor.getEnd() }, newText: text });
}

/** `Math.random().toString(36)` with an optional `.slice/.substring/.substr(…)` after it. */
function base36Chain(call: ts.CallExpression): ts.Expression | undefined {
  const ts1 = call.parent;
  if (!ts.isPropertyAccessExpression(ts1) || ts1.name.text !== 'toString' || !ts.isCallExpression(ts1.parent)) return undefined;
  let outer: ts.Expression = ts1.parent;
  const cut = outer.parent;
  if (ts.isPropertyAccessExpression(cut) && /^(slice|substring|substr)$/.test(cut.name.text) && ts.isCallExpression(cut.parent)) outer = cut.parent;
  return unwrap(outer) === outer ? outer : undefined;
}
