// Route registrations across Express, Koa routers and Fastify: method, path, the middleware in front
// of the handler, and whether an authentication step (per route, global or inline) guards it.
import ts from 'typescript';
import type { TaintFacts } from '../../facts';
import { isFunctionLike, unwrap, type FunctionLike } from '../../ast';
import { objectProperty, propertyValue, stringValue } from './util';
import { appView } from '../../../workspace/policy';
import { moduleExports } from '../../../workspace/exports';
import type { MountedAs } from '../../../workspace/types';

export interface Route {
  /** Where the route is declared: the `app.get` callee, or a Nest method's HTTP decorator. */
  node: ts.Node;
  /** The whole registration: the `app.get(…)` call or the Nest method. */
  registration: ts.Node;
  method: string;
  path: string;
  middleware: ts.Expression[];
  handler?: FunctionLike;
  /** The route has an authentication step: route middleware, an earlier global one, or inline. */
  authenticated: boolean;
  /**
   * Every middleware in front of the route as written, this file's and, from the workspace index,
   * those of the mounts above it in other files: what role checks are looked for in.
   */
  guards: string[];
  /** Where another file mounts this route or uses its handler, when that is how it is reached. */
  mountedBy?: { by: string; line: number };
  /** An export of this file that another file registers as the handler: the route itself is declared there. */
  handlerOnly?: boolean;
}

const METHODS = /^(get|post|put|patch|delete|del|all)$/;
export const STATE_CHANGING = /^(post|put|patch|delete|del)$/;
/** Middleware names that authenticate or authorise. */
export const AUTH_MIDDLEWARE = /auth|jwt|token|protect|guard|logged|login|verify|ensure|require(User|Role|Admin|Session)|isAdmin|admin|passport|session|currentUser|checkUser/i;
/** Inline checks in a handler body: a user taken from the session or token, rejected with 401/403. */
const INLINE_USER = /\b(req|request)\b[^;\n]{0,15}\.(user|isAuthenticated)\b|\b(req|request)\.session\b[^;\n]{0,30}user|ctx\.state\.user|ctx\.session\b[^;\n]{0,30}user|jwt\.verify|verifyToken\(|authorization/i;

const cache = new WeakMap<TaintFacts, Route[]>();

/** Every route registration in the file (computed once per analysis and shared by the rules). */
export function routesOf(facts: TaintFacts): Route[] {
  let routes = cache.get(facts);
  if (!routes) {
    routes = findRoutes(facts);
    cache.set(facts, routes);
  }
  return routes;
}

function findRoutes(facts: TaintFacts): Route[] {
  // app.use(auth) guards every later route; app.use('/api', auth) every later route under /api.
  const globalAuth: { at: number; prefix: string }[] = [];
  const globalGuards: { at: number; prefix: string; text: string }[] = [];
  const protectedRouters = new Set<string>();
  for (const c of facts.calls) {
    const first = c.args[0];
    const prefix = c.name === 'use' ? stringValue(first) : undefined;
    const mounted = prefix !== undefined ? c.args.slice(1) : c.args;
    if (c.name === 'use' && mounted.length >= 1 && mounted.every(isAuthExpr)) globalAuth.push({ at: c.node.getStart(), prefix: prefix ?? '' });
    if (c.name === 'use') for (const m of mounted) if (!isFunctionLike(unwrap(m))) globalGuards.push({ at: c.node.getStart(), prefix: prefix ?? '', text: m.getText() });
    // app.use('/api', requireAuth, notesRouter): every route of notesRouter sits behind requireAuth.
    const authAt = c.name === 'use' ? mounted.findIndex(isAuthExpr) : -1;
    if (authAt >= 0) for (const m of mounted.slice(authAt + 1)) if (ts.isIdentifier(m)) protectedRouters.add(m.text);
    if (c.name === 'addHook' && /onRequest|preHandler|preValidation/.test(stringValue(first) ?? '') && c.args[1] && isAuthExpr(c.args[1])) globalAuth.push({ at: c.node.getStart(), prefix: '' });
  }
  const mountedAs = appView(facts).mountedAs;
  const mount = mountOf(mountedAs);
  const routes: Route[] = [];
  for (const c of facts.calls) {
    if (!METHODS.test(c.name) || c.args.length < 2 || !ts.isCallExpression(c.node)) continue;
    const path = stringValue(c.args[0], facts);
    if (path === undefined || !path.startsWith('/')) continue;
    const rest = c.args.slice(1);
    const last = unwrap(rest[rest.length - 1]);
    const handler = isFunctionLike(last) ? last : undefined;
    const middleware: ts.Expression[] = [];
    for (const m of rest.slice(0, -1)) {
      const u = unwrap(m);
      if (ts.isObjectLiteralExpression(u)) {
        // Fastify route options: { preHandler: [fastify.authenticate], onRequest: … }.
        for (const hook of ['preHandler', 'onRequest', 'preValidation']) {
          const v = propertyValue(objectProperty(u, hook));
          if (v) middleware.push(v);
        }
      } else {
        middleware.push(m);
      }
    }
    const authenticated =
      middleware.some(isAuthExpr) ||
      globalAuth.some((g) => g.at < c.node.getStart() && path.startsWith(g.prefix)) ||
      (c.qualifier !== undefined && protectedRouters.has(c.qualifier)) ||
      (handler !== undefined && checksUserInline(handler)) ||
      mount?.authenticated === true;
    const guards = [...(mount?.guards ?? []), ...globalGuards.filter((g) => g.at < c.node.getStart() && path.startsWith(g.prefix)).map((g) => g.text), ...middleware.map((m) => m.getText())];
    routes.push({
      node: (c.node as ts.CallExpression).expression,
      registration: c.node,
      method: c.name,
      path: mount ? joinPath(mount.prefix, path) : path,
      middleware,
      handler,
      authenticated,
      guards,
      ...(mount ? { mountedBy: mount.at } : {}),
    });
  }
  routes.push(...nestRoutes(facts.sourceFile));
  return routes;
}

const withHandlers = new WeakMap<TaintFacts, Route[]>();

/**
 * `routesOf`, and this file's exports that other files register as route handlers, by the
 * workspace index (`router.get('/notes/:id', auth, notes.show)` in routes/app.js makes `show` of
 * this controller a route). Only the access-control rule asks for these.
 */
export function routesWithHandlers(facts: TaintFacts): Route[] {
  let routes = withHandlers.get(facts);
  if (!routes) {
    const mountedAs = appView(facts).mountedAs;
    routes = mountedAs ? [...routesOf(facts), ...handlerRoutes(facts.sourceFile, mountedAs)] : routesOf(facts);
    withHandlers.set(facts, routes);
  }
  return routes;
}

/**
 * Where this file's routes are reached from, by the workspace index: one prefix when every mount
 * agrees on it, and authenticated when every mount has an authentication step in front of it.
 */
function mountOf(m: MountedAs | undefined): { prefix: string; guards: string[]; authenticated: boolean; at: { by: string; line: number } } | undefined {
  if (!m || m.mounts.length === 0) return undefined;
  const prefixes = new Set(m.mounts.map((x) => x.prefix));
  return {
    prefix: prefixes.size === 1 ? m.mounts[0].prefix : '',
    guards: m.mounts.length === 1 ? m.mounts[0].guards : m.mounts.flatMap((x) => x.guards).filter((g) => m.mounts.every((x) => x.guards.includes(g))),
    authenticated: m.mounts.every((x) => x.guards.some(isAuthText)),
    at: { by: m.mounts[0].by, line: m.mounts[0].line },
  };
}

/** This file's exports that other files register as route handlers (`router.get('/notes/:id', auth, notes.show)`). */
function handlerRoutes(sf: ts.SourceFile, m: MountedAs): Route[] {
  if (m.handlers.length === 0) return [];
  const fns = new Map(moduleExports(sf).functions.map((f) => [f.key, f.fn]));
  const out: Route[] = [];
  for (const h of m.handlers) {
    const fn = fns.get(h.export);
    if (!fn || !METHODS.test(h.method)) continue;
    const node = fn.name ?? (ts.isVariableDeclaration(fn.parent) ? fn.parent.name : fn);
    out.push({
      node,
      registration: fn,
      method: h.method,
      path: h.path,
      middleware: [],
      handler: fn,
      authenticated: h.guards.some(isAuthText) || checksUserInline(fn),
      guards: h.guards,
      mountedBy: { by: h.by, line: h.line },
      handlerOnly: true,
    });
  }
  return out;
}

function joinPath(prefix: string, path: string): string {
  if (prefix === '' || prefix === '/') return path;
  return `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`.replace(/(.)\/$/, '$1');
}

/**
 * `isAuthExpr` for a middleware known only by its text (in another file): `requireAuth`,
 * `passport.authenticate('jwt')`. Middleware that only loads a session or a user when there is one
 * (`session(…)`, `passport.initialize()`, `passport.session()`) rejects nobody and does not count.
 */
export function isAuthText(text: string): boolean {
  return text !== '<function>' && AUTH_MIDDLEWARE.test(text) && !/^(express\.)?session\b|^cookieSession\b|^passport\.(initialize|session)\b/.test(text);
}

export function isAuthExpr(e: ts.Expression): boolean {
  const u = unwrap(e);
  if (ts.isArrayLiteralExpression(u)) return u.elements.some(isAuthExpr);
  const text = ts.isCallExpression(u) ? u.expression.getText() : u.getText();
  return AUTH_MIDDLEWARE.test(text) && !/^(express\.)?session$|^cookieSession$/.test(text) && !isFunctionLike(u);
}

export function checksUserInline(fn: FunctionLike): boolean {
  const body = fn.body?.getText() ?? '';
  // jwt.verify throws on a missing or forged token, so calling it is itself the rejection.
  return INLINE_USER.test(body) && /40[13]|Unauthori[sz]ed|Forbidden|throw|jwt\.verify\(|verifyToken\(/.test(body);
}

/** Whether the app has any authentication mechanism the rules can compare routes against. */
export function hasAuthMechanism(routes: Route[], facts: TaintFacts): boolean {
  if (routes.some((r) => r.middleware.some(isAuthExpr) || (r.handler && checksUserInline(r.handler)) || (r.mountedBy !== undefined && r.authenticated))) return true;
  return facts.calls.some((c) => (c.name === 'use' || c.name === 'addHook') && c.args.some((a) => isAuthExpr(a)));
}

const NEST_METHODS: Readonly<Record<string, string>> = { Get: 'get', Post: 'post', Put: 'put', Patch: 'patch', Delete: 'delete', All: 'all' };

/** Methods of Nest @Controller classes; @UseGuards on the class or the method authenticates. */
function nestRoutes(sf: ts.SourceFile): Route[] {
  const routes: Route[] = [];
  for (const cls of sf.statements) {
    if (!ts.isClassDeclaration(cls)) continue;
    const controller = decorator(cls, 'Controller');
    if (!controller) continue;
    // @Controller('users') or @Controller({ path: 'users', version: '1' })
    const prefix = stringValue(controller.arguments[0]) ?? stringValue(propertyValue(objectProperty(controller.arguments[0], 'path'))) ?? '';
    const classGuards = decorator(cls, 'UseGuards')?.arguments ?? [];
    const classRoles = roleDecorators(cls);
    for (const m of cls.members) {
      if (!ts.isMethodDeclaration(m)) continue;
      for (const [name, method] of Object.entries(NEST_METHODS)) {
        const d = decorator(m, name);
        if (!d) continue;
        const sub = stringValue(d.arguments[0]) ?? '';
        const path = `/${[prefix, sub].filter((x) => x.length > 0).join('/')}`.replace(/\/+/g, '/');
        const middleware = [...classGuards, ...(decorator(m, 'UseGuards')?.arguments ?? [])];
        // The roles a guard enforces are declared beside it (@Roles(Role.admin)): they say who, not whether, so they count as guards' text only.
        const guards = [...middleware.map((g) => g.getText()), ...classRoles, ...roleDecorators(m)];
        routes.push({ node: d, registration: m, method, path, middleware, handler: m, authenticated: middleware.length > 0 || checksUserInline(m), guards });
      }
    }
  }
  return routes;
}

/** Nest metadata naming the roles or permissions a guard requires: @Roles(…), @Permissions(…), @SetMetadata('roles', …). */
const ROLE_DECORATOR = /^(Roles?|HasRoles?|RequireRoles?|AllowRoles?|Permissions?|HasPermissions?|RequirePermissions?|Scopes?)$/;

function roleDecorators(node: ts.HasDecorators): string[] {
  const out: string[] = [];
  for (const d of ts.getDecorators(node) ?? []) {
    const e = d.expression;
    if (!ts.isCallExpression(e) || !ts.isIdentifier(e.expression)) continue;
    const name = e.expression.text;
    if (ROLE_DECORATOR.test(name) || (name === 'SetMetadata' && /role|permission/i.test(stringValue(e.arguments[0]) ?? ''))) out.push(e.getText());
  }
  return out;
}

function decorator(node: ts.HasDecorators, name: string): ts.CallExpression | undefined {
  for (const d of ts.getDecorators(node) ?? []) {
    const e = d.expression;
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === name) return e;
  }
  return undefined;
}
