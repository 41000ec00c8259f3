// CWE-614/1004: session and authentication cookies without the flags that keep them to HTTPS and
// away from page scripts — express-session or cookie-session without `secure`, `httpOnly: false`,
// and res.cookie() of a session or token cookie without `httpOnly`/`secure`.
import ts from 'typescript';
import type { Rule, RuleContext } from '../../rule';
import type { CallSite } from '../../facts';
import { cweUrl } from '../../rule';
import { unwrap } from '../../ast';
import { evidence, objectProperty, propertyValue, resolveObject, step, stringValue } from './util';

const SESSION_MODULES = new Set(['express-session', 'cookie-session', 'koa-session', '@fastify/session', 'fastify-session']);
/** Cookie names that carry a session or a credential. */
const AUTH_COOKIE = /sess|sid$|^sid|token|auth|jwt|login|remember|connect\.sid|access|refresh/i;

export const insecureCookie: Rule = {
  meta: {
    id: 'insecure-cookie',
    cwe: ['CWE-614', 'CWE-1004'],
    defaultSeverity: 'warning',
    title: 'Session cookie without Secure or HttpOnly',
    description:
      'A session or authentication cookie without `secure` is sent over plain HTTP, where anyone on the network reads it; one with `httpOnly: false` can be read by any script on the page, so one XSS steals the session. Set `secure: true` (behind a proxy with `app.set("trust proxy", 1)`) and leave httpOnly on.',
    docsUrl: cweUrl('CWE-614'),
    hasFix: false,
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      if (isSessionMiddleware(call, ctx)) checkSession(ctx, call);
      else if (call.name === 'cookie' && call.qualifier && /^(res|response|reply|ctx\.cookies)$/.test(call.qualifier)) checkResCookie(ctx, call);
      else if (call.name === 'set' && call.qualifier === 'ctx.cookies') checkResCookie(ctx, call);
    }
  },
};

function isSessionMiddleware(call: CallSite, ctx: RuleContext): boolean {
  if (call.callee && SESSION_MODULES.has(call.callee.module) && call.callee.path.length <= 1) return true;
  return call.callee === undefined && call.qualifier === undefined && /^(session|cookieSession|expressSession)$/.test(call.name) && [...ctx.facts.modules].some((m) => SESSION_MODULES.has(m));
}

/** A literal `false`, or undefined when the flag is absent; anything else is taken as set. */
function flag(options: ts.ObjectLiteralExpression | undefined, name: string): 'absent' | 'false' | 'set' {
  const p = objectProperty(options, name);
  if (!p) return 'absent';
  const v = propertyValue(p);
  return v && unwrap(v).kind === ts.SyntaxKind.FalseKeyword ? 'false' : 'set';
}

function checkSession(ctx: RuleContext, call: CallSite): void {
  const arg = call.args[0];
  const options = resolveObject(arg, ctx.facts);
  // Options we cannot see (built elsewhere) may well set the flags.
  if (!options) return;
  const isCookieSession = call.callee?.module === 'cookie-session' || call.name === 'cookieSession';
  const cookieProp = objectProperty(options, 'cookie');
  const cookieValue = propertyValue(cookieProp);
  const cookieObject = cookieValue ? resolveObject(cookieValue, ctx.facts) : undefined;
  if (cookieValue && !cookieObject) return;
  const cookie = isCookieSession ? options : cookieObject;
  const secure = flag(cookie, 'secure');
  const httpOnly = flag(cookie, 'httpOnly');
  if (httpOnly === 'false') {
    const at = objectProperty(cookie, 'httpOnly') as ts.Node;
    ctx.report({
      node: at,
      message: 'The session cookie is set with httpOnly: false, so any script on the page can read the session id and one XSS hands the session to an attacker',
      taint: evidence([step(call.node, 'the session middleware'), step(at, 'httpOnly: false')]),
      sink: 'readable by page scripts',
    });
  }
  if (secure !== 'set') {
    const at = secure === 'false' ? (objectProperty(cookie, 'secure') as ts.Node) : cookieProp ?? call.node;
    ctx.report({
      node: at,
      message: `The session cookie has ${secure === 'false' ? 'secure: false' : 'no secure flag'}, so browsers also send it over plain HTTP, where anyone on the network reads the session id; set cookie.secure (true, or true in production)`,
      taint: evidence([step(call.node, 'the session middleware'), step(at, secure === 'false' ? 'secure: false' : 'no secure flag')]),
      sink: 'sent over plain HTTP',
    });
  }
}

function checkResCookie(ctx: RuleContext, call: CallSite): void {
  const name = stringValue(call.args[0], ctx.facts);
  if (!name || !AUTH_COOKIE.test(name)) return;
  const optsArg = call.args[2];
  const options = optsArg ? resolveObject(optsArg, ctx.facts) : undefined;
  if (optsArg && !options) return;
  const httpOnly = flag(options, 'httpOnly');
  if (httpOnly !== 'set') {
    ctx.report({
      node: call.node,
      message: `The '${name}' cookie is set without httpOnly, so any script on the page can read it and one XSS steals it; add httpOnly: true`,
      taint: evidence([step(call.args[0], `the '${name}' cookie`), step(call.node, httpOnly === 'false' ? 'httpOnly: false' : 'no httpOnly flag')]),
      sink: 'readable by page scripts',
    });
  }
}
