// CWE-347/327: JSON Web Tokens accepted without a real signature check — verify without pinned
// algorithms, decode used in place of verify, or the 'none' algorithm.
import ts from 'typescript';
import type { Fix } from '../../../types';
import type { Rule, RuleContext } from '../../rule';
import type { CallSite } from '../../facts';
import { cweUrl } from '../../rule';
import { unwrap } from '../../ast';
import { definitionOf, enclosingFunction, evidence, objectProperty, propertyValue, step, stringValue, walk } from './util';

export const jwtMisuse: Rule = {
  meta: {
    id: 'jwt-misuse',
    cwe: ['CWE-347', 'CWE-327'],
    defaultSeverity: 'error',
    title: 'JWT accepted without a pinned, real signature check',
    description: "jwt.verify without an `algorithms` list, with a key that may be empty (an unset environment variable: jsonwebtoken before 9 then accepts alg 'none') or that a callback looks up (key-type confusion before 9); jwt.decode used as if it checked the signature; the 'none' algorithm accepted or issued.",
    docsUrl: cweUrl('CWE-347'),
    hasFix: true,
  },
  check(ctx) {
    const jwtCalls = ctx.facts.calls.filter(isJwtCall);
    const signAlg = signingAlgorithm(ctx, jwtCalls);
    for (const call of jwtCalls) {
      if (call.name === 'verify') checkVerify(ctx, call, signAlg);
      else if (call.name === 'sign') checkSign(ctx, call);
      else if (call.name === 'decode') checkDecode(ctx, call, jwtCalls);
    }
  },
};

function isJwtCall(c: CallSite): boolean {
  if (!/^(verify|sign|decode)$/.test(c.name)) return false;
  return c.callee?.module === 'jsonwebtoken' || (c.callee === undefined && /^(jwt|jsonwebtoken)$/.test(c.qualifier ?? ''));
}

/** The algorithm the file signs with, so the pinned list matches what it issues. */
function signingAlgorithm(ctx: RuleContext, calls: CallSite[]): string {
  for (const c of calls) {
    if (c.name !== 'sign') continue;
    const alg = stringValue(propertyValue(objectProperty(c.args[2], 'algorithm')), ctx.facts);
    if (alg && alg !== 'none') return alg;
  }
  return 'HS256';
}

function checkVerify(ctx: RuleContext, call: CallSite, alg: string): void {
  const node = call.node as ts.CallExpression;
  const opts = call.args[2] && !isFunction(call.args[2]) ? call.args[2] : undefined;
  const algs = opts ? propertyValue(objectProperty(opts, 'algorithms')) : undefined;
  if (algs) {
    if (/['"`]none['"`]/i.test(algs.getText())) {
      ctx.report({ node: algs, message: "jwt.verify accepts the 'none' algorithm, so unsigned tokens pass", taint: evidence([step(node, 'the token is verified here')]), sink: "'none' is accepted" });
    }
    return;
  }
  // An options object we cannot see (a variable) may well pin the algorithms.
  if (opts && !ts.isObjectLiteralExpression(unwrap(opts))) return;
  const risk = keyRisk(call.args[1], ctx);
  if (!risk) return;
  const fix = pinFix(call, opts, alg);
  ctx.report({
    node,
    message: `jwt.verify is called without an \`algorithms\` option and ${risk.why}; pin the algorithm you sign with`,
    taint: evidence([step(call.args[1] ?? node.expression, risk.step), step(node.expression, 'the token is verified here')]),
    sink: 'with the algorithm the token header names',
    ...(fix ? { fixes: [fix] } : {}),
  });
}

/**
 * When leaving out `algorithms` can be exploited. jsonwebtoken derives the accepted algorithms from
 * the key when none are given: HMAC for a secret, RSA/EC for a PEM public key or certificate, so a
 * non-empty secret or a literal public key cannot be confused with another algorithm. Two cases can
 * (both fixed in jsonwebtoken 9, which the file does not say it uses): a key that is empty or
 * unset at run time makes versions before 9 accept unsigned tokens (alg 'none', CVE-2022-23540),
 * and a key looked up by a callback lets a token choose HMAC against an RSA public key (key-type
 * confusion, CVE-2022-23541). A key read from configuration we cannot see is not reported.
 */
function keyRisk(key: ts.Expression | undefined, ctx: RuleContext): { why: string; step: string } | undefined {
  if (!key) return undefined;
  const k = resolveKey(key, ctx, 0);
  if (isFunction(k) || (ts.isIdentifier(k) && /^get(Key|Secret|SigningKey|PublicKey)$/i.test(k.text))) {
    return { why: 'the key comes from a callback, so before jsonwebtoken 9 a token can pick HMAC with an RSA public key as its secret', step: 'the key is looked up per token' };
  }
  const unset = mayBeEmpty(k, ctx, 0);
  if (unset) return { why: `the key is ${unset}, so when it is empty jsonwebtoken before 9 accepts an unsigned token (alg 'none')`, step: `the key may be empty: ${unset}` };
  return undefined;
}

function resolveKey(e: ts.Expression, ctx: RuleContext, depth: number): ts.Expression {
  const u = unwrapKey(e);
  if (depth < 4 && ts.isIdentifier(u)) {
    const def = definitionOf(u, ctx.facts);
    if (def) return resolveKey(def, ctx, depth + 1);
  }
  return u;
}

function unwrapKey(e: ts.Expression): ts.Expression {
  let u = unwrap(e);
  while (ts.isNonNullExpression(u) || ts.isAsExpression(u) || ts.isTypeAssertionExpression(u) || ts.isParenthesizedExpression(u)) u = u.expression;
  return u;
}

/** How the key can be empty at run time: an environment variable with no non-empty fallback, or ''. */
function mayBeEmpty(e: ts.Expression, ctx: RuleContext, depth: number): string | undefined {
  const u = depth === 0 ? e : resolveKey(e, ctx, 0);
  if (depth > 4) return undefined;
  if (ts.isStringLiteral(u) || ts.isNoSubstitutionTemplateLiteral(u)) return u.text === '' ? "''" : undefined;
  if (ts.isPropertyAccessExpression(u) && /^process\.env$/.test(u.expression.getText())) return `${u.getText()}, which may be unset`;
  if (ts.isElementAccessExpression(u) && /^process\.env$/.test(u.expression.getText())) return `${u.getText()}, which may be unset`;
  if (ts.isBinaryExpression(u) && /^(\|\||\?\?)$/.test(u.operatorToken.getText())) {
    const left = mayBeEmpty(u.left, ctx, depth + 1);
    if (!left) return undefined;
    return mayBeEmpty(u.right, ctx, depth + 1) ?? (isNullish(u.right) ? left : undefined);
  }
  return undefined;
}

function isNullish(e: ts.Expression): boolean {
  const u = unwrapKey(e);
  return u.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(u) && u.text === 'undefined');
}

function pinFix(call: CallSite, opts: ts.Expression | undefined, alg: string): Fix | undefined {
  const prop = `algorithms: ['${alg}']`;
  const title = `Pin algorithms to ['${alg}']`;
  if (opts) {
    const o = unwrap(opts) as ts.ObjectLiteralExpression;
    const at = o.getStart() + 1;
    return { title, edits: [{ span: { start: at, end: at }, newText: o.properties.length > 0 ? ` ${prop},` : ` ${prop} ` }] };
  }
  const key = call.args[1];
  if (!key) return undefined;
  return { title, edits: [{ span: { start: key.getEnd(), end: key.getEnd() }, newText: `, { ${prop} }` }] };
}

function checkSign(ctx: RuleContext, call: CallSite): void {
  const algProp = objectProperty(call.args[2], 'algorithm');
  const alg = stringValue(propertyValue(algProp), ctx.facts);
  if (algProp && alg?.toLowerCase() === 'none') {
    ctx.report({ node: algProp, message: "Tokens are issued with the 'none' algorithm and carry no signature, so anyone can mint them", taint: evidence([step(call.node, 'the token is signed here')]), sink: "algorithm 'none'" });
  }
}

/**
 * jwt.decode is fine for reading a header before verifying; it is a vulnerability when its result
 * decides who the user is and nothing in the same function (or the file) verifies the token.
 */
function checkDecode(ctx: RuleContext, call: CallSite, all: CallSite[]): void {
  const fn = enclosingFunction(call.node);
  const verifiesHere = all.some((c) => c.name === 'verify' && fn !== undefined && enclosingFunction(c.node) === fn);
  if (verifiesHere) return;
  const target = usedAs(call.node);
  if (!target) return;
  ctx.report({
    node: call.node,
    message: `jwt.decode does not check the signature, yet its result ${target}; use jwt.verify with pinned algorithms`,
    taint: evidence([step(call.node, 'the token is decoded without verification')]),
    sink: target,
  });
}

/** How the decoded payload is used: for identity or authorization, or only to read its header. */
function usedAs(call: ts.Node): string | undefined {
  const decl = call.parent && ts.isVariableDeclaration(unwrapParent(call)) ? (unwrapParent(call) as ts.VariableDeclaration) : undefined;
  const fn = enclosingFunction(call) ?? call.getSourceFile();
  if (!decl) {
    const p = unwrapParent(call);
    if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) return `becomes ${p.left.getText()}`;
    if (ts.isReturnStatement(p)) return 'is returned as the identity';
    return undefined;
  }
  const names = ts.isIdentifier(decl.name) ? [decl.name.text] : ts.isObjectBindingPattern(decl.name) ? decl.name.elements.map((e) => e.name.getText()) : [];
  if (ts.isObjectBindingPattern(decl.name)) return `provides ${names.join(', ')}`;
  let use: string | undefined;
  walk(fn, (n) => {
    if (use) return false;
    if (!ts.isIdentifier(n) || !names.includes(n.text) || n.parent === decl) return undefined;
    const p = n.parent;
    if (ts.isPropertyAccessExpression(p) && p.expression === n && /^(header|exp|iat)$/.test(p.name.text)) return undefined;
    if (ts.isPropertyAccessExpression(p) && p.expression === n) use = `is trusted for ${p.name.text}`;
    else if (ts.isBinaryExpression(p) && p.right === n) use = `becomes ${p.left.getText()}`;
    else if (ts.isReturnStatement(p) || ts.isCallExpression(p)) use = 'is trusted as the identity';
    return undefined;
  });
  return use;
}

function unwrapParent(n: ts.Node): ts.Node {
  let p = n.parent;
  while (ts.isAwaitExpression(p) || ts.isParenthesizedExpression(p) || ts.isAsExpression(p)) p = p.parent;
  return p;
}

function isFunction(e: ts.Expression): boolean {
  const u = unwrap(e);
  return ts.isArrowFunction(u) || ts.isFunctionExpression(u);
}
