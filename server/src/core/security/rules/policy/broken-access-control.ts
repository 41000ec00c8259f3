// CWE-284/862/863/639: routes that act on a user's data without authentication, records fetched by a
// client-supplied id with no ownership check, and role decisions made on client-controlled data.
import ts from 'typescript';
import { forEachNode, unwrap } from '../../ast';
import type { Rule, RuleContext } from '../../rule';
import { cweUrl } from '../../rule';
import { climb, directRequestValue, evidence, isRequestRead, nodeIndex, propertyName, requestDerived, step, walk } from './util';
import { hasAuthMechanism, routesWithHandlers, STATE_CHANGING, type Route } from './routes';
import { nodeMemo } from '../../../source/tree-memo';

/** Paths that are public by design. */
const PUBLIC_PATH = /login|logout|signin|signup|register|auth|token|refresh|health|status|ping|public|forgot|reset|verify|webhook|callback|oauth|docs|^\/$|csrf|otp|mfa|2fa|two-?factor|(e-?mail|account|registration)[/_-]?confirm|confirm[/_-]?(e-?mail|account|registration)/i;
/** Paths that name per-user data even on GET (a GET by id alone is often a public page). */
const PER_USER_PATH = /\/me\b|profile|account|admin|settings|orders|cart|secrets?|notes|invoices|messages|payments|billing|wallet|inbox|private|dashboard/i;
/** Lookups of one record by key. */
const LOOKUP = /^(findById|findByPk|findOne|findAll|findUnique|findFirst|get|all|query|execute|prepare|run|deleteOne|findByIdAndUpdate|findByIdAndDelete|updateOne|destroy|update|delete)$/;
/** References to the authenticated principal. */
const PRINCIPAL = /\b(req|request)\b[^;\n]{0,15}\.(user|auth|session)\b|ctx\.state\.(user|auth)|ctx\.session\.\w+|res\.locals\.user|currentUser|userId|user_id|owner/;
const ROLE_FIELD = /^(role|roles|isAdmin|is_admin|admin|isSuperuser|superuser|permissions?|accessLevel|x-role|x-user-role|x-admin|x-is-admin)$/i;

export const brokenAccessControl: Rule = {
  meta: {
    id: 'broken-access-control',
    cwe: ['CWE-284', 'CWE-862', 'CWE-863', 'CWE-639'],
    defaultSeverity: 'error',
    title: 'Missing authentication or authorization',
    description: 'A per-user or state-changing route is reachable without the authentication other routes use, a record is loaded by a client-supplied id without checking it belongs to the caller, or a role decision trusts request data.',
    docsUrl: cweUrl('CWE-284'),
    hasFix: false,
  },
  check(ctx) {
    const routes = routesWithHandlers(ctx.facts);
    const authed = routes.filter((r) => r.authenticated);
    if (hasAuthMechanism(routes, ctx.facts) && authed.length > 0) {
      const example = authed[0];
      for (const r of routes) {
        // A handler registered in another file: what its registration lacks is reported there, at
        // the registration; here only what the handler's own code does (its lookups) is asked.
        if (r.handlerOnly) {
          if (r.authenticated) ownership(ctx, r);
        } else if (!r.authenticated) unauthenticated(ctx, r, example);
        else {
          if (r.handler) ownership(ctx, r);
          notAuthorised(ctx, r);
        }
      }
    }
    clientRoles(ctx, routes);
    selfAssignedRoles(ctx, routes);
  },
};

/**
 * Creating an account is open by design: `POST /users` (or /user, /accounts, /members) at the collection
 * root, outside admin paths, is the sign-up form's endpoint in REST-style backends.
 */
function isSignUp(r: Route): boolean {
  return r.method.toLowerCase() === 'post' && /(^|\/)(users?|accounts?|members?)\/?$/i.test(r.path) && !/admin/i.test(r.path);
}

/** Path parameters that name a record by a handle anyone may know: `/profiles/:username`, `/u/:slug`. */
const PUBLIC_HANDLE = /\/:(username|user_?name|handle|slug|login|nick(name)?)\b/i;
/** Per-user words that stay private even when the path names whose: `/users/:username/settings`. */
const PRIVATE_PATH = /\/me\b|admin|settings|orders|cart|secrets?|notes|invoices|messages|payments|billing|wallet|inbox|private|dashboard/i;

/**
 * A GET that names the subject by a public handle is a lookup of someone's public page (a
 * profile by username in the RealWorld API, a user page by slug); "profile" or "account" in such a
 * path says whose page, not that it is the caller's own.
 */
function isPublicLookup(r: Route): boolean {
  return r.method.toLowerCase() === 'get' && PUBLIC_HANDLE.test(r.path) && !PRIVATE_PATH.test(r.path);
}

function unauthenticated(ctx: RuleContext, r: Route, example: Route): void {
  if (PUBLIC_PATH.test(r.path) || isSignUp(r) || isPublicLookup(r)) return;
  if (!STATE_CHANGING.test(r.method) && !PER_USER_PATH.test(r.path)) return;
  ctx.report({
    node: r.node,
    message: `${r.method.toUpperCase()} ${r.path} has no authentication, although other routes of this app require it`,
    taint: evidence([step(example.middleware[0] ?? example.node, `${example.method.toUpperCase()} ${example.path} is authenticated here`)]),
    sink: 'this route is open to anyone',
  });
}

/** An administrator-only path: `/admin/…`, `/v1/admin/promote/:id`. */
const ADMIN_PATH = /(^|\/)admin(s|istrat\w*)?(\/|$)/i;
/** Middleware that decides by role or permission, not only by who is signed in. */
const ROLE_GUARD = /role|admin|permission|authori[sz]|acl\b|\bcan[A-Z(]|staff|superuser|scope|polic(y|ies)|abilit|rights|privilege|grant/i;
/** A role or permission test in the handler itself. */
const ROLE_CHECK = /\.(role|roles|isAdmin|is_admin|admin|permissions?|isStaff|superuser|scopes?)\b|hasRole|checkRole|authori[sz]e|\bcan\(|ability/;

/**
 * An administrator's route behind authentication alone: any signed-in user reaches it. Asked of
 * routes another file mounts (or whose handler it registers), where the workspace index gives the
 * whole gate in front of them: every middleware of the mounts on the way down from the app, and
 * this file's. Within a single file an admin-prefixed `app.use('/admin', authenticate)` is taken
 * as the gate the app meant, as before.
 */
function notAuthorised(ctx: RuleContext, r: Route): void {
  if (!r.mountedBy || !ADMIN_PATH.test(r.path)) return;
  if (r.guards.some((g) => ROLE_GUARD.test(g) || roleArgument(g))) return;
  if (r.handler?.body && ROLE_CHECK.test(r.handler.body.getText())) return;
  const where = r.mountedBy ? ` (mounted in ${baseName(r.mountedBy.by)}:${r.mountedBy.line})` : '';
  ctx.report({
    node: r.node,
    message: `${r.method.toUpperCase()} ${r.path} is an administrator's route, but only authentication guards it${where}: any signed-in user can call it; check the role too`,
    taint: evidence([step(r.node, `${r.path}: authenticated${r.guards.length > 0 ? ` by ${r.guards.join(', ').slice(0, 80)}` : ''}, no role check`)]),
    sink: 'no role check',
  });
}

/** `auth('manageUsers')`, `requirePermission('admin')`: a guard told which right to demand (not `passport.authenticate('jwt')`). */
function roleArgument(guard: string): boolean {
  return /^[\w$.]+\((['"`])[^'"`]+\1/.test(guard) && !/authenticate|passport/i.test(guard);
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

/** A lookup keyed by req.params.id in a handler that never mentions the authenticated user. */
function ownership(ctx: RuleContext, r: Route): void {
  const body = r.handler?.body;
  // Sign-in, sign-up and reset flows look a record up by the key the visitor gives, by design.
  if (!body || PUBLIC_PATH.test(r.path) || isSignUp(r) || PRINCIPAL.test(body.getText()) || /admin/i.test(`${r.path} ${r.guards.join(' ')}`)) return;
  walk(body, (n) => {
    if (!ts.isCallExpression(n)) return undefined;
    const name = ts.isPropertyAccessExpression(n.expression) ? n.expression.name.text : ts.isIdentifier(n.expression) ? n.expression.text : '';
    if (!LOOKUP.test(name)) return undefined;
    const idArg = n.arguments.find((a) => usesParamId(a, ctx));
    if (!idArg) return undefined;
    ctx.report({
      node: n,
      message: 'The record is chosen by a key from the request without checking it belongs to the signed-in user, so any user can read or change anyone\'s data',
      taint: evidence([step(idArg, 'the id comes from the request')]),
      sink: 'no ownership check',
    });
    return false;
  });
}

/** Names that pick whose record it is: ids, usernames, emails, owners. */
const OWNER_KEY = /(id|username|user|email|owner|account)$/i;

/** A key from the request that selects a record: `req.params.*`, or an owner-like field of the query or body. */
function usesParamId(a: ts.Expression, ctx: RuleContext): boolean {
  let hit = false;
  forEachNode(a, (n) => {
    if (hit) return false;
    if ((ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) && isRequestRead(n) && (readsParams(n) || (ts.isPropertyAccessExpression(n) && OWNER_KEY.test(n.name.text)))) hit = true;
    else if (ts.isIdentifier(n) && OWNER_KEY.test(n.text) && requestDerived(n, ctx.facts)) hit = true;
    return !hit;
  });
  return hit;
}

/** `….params.…`: a link of the chain is named params (checked on the links, not the chain's text, which is long). */
function readsParams(n: ts.Node): boolean {
  for (let e: ts.Node = n; ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e); e = unwrap(e.expression)) {
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'params') return true;
  }
  return false;
}

/** `req.body.role === 'admin'`, `if (req.headers['x-admin'])`, `req.query.isAdmin ? … : …`. */
function clientRoles(ctx: RuleContext, routes: Route[]): void {
  for (const n of nodeIndex(ctx.sourceFile).accesses) {
    const field = ts.isPropertyAccessExpression(n) ? n.name.text : ts.isStringLiteralLike(n.argumentExpression) ? n.argumentExpression.text : '';
    if (!ROLE_FIELD.test(field) || !isRequestRead(n) || !inCondition(n) || behindAdminCheck(n, routes)) continue;
    ctx.report({
      node: n,
      message: `The authorization decision trusts ${n.getText()}, which the client sets; take the role from the verified session or token`,
      taint: evidence([step(n, 'client-controlled role')]),
      sink: 'decides access',
    });
  }
}

/**
 * `{ email, password, role: req.body.role }` stored at sign-up: the client picks its own role.
 * Handlers behind an admin or role check may legitimately set roles and are skipped.
 */
function selfAssignedRoles(ctx: RuleContext, routes: Route[]): void {
  for (const p of nodeIndex(ctx.sourceFile).propertyAssignments) {
    const key = propertyName(p.name);
    if (!key || !ROLE_FIELD.test(key) || !directRequestValue(p.initializer, ctx.facts)) continue;
    const route = routeOf(p, routes);
    if (!route || behindAdminCheck(p, routes)) continue;
    ctx.report({
      node: p,
      message: `${route.method.toUpperCase()} ${route.path} stores a ${key} the client chose, so anyone can make themselves an administrator; assign roles on the server`,
      taint: evidence([step(p.initializer, `${key} comes from the request`)]),
      sink: 'stored as the account\'s role',
    });
  }
}

function routeOf(n: ts.Node, routes: Route[]): Route | undefined {
  return routes.find((r) => r.handler !== undefined && r.handler.pos <= n.pos && n.end <= r.handler.end);
}

/** Inside a handler that only administrators reach (by path or by middleware), roles are data. */
function behindAdminCheck(n: ts.Node, routes: Route[]): boolean {
  const r = routeOf(n, routes);
  return r !== undefined && /admin|role/i.test(`${r.path} ${r.guards.join(' ')}`);
}

/** Per node: whether it is (part of) the condition of an if, while or `?:`. */
const conditions = nodeMemo<ts.Node, boolean>();

/** Remembered along the climb (see climb): each of 10,000 reads in one condition costs one step. */
function inCondition(n: ts.Node): boolean {
  return climb(n, conditions, conditionStep, false);
}

/** The answer decided at `c` by its parent, or undefined when the parent passes the question up. */
function conditionStep(c: ts.Node): boolean | undefined {
  const p = c.parent;
  if (!p) return false;
  if ((ts.isIfStatement(p) || ts.isConditionalExpression(p) || ts.isWhileStatement(p)) && (p as ts.IfStatement).expression === c) return true;
  if (ts.isConditionalExpression(p) && p.condition === c) return true;
  if (ts.isBinaryExpression(p) || ts.isPrefixUnaryExpression(p) || ts.isParenthesizedExpression(p) || ts.isCallExpression(p) && /includes|some/.test(p.expression.getText())) return undefined;
  if (ts.isPropertyAccessExpression(p) && /includes/.test(p.name.text)) return undefined;
  return false;
}
