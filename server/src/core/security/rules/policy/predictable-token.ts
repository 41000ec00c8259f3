// CWE-640, CWE-330: a password-reset, email-verification or invitation token computed from what an
// attacker knows or can guess — the address, the login, the time — so they can make the link
// themselves and take over the account. Math.random() tokens are insecure-randomness's findings.
import ts from 'typescript';
import type { Rule } from '../../rule';
import { cweUrl } from '../../rule';
import { unwrap } from '../../ast';
import type { CallSite } from '../../facts';
import { enclosingFunction, evidence, functionName, propertyName, step } from './util';

/** What the value is for: the name it gets, or the function that makes it. */
const PURPOSE = /reset|verif|confirm|invit|activat|magic|recover|forgot|otp|unsubscribe|onboard/i;
/** Names of a token when the function around it says what for (`function sendResetEmail() { const token = … }`). */
const TOKEN_NAME = /token|code|key|link|nonce|otp|pin$/i;
/** Companions of a token that need not be secret: its expiry, when it was sent, its stored hash. */
const NOT_THE_TOKEN = /expir|At$|date|time|ttl|hash$|digest|sent|count|attempt/i;
/** Anything unguessable in the inputs makes the value unguessable too. */
const UNGUESSABLE = /random|\buuid\(\)|uuidv4|\.v4\(|nanoid|cuid|secret|salt|process\.env|config\.|privateKey|hmac/i;
/** Calls that transform a value without adding anything unguessable. */
const TRANSFORMS = /^(toString|slice|substring|substr|padStart|padEnd|toUpperCase|toLowerCase|update|digest|replace|join|toISOString|valueOf|getTime)$/;
const WRAPPERS = /^(String|btoa|encodeURIComponent|md5|sha1|sha256|sha512|hash|Buffer\.from|base64|encode)$/;

export const predictableToken: Rule = {
  meta: {
    id: 'predictable-token',
    cwe: ['CWE-640', 'CWE-330'],
    defaultSeverity: 'warning',
    title: 'Predictable reset or verification token',
    description:
      'A password-reset, verification or invitation token is made from the time, the address or the login (Date.now(), a hash or base64 of the email, uuid v1), so an attacker can compute the link and take over the account; use crypto.randomBytes(32).',
    docsUrl: cweUrl('CWE-640'),
    hasFix: false,
    constraint:
      'Make password-reset, email-verification and invitation tokens with crypto.randomBytes (32 bytes) or crypto.randomUUID(), never from the time, the email, the login or a hash of them.',
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      const what = predictableStart(call);
      if (!what) continue;
      const bound = climbToBinding(call.node);
      if (!bound) continue;
      const text = bound.value.getText();
      if (UNGUESSABLE.test(text) || /Math\.random/.test(text)) continue;
      if (!purposeOf(bound)) continue;
      ctx.report({
        node: bound.value,
        message: `${bound.name} is ${what}, so an attacker who knows the address, the login or roughly the time can compute it and make a valid link; use crypto.randomBytes(32).toString('hex')`,
        taint: evidence([step(call.node, `${what}: predictable`), step(bound.value, `becomes ${bound.name}`)]),
        sink: `becomes ${bound.name}`,
      });
    }
  },
};

/** Calls whose value anyone can reproduce: the clock, a hash or an encoding, a time-based uuid. */
function predictableStart(call: CallSite): string | undefined {
  if (call.name === 'now' && call.qualifier === 'Date') return 'made from the time (Date.now())';
  if ((call.name === 'getTime' || call.name === 'valueOf') && call.receiver && ts.isNewExpression(unwrap(call.receiver))) return 'made from the time';
  if (call.name === 'createHash' || /^(md5|sha1|sha256|sha512)$/.test(call.name)) return 'a hash of values that are not secret';
  // Buffer.from(x) alone is bytes to compare (timingSafeEqual); only an encoding of it is a token.
  if (call.name === 'from' && call.qualifier === 'Buffer' && isEncoded(call.node)) return 'an encoding of values that are not secret';
  if (call.name === 'btoa') return 'an encoding of values that are not secret';
  if (call.name === 'v1' && (call.callee?.module === 'uuid' || call.qualifier === 'uuid')) return 'a time-based uuid (v1)';
  if (/^uuidv1$/i.test(call.name) && call.callee?.module === 'uuid') return 'a time-based uuid (v1)';
  return undefined;
}

interface Bound { value: ts.Expression; name: string; fn: ts.Node | undefined }

/** From a predictable call out through transforms to the name it is given, if nothing unguessable joins it. */
function climbToBinding(start: ts.Node): Bound | undefined {
  let n: ts.Node = start;
  for (let i = 0; i < 16 && n.parent; i++) {
    const p: ts.Node = n.parent;
    if (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p) || ts.isAwaitExpression(p) || ts.isTemplateSpan(p) || ts.isTemplateExpression(p)) {
      n = p;
      continue;
    }
    if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      n = p;
      continue;
    }
    if (ts.isPropertyAccessExpression(p) && p.expression === n && TRANSFORMS.test(p.name.text) && p.parent && ts.isCallExpression(p.parent) && p.parent.expression === p) {
      n = p.parent;
      continue;
    }
    if (ts.isCallExpression(p) && p.arguments.some((a) => a === n)) {
      const callee = p.expression;
      const calleeText = callee.getText();
      if (WRAPPERS.test(calleeText) || (ts.isPropertyAccessExpression(callee) && /^(update|md5|sha1|sha256|hash|encode)$/.test(callee.name.text))) {
        n = p;
        continue;
      }
      return undefined;
    }
    if (!ts.isExpression(n)) return undefined;
    const value = n;
    if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) && p.initializer === n) return { value, name: p.name.text, fn: enclosingFunction(p) };
    if (ts.isPropertyAssignment(p) && p.initializer === n) {
      const name = propertyName(p.name);
      return name ? { value, name, fn: enclosingFunction(p) } : undefined;
    }
    if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === n) {
      const l = p.left;
      const name = ts.isIdentifier(l) ? l.text : ts.isPropertyAccessExpression(l) ? l.name.text : undefined;
      return name ? { value, name, fn: enclosingFunction(p) } : undefined;
    }
    if (ts.isReturnStatement(p) || (ts.isArrowFunction(p) && p.body === n)) {
      const fn = enclosingFunction(n);
      const name = fn && functionName(fn);
      return name ? { value, name, fn: undefined } : undefined;
    }
    return undefined;
  }
  return undefined;
}

/** The token is for a reset, verification or invitation, by its own name or by its function's. */
function purposeOf(b: Bound): boolean {
  if (!TOKEN_NAME.test(b.name) || NOT_THE_TOKEN.test(b.name)) return false;
  if (PURPOSE.test(b.name)) return true;
  if (/^key$/i.test(b.name)) return false;
  const fn = b.fn as Parameters<typeof functionName>[0] | undefined;
  const fnName = fn ? functionName(fn) : undefined;
  // verifyResetToken(token) compares a token it was given; it does not make one.
  return fnName !== undefined && PURPOSE.test(fnName) && !/^(verify|check|compare|validate|match|is|has)[A-Z_]/.test(fnName);
}

/** `Buffer.from(x).toString('base64')`: the call's value is turned into text. */
function isEncoded(node: ts.Node): boolean {
  const p = node.parent;
  return p !== undefined && ts.isPropertyAccessExpression(p) && p.name.text === 'toString' && p.parent !== undefined && ts.isCallExpression(p.parent);
}
