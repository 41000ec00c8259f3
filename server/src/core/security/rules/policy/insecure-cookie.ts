// CWE-1004, CWE-614, CWE-1275: a session or authentication cookie whose flags give it away — readable
// by the page's scripts (so one XSS steals the login), sent over plain HTTP, or sent cross-site.
import ts from 'typescript';
import type { Rule, RuleContext } from '../../rule';
import { cweUrl } from '../../rule';
import { unwrap } from '../../ast';
import type { CallSite } from '../../facts';
import { evidence, objectProperty, propertyName, propertyValue, resolveObject, step, stringValue } from './util';

/** Session middleware whose options (or their `cookie` object) describe the session cookie. */
const SESSION_MODULES = /^(express-session|cookie-session|koa-session|koa-generic-session|client-sessions|@fastify\/session|@fastify\/secure-session|fastify-session|fastify-secure-session)$/;
/** express-session reads flags only from `cookie`; flags beside it are ignored, so they set nothing. */
const COOKIE_ONLY_MODULES = /^(express-session|@fastify\/session|fastify-session)$/;
/** Cookie names (or values) that carry a login: the session id, a JWT, a remember-me or refresh token. */
const AUTH_COOKIE = /sess|(^|[^a-z])sid|token|auth|jwt|login|remember|bearer|credential|identity|access|refresh/i;
/** CSRF double-submit cookies are meant to be read by the page's script. */
const SCRIPT_READ_COOKIE = /csrf|xsrf/i;

type Setter = 'express' | 'fastify' | 'koa';

export const insecureCookie: Rule = {
  meta: {
    id: 'insecure-cookie',
    cwe: ['CWE-1004', 'CWE-614', 'CWE-1275'],
    defaultSeverity: 'warning',
    title: 'Session cookie without its protective flags',
    description:
      'A session or authentication cookie is set with httpOnly: false (or, for res.cookie and reply.setCookie, without httpOnly), secure: false, or sameSite: "none" without secure, so a script injected into the page can read the login, or the browser sends it over plain HTTP or with cross-site requests.',
    docsUrl: cweUrl('CWE-1004'),
    hasFix: false,
    constraint:
      'Set session and authentication cookies with httpOnly: true, never write secure: false or sameSite: "none" without secure: true; decide secure from the environment (for example process.env.NODE_ENV === "production") rather than turning it off.',
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      const session = sessionModule(call, ctx);
      if (session) {
        checkSession(ctx, call, session);
        continue;
      }
      const setter = cookieSetter(call);
      if (setter) checkSetter(ctx, call, setter);
    }
  },
};

/** The session package a call configures: `session({…})`, or `fastify.register(fastifySession, {…})`. */
function sessionModule(call: CallSite, ctx: RuleContext): { module: string; options: ts.Expression | undefined } | undefined {
  if (call.name === 'register' && call.args.length >= 2) {
    const plugin = unwrap(call.args[0]);
    const mod = ts.isCallExpression(plugin) && plugin.expression.getText() === 'require' && plugin.arguments[0] && ts.isStringLiteralLike(plugin.arguments[0])
      ? plugin.arguments[0].text
      : ts.isIdentifier(plugin) ? importedFrom(plugin.text, ctx) : undefined;
    return mod && SESSION_MODULES.test(mod) ? { module: mod, options: call.args[1] } : undefined;
  }
  const mod = call.callee?.module;
  if (!mod || !SESSION_MODULES.test(mod) || call.callee?.path.length) return undefined;
  return { module: mod, options: call.args[0] };
}

/** The module a plain identifier was imported or required from. */
function importedFrom(name: string, ctx: RuleContext): string | undefined {
  for (const call of ctx.facts.calls) {
    if (call.callee?.module && call.node.parent && ts.isVariableDeclaration(call.node.parent) && ts.isIdentifier(call.node.parent.name) && call.node.parent.name.text === name) {
      return call.callee.module;
    }
  }
  for (const st of ctx.sourceFile.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !st.importClause) continue;
    const c = st.importClause;
    if (c.name?.text === name) return st.moduleSpecifier.text;
    const nb = c.namedBindings;
    if (nb && ts.isNamespaceImport(nb) && nb.name.text === name) return st.moduleSpecifier.text;
  }
  const re = new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\s*=\\s*require\\(\\s*['"]([^'"]+)['"]\\s*\\)`);
  return re.exec(ctx.text)?.[1];
}

function checkSession(ctx: RuleContext, call: CallSite, session: { module: string; options: ts.Expression | undefined }): void {
  const options = resolveObject(session.options, ctx.facts);
  if (!options) return;
  const where = `the ${session.module} session cookie`;
  const cookie = resolveObject(propertyValue(objectProperty(options, 'cookie')), ctx.facts);
  if (cookie) checkFlags(ctx, call, cookie, where, false);
  if (!COOKIE_ONLY_MODULES.test(session.module)) checkFlags(ctx, call, options, where, false);
}

/** `res.cookie(name, value, opts)`, `reply.setCookie(…)`, `ctx.cookies.set(…)`. */
function cookieSetter(call: CallSite): Setter | undefined {
  if (call.args.length < 2 || !call.qualifier) return undefined;
  const last = call.qualifier.split('.').pop() ?? '';
  if (call.name === 'cookie' && /^(res|response|resp)$/.test(last)) return 'express';
  if ((call.name === 'setCookie' || call.name === 'cookie') && /^(reply|rep)$/.test(last)) return 'fastify';
  if (call.name === 'set' && last === 'cookies') return 'koa';
  return undefined;
}

function checkSetter(ctx: RuleContext, call: CallSite, setter: Setter): void {
  const name = stringValue(call.args[0], ctx.facts);
  const label = name ?? call.args[1].getText();
  if (!AUTH_COOKIE.test(label) || SCRIPT_READ_COOKIE.test(label)) return;
  const where = `the "${name ?? label.slice(0, 40)}" cookie`;
  const optionsArg = call.args[2];
  // Koa's cookies default to httpOnly and, over HTTPS, secure; Express and @fastify/cookie set neither.
  const httpOnlyByDefault = setter === 'koa';
  if (!optionsArg) {
    if (httpOnlyByDefault) return;
    ctx.report({
      node: call.node,
      message: `${capital(where)} carries a login but is set without options, so it is not httpOnly and any script on the page can read it; pass { httpOnly: true }`,
      taint: evidence([step(call.args[1], 'the login this cookie carries'), step(call.node, 'set without httpOnly')]),
      sink: 'set without httpOnly',
    });
    return;
  }
  const options = resolveObject(optionsArg, ctx.facts);
  if (!options || options.properties.some(ts.isSpreadAssignment)) return;
  checkFlags(ctx, call, options, where, !httpOnlyByDefault);
}

/** Reports flags written as literal values that switch a protection off. Expressions (env checks) are trusted. */
function checkFlags(ctx: RuleContext, call: CallSite, options: ts.ObjectLiteralExpression, where: string, httpOnlyRequired: boolean): void {
  const httpOnly = flag(options, /^httpOnly$/i);
  const secure = flag(options, /^secure$/);
  const sameSite = flag(options, /^sameSite$/i);
  if (httpOnly && isFalse(httpOnly.value)) {
    report(ctx, httpOnly.prop, call, `${capital(where)} is set with httpOnly: false, so any script on the page (one XSS) can read the login; remove it or set httpOnly: true`, 'readable by script');
  } else if (!httpOnly && httpOnlyRequired) {
    report(ctx, options, call, `${capital(where)} carries a login but its options leave out httpOnly, so any script on the page can read it; add httpOnly: true`, 'set without httpOnly');
  }
  if (secure && isFalse(secure.value)) {
    report(ctx, secure.prop, call, `${capital(where)} is set with secure: false, so the browser also sends it over plain HTTP where anyone on the network reads it; set secure from the environment (process.env.NODE_ENV === 'production')`, 'sent over plain HTTP');
  }
  if (sameSite && /^none$/i.test(stringValue(sameSite.value, ctx.facts) ?? '') && !(secure && unwrap(secure.value).kind === ts.SyntaxKind.TrueKeyword)) {
    report(ctx, sameSite.prop, call, `${capital(where)} is set with sameSite: 'none' but not secure: true, so it goes with cross-site requests and over plain HTTP; use 'lax' or add secure: true`, 'sent cross-site without secure');
  }
}

function report(ctx: RuleContext, node: ts.Node, call: CallSite, message: string, sink: string): void {
  ctx.report({ node, message, taint: evidence([step(node, 'the cookie option'), step(call.node, `configures the cookie: ${sink}`)]), sink });
}

function flag(options: ts.ObjectLiteralExpression, name: RegExp): { prop: ts.ObjectLiteralElementLike; value: ts.Expression } | undefined {
  const prop = options.properties.find((p) => { const n = propertyName(p.name); return n !== undefined && name.test(n); });
  const value = propertyValue(prop);
  return prop && value ? { prop, value } : undefined;
}

function isFalse(expr: ts.Expression): boolean {
  const e = unwrap(expr);
  if (e.kind === ts.SyntaxKind.FalseKeyword) return true;
  // `!1` and `0` are how minifiers and some hand-written configs spell false.
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken && ts.isNumericLiteral(e.operand) && e.operand.text !== '0') return true;
  return ts.isNumericLiteral(e) && e.text === '0';
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
