// CWE-352: cookie-session apps with state-changing routes, no CSRF token middleware and no
// SameSite=Lax/Strict session cookie, so another site can submit forms as the signed-in user.
import ts from 'typescript';
import type { Fix } from '../../../types';
import type { Rule, RuleContext } from '../../rule';
import type { CallSite } from '../../facts';
import { cweUrl } from '../../rule';
import { unwrap } from '../../ast';
import { evidence, objectProperty, propertyValue, resolveObject, step, walk } from './util';
import { routesOf, STATE_CHANGING } from './routes';
import { appView } from '../../../workspace/policy';
import type { PolicyFacts } from '../../../workspace/types';

const SESSION_MODULES = /^(express-session|cookie-session|koa-session|koa-generic-session|@fastify\/session|@fastify\/secure-session|fastify-session|fastify-secure-session)$/;
const CSRF_MODULES = /csurf|csrf|lusca|@fastify\/csrf-protection|koa-csrf|@koa\/csrf/;

export const csrf: Rule = {
  meta: {
    id: 'csrf',
    cwe: ['CWE-352'],
    defaultSeverity: 'warning',
    title: 'Cross-site request forgery',
    description: 'The app keeps users signed in with a session cookie and has state-changing routes, but uses no CSRF token middleware and does not set SameSite=Lax or Strict on the cookie, so any site can submit requests as the user.',
    docsUrl: cweUrl('CWE-352'),
    hasFix: true,
  },
  check(ctx) {
    const mods = [...ctx.facts.modules];
    const sessionModules = mods.filter((m) => SESSION_MODULES.test(m));
    if (sessionModules.length === 0 || mods.some((m) => CSRF_MODULES.test(m)) || usesCsrfToken(ctx)) return;
    const local = routesOf(ctx.facts).find((r) => STATE_CHANGING.test(r.method));
    // Routers in other files that this app mounts (from their summaries), unless they protect themselves.
    const mounted = local ? undefined : mountedChanging(ctx);
    if (!local && !mounted) return;
    const setup = ctx.facts.calls.find((c) => c.callee !== undefined && SESSION_MODULES.test(c.callee.module) && (c.callee.path.length === 0 || c.callee.path[0] === '()'))
      ?? ctx.facts.calls.find((c) => c.name === 'register' && c.args[0] !== undefined && /session/i.test(c.args[0].getText()));
    if (!setup || !ts.isCallExpression(setup.node)) return;
    const opts = optionsOf(setup, ctx);
    const sameSite = opts && findSameSite(opts);
    if (sameSite && /^['"`]?(lax|strict)['"`]?$|^true$/i.test(sameSite.getText())) return;
    const fix = opts && !sameSite ? sameSiteFix(opts, setup) : undefined;
    const route = local ? `${local.method.toUpperCase()} ${local.path}` : `${mounted?.method.toUpperCase()} ${mounted?.path}`;
    const where = mounted ? ` (${displayName(mounted.fileName)}:${mounted.line})` : '';
    ctx.report({
      node: setup.node,
      message: `Sessions live in a cookie and ${route}${where} changes state, but there is no CSRF protection and the cookie is not SameSite=Lax/Strict`,
      taint: local
        ? evidence([step(local.registration, `${route} changes state`)])
        : evidence([{ span: mounted?.span ?? { start: 0, end: 0 }, message: `${route} changes state`, ...(mounted?.fileName ? { fileName: mounted.fileName } : {}) }]),
      sink: 'session cookie sent on cross-site requests',
      ...(fix ? { fixes: [fix] } : {}),
    });
  },
};

/** The first state-changing route of a module this file mounts that acts for a signed-in user, with the file it is in. */
function mountedChanging(ctx: RuleContext): (PolicyFacts['changing'][number] & { fileName: string }) | undefined {
  const all = appView(ctx.facts).imported.flatMap((m) => m.policy.changing.filter((c) => !c.csrf).map((c) => ({ ...c, fileName: c.fileName ?? m.fileName })));
  // Only a route that acts for a signed-in user makes forged requests worth anything: routers that
  // only sign in, sign up or sign out are not enough (a forged sign-up acts for nobody).
  return all.find((c) => !SIGN_IN.test(c.path));
}

const SIGN_IN = /login|logout|signin|signup|register|session/i;

function displayName(fileName: string): string {
  return fileName.split(/[\\/]/).slice(-2).join('/');
}

/** A hand-written double-submit or header check also counts as protection. */
function usesCsrfToken(ctx: RuleContext): boolean {
  let hit = false;
  walk(ctx.sourceFile, (n) => {
    if ((ts.isIdentifier(n) || ts.isStringLiteralLike(n)) && /csrf|xsrf/i.test(n.text)) hit = true;
  });
  return hit;
}

function optionsOf(setup: CallSite, ctx: RuleContext): ts.ObjectLiteralExpression | undefined {
  for (const a of setup.args) {
    const o = resolveObject(a, ctx.facts);
    if (o) return o;
  }
  return undefined;
}

function findSameSite(opts: ts.ObjectLiteralExpression): ts.Expression | undefined {
  const direct = propertyValue(objectProperty(opts, 'sameSite'));
  if (direct) return direct;
  const cookie = propertyValue(objectProperty(opts, /^(cookie|cookieOptions)$/));
  return cookie ? propertyValue(objectProperty(cookie, 'sameSite')) : undefined;
}

/** express-session and @fastify/session take cookie options under `cookie`; the others at the top. */
function sameSiteFix(opts: ts.ObjectLiteralExpression, setup: CallSite): Fix {
  const nested = setup.callee?.module === 'express-session' || /@fastify\/session|fastify-session/.test(setup.callee?.module ?? setup.args[0]?.getText() ?? '');
  const cookie = unwrapObject(propertyValue(objectProperty(opts, 'cookie')));
  const target = cookie ?? opts;
  const prop = !cookie && nested ? "cookie: { sameSite: 'lax' }" : "sameSite: 'lax'";
  const at = target.getStart() + 1;
  return { title: "Set SameSite=Lax on the session cookie", edits: [{ span: { start: at, end: at }, newText: target.properties.length > 0 ? ` ${prop},` : ` ${prop} ` }] };
}

function unwrapObject(e: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined {
  const u = e && unwrap(e);
  return u && ts.isObjectLiteralExpression(u) ? u : undefined;
}
