// How a module wires an app, read from its syntax alone (no taint analysis, so the workspace index
// can afford it for every file with a relative import): the cookie session and CSRF protection it
// sets up, the relative modules it mounts or hands its app to and behind which middleware, the
// exports of other modules it uses as route handlers, and the state-changing routes it registers.
// The policy rules (csrf, broken-access-control) read the app as one program through these facts:
// the index turns the facts of a module's importers into the module's `MountedAs`.
import ts from 'typescript';
import type { Guard, ImportedModule, ModuleSummary, MountedAs, PolicyFacts } from './types';
import { MOUNTED_AS } from './types';

export const SESSION_MODULES = /^(express-session|cookie-session|koa-session|koa-generic-session|@fastify\/session|@fastify\/secure-session|fastify-session|fastify-secure-session)$/;
export const CSRF_MODULES = /csurf|csrf|lusca|@fastify\/csrf-protection|koa-csrf|@koa\/csrf/;
const METHODS = /^(get|post|put|patch|delete|del|all)$/;
const STATE_CHANGING = /^(post|put|patch|delete|del)$/;
/** Cheap test before parsing: a file that mounts, routes or sets up a session says so. */
const WORTH_PARSING = /\.(use|get|post|put|patch|delete|del|all|route|forEach)\s*\(|session|csrf|xsrf/i;
const MAX_ENTRIES = 200;
const MAX_CHANGING = 8;
const MAX_GUARD = 80;
/** Middleware kept in front of one mount or route: a file with thousands of `app.use` stays small. */
const MAX_GUARDS = 32;

/** Whether a module's text may hold policy facts (so it is worth parsing for them). */
export function mayHavePolicy(text: string): boolean {
  return WORTH_PARSING.test(text);
}

/** The policy facts of one parsed module. */
export function modulePolicy(sf: ts.SourceFile): PolicyFacts {
  const out: PolicyFacts = { csrf: false, mounts: [], handlers: [], changing: [] };
  // Local names bound to modules: `const x = require('./x')`, `import x from './x'`,
  // `import { show } from './notes'` (show → ./notes, export show), `const routes = [require('./a'), …]`.
  const bound = new Map<string, { specifier: string; export?: string }[]>();
  const packages = new Map<string, string>();
  const objects = new Map<string, ts.ObjectLiteralExpression>();
  const bind = (name: string, specifier: string, exported?: string): void => {
    const list = bound.get(name) ?? [];
    list.push(exported === undefined ? { specifier } : { specifier, export: exported });
    bound.set(name, list);
  };
  const requireOf = (e: ts.Expression | undefined): string | undefined => {
    const u = e && strip(e);
    return u && ts.isCallExpression(u) && ts.isIdentifier(u.expression) && u.expression.text === 'require' && u.arguments[0] && ts.isStringLiteralLike(u.arguments[0]) ? u.arguments[0].text : undefined;
  };
  const visitDecl = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteralLike(n.moduleSpecifier) && n.importClause) {
      const spec = n.moduleSpecifier.text;
      const c = n.importClause;
      const names: [string, string | undefined][] = [];
      if (c.name) names.push([c.name.text, undefined]);
      if (c.namedBindings && ts.isNamespaceImport(c.namedBindings)) names.push([c.namedBindings.name.text, undefined]);
      if (c.namedBindings && ts.isNamedImports(c.namedBindings)) for (const e of c.namedBindings.elements) names.push([e.name.text, (e.propertyName ?? e.name).text]);
      for (const [local, exported] of names) {
        if (isRelative(spec)) bind(local, spec, exported);
        else packages.set(local, spec);
      }
    } else if (ts.isVariableDeclaration(n) && n.initializer) {
      const init = strip(n.initializer);
      const spec = requireOf(init) ?? (ts.isPropertyAccessExpression(init) ? requireOf(init.expression) : undefined);
      const member = ts.isPropertyAccessExpression(init) && spec !== undefined ? init.name.text : undefined;
      if (spec !== undefined && ts.isIdentifier(n.name)) {
        if (isRelative(spec)) bind(n.name.text, spec, member);
        else packages.set(n.name.text, spec);
      } else if (spec !== undefined && ts.isObjectBindingPattern(n.name)) {
        for (const e of n.name.elements) {
          if (!ts.isIdentifier(e.name)) continue;
          const key = e.propertyName && ts.isIdentifier(e.propertyName) ? e.propertyName.text : e.name.text;
          if (isRelative(spec)) bind(e.name.text, spec, key);
          else packages.set(e.name.text, spec);
        }
      } else if (ts.isIdentifier(n.name) && ts.isArrayLiteralExpression(init)) {
        for (const el of init.elements) {
          const s = requireOf(el);
          if (s !== undefined && isRelative(s)) bind(n.name.text, s);
        }
      } else if (ts.isIdentifier(n.name) && ts.isObjectLiteralExpression(init)) {
        objects.set(n.name.text, init);
      }
    }
    n.forEachChild(visitDecl);
  };
  visitDecl(sf);

  const lineOf = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  /** The modules an expression names: `x`, `require('./x')`, or a parameter of `routes.forEach((r) => …)`. */
  const modulesOf = (e: ts.Expression): { specifier: string; export?: string }[] => {
    const u = strip(e);
    const direct = requireOf(u);
    if (direct !== undefined) return isRelative(direct) ? [{ specifier: direct }] : [];
    if (ts.isIdentifier(u)) return bound.get(u.text) ?? iterated(u);
    if (ts.isPropertyAccessExpression(u) && ts.isIdentifier(u.expression)) {
      return (bound.get(u.expression.text) ?? []).filter((b) => b.export === undefined).map((b) => ({ specifier: b.specifier, export: u.name.text }));
    }
    return [];
  };
  /** `routes.forEach((route) => route(app))`: `route` is each module of `routes`. */
  const iterated = (id: ts.Identifier): { specifier: string; export?: string }[] => {
    for (let p: ts.Node | undefined = id.parent; p; p = p.parent) {
      if (!isFunction(p)) continue;
      const param = p.parameters[0];
      const call = p.parent;
      if (param && ts.isIdentifier(param.name) && param.name.text === id.text && ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression) && /^(forEach|map)$/.test(call.expression.name.text) && ts.isIdentifier(call.expression.expression)) {
        return bound.get(call.expression.expression.text) ?? [];
      }
    }
    return [];
  };
  const sessionCall = (e: ts.Expression): ts.CallExpression | undefined => {
    const u = strip(e);
    if (!ts.isCallExpression(u)) return undefined;
    const callee = strip(u.expression);
    const pkg = ts.isIdentifier(callee) ? packages.get(callee.text) : requireOf(callee);
    return pkg !== undefined && SESSION_MODULES.test(pkg) ? u : undefined;
  };

  // App-wide middleware (`app.use(auth)`, no path or '/'), in order, applies to later mounts.
  const appGuards: Guard[] = [];
  const calls: ts.CallExpression[] = [];
  const collect = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) calls.push(n);
    n.forEachChild(collect);
  };
  collect(sf);
  calls.sort((a, b) => a.pos - b.pos);
  for (const c of calls) {
    if (out.mounts.length + out.handlers.length >= MAX_ENTRIES) break;
    const callee = strip(c.expression);
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    const args = [...c.arguments];
    for (const a of args) {
      const s = sessionCall(a);
      if (s && !out.session) out.session = { line: lineOf(s), sameSite: sameSiteSet(s, objects) };
    }
    if (name === 'use' || name === 'register') {
      const prefix = args[0] && ts.isStringLiteralLike(strip(args[0])) ? (strip(args[0]) as ts.StringLiteralLike).text : undefined;
      const rest = prefix !== undefined ? args.slice(1) : args;
      const guards: Guard[] = [];
      let mounted = false;
      for (const a of rest) {
        const mods = modulesOf(a).filter((m) => m.export === undefined);
        if (mods.length > 0) {
          mounted = true;
          for (const m of mods) out.mounts.push({ specifier: m.specifier, line: lineOf(c), prefix: prefix ?? '', guards: [...appGuards, ...guards].slice(0, MAX_GUARDS) });
        } else {
          guards.push(guardText(a, sf));
        }
      }
      if (!mounted && (prefix === undefined || prefix === '/' || prefix === '')) appGuards.push(...guards.slice(0, MAX_GUARDS - appGuards.length));
      continue;
    }
    // `require('./routes')(app, db)`, `routes(app)`, `routes.forEach((r) => r(app))`: the module gets the app.
    if (!ts.isPropertyAccessExpression(callee) && args.length > 0) {
      for (const m of modulesOf(callee)) out.mounts.push({ specifier: m.specifier, line: lineOf(c), prefix: '', guards: [...appGuards] });
      continue;
    }
    // `router.get('/p', auth, ctrl.show)` and `router.route('/p').post(auth, ctrl.create)`.
    let path: string | undefined;
    let rest: ts.Expression[] = [];
    if (METHODS.test(name) && args.length >= 2 && ts.isStringLiteralLike(strip(args[0]))) {
      path = (strip(args[0]) as ts.StringLiteralLike).text;
      rest = args.slice(1);
    } else if (METHODS.test(name) && args.length >= 1 && ts.isPropertyAccessExpression(callee)) {
      const route = routeCall(callee.expression);
      if (route) {
        path = route;
        rest = args;
      }
    }
    if (path === undefined || !path.startsWith('/')) continue;
    const method = name === 'del' ? 'delete' : name;
    if (STATE_CHANGING.test(method) && out.changing.length < MAX_CHANGING) out.changing.push({ method, path, line: lineOf(c), span: { start: c.getStart(sf), end: c.end }, csrf: false });
    const last = rest[rest.length - 1];
    const guards = [...appGuards, ...rest.slice(0, -1).slice(0, MAX_GUARDS).map((m) => guardText(m, sf))].slice(0, MAX_GUARDS);
    for (const m of last ? modulesOf(last) : []) {
      if (m.export !== undefined) out.handlers.push({ specifier: m.specifier, export: m.export, line: lineOf(c), method, path, guards });
    }
  }
  out.csrf = [...packages.values()].some((p) => CSRF_MODULES.test(p)) || mentionsCsrf(sf);
  for (const c of out.changing) c.csrf = out.csrf;
  return out;
}

/**
 * The state-changing routes of the modules `policy` mounts, from their summaries, added to its
 * own (so an app's summary-of-summaries knows the routes of routers two mounts down).
 */
export function withMountedRoutes(policy: PolicyFacts, deps: ReadonlyMap<string, { fileName: string; policy?: PolicyFacts }>): PolicyFacts {
  const changing = [...policy.changing];
  for (const m of policy.mounts) {
    const dep = deps.get(m.specifier);
    for (const c of dep?.policy?.changing ?? []) {
      if (changing.length >= MAX_CHANGING) break;
      changing.push({ ...c, fileName: c.fileName ?? dep?.fileName, csrf: c.csrf || policy.csrf || m.guards.some((g) => /csrf|xsrf/i.test(g)) });
    }
  }
  return { ...policy, changing };
}

/** `x.route('/p')` (also chained: `x.route('/p').get(…).post(…)`) → '/p'. */
function routeCall(e: ts.Expression): string | undefined {
  let u = strip(e);
  while (ts.isCallExpression(u)) {
    const callee = strip(u.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    if (callee.name.text === 'route') {
      const a = u.arguments[0] && strip(u.arguments[0]);
      return a && ts.isStringLiteralLike(a) ? a.text : undefined;
    }
    u = strip(callee.expression);
  }
  return undefined;
}

/** `session({ cookie: { sameSite: 'lax' } })`, also through a const object (`cookie: SessionCookie`). */
function sameSiteSet(call: ts.CallExpression, objects: Map<string, ts.ObjectLiteralExpression>): boolean {
  const resolve = (e: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined => {
    const u = e && strip(e);
    if (!u) return undefined;
    if (ts.isObjectLiteralExpression(u)) return u;
    return ts.isIdentifier(u) ? objects.get(u.text) : undefined;
  };
  const prop = (o: ts.ObjectLiteralExpression | undefined, key: RegExp): ts.Expression | undefined => {
    for (const p of o?.properties ?? []) {
      if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteralLike(p.name)) && key.test(p.name.text)) return p.initializer;
      if (ts.isShorthandPropertyAssignment(p) && key.test(p.name.text)) return p.name;
    }
    return undefined;
  };
  const opts = resolve(call.arguments[0]);
  const v = prop(opts, /^sameSite$/) ?? prop(resolve(prop(opts, /^(cookie|cookieOptions)$/)), /^sameSite$/);
  return v !== undefined && /^['"`]?(lax|strict)['"`]?$|^true$/i.test(v.getText());
}

/** A hand-written double-submit or header check counts as protection, as in the csrf rule. */
function mentionsCsrf(sf: ts.SourceFile): boolean {
  let hit = false;
  const visit = (n: ts.Node): void => {
    if (hit) return;
    if ((ts.isIdentifier(n) || ts.isStringLiteralLike(n)) && /csrf|xsrf/i.test(n.text)) hit = true;
    else n.forEachChild(visit);
  };
  visit(sf);
  return hit;
}

/** A middleware as written, for the rules' name tests: a call by its callee (`passport.authenticate`). */
function guardText(e: ts.Expression, sf: ts.SourceFile): Guard {
  const u = strip(e);
  if (isFunction(u)) return '<function>';
  if (ts.isArrayLiteralExpression(u)) return u.elements.map((x) => guardText(x, sf)).join(', ').slice(0, MAX_GUARD);
  const text = ts.isCallExpression(u) ? `${u.expression.getText(sf)}(${u.arguments.map((a) => (ts.isStringLiteralLike(a) ? a.getText(sf) : '…')).join(', ')})` : u.getText(sf);
  return text.slice(0, MAX_GUARD);
}

function isRelative(specifier: string): boolean {
  return /^\.\.?\//.test(specifier);
}

function isFunction(n: ts.Node): n is ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration {
  return ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n);
}

function strip(e: ts.Expression): ts.Expression {
  let u = e;
  while (ts.isParenthesizedExpression(u) || ts.isAsExpression(u) || ts.isNonNullExpression(u) || ts.isAwaitExpression(u)) u = u.expression;
  return u;
}

// ---- What the rules see: the document's MountedAs and its imports' policy facts ----

export interface AppView {
  /** How the rest of the app uses this document (from the workspace index), if known. */
  mountedAs?: MountedAs;
  /** The policy facts of the modules this document imports, by specifier, with their file names. */
  imported: { specifier: string; fileName: string; policy: PolicyFacts }[];
}

const views = new WeakMap<object, AppView>();

/** Called once per analysis, with the object the rules share (the taint facts), so rules can ask `appView`. */
export function attachAppView(key: object, imports: Readonly<Record<string, ImportedModule>> | undefined, summaries: ReadonlyMap<string, ModuleSummary> | undefined): void {
  const mountedAs = imports && Object.prototype.hasOwnProperty.call(imports, MOUNTED_AS) ? imports[MOUNTED_AS].mountedAs : undefined;
  const imported: AppView['imported'] = [];
  for (const [specifier, s] of summaries ?? []) if (s.policy) imported.push({ specifier, fileName: s.fileName, policy: s.policy });
  views.set(key, { ...(mountedAs ? { mountedAs } : {}), imported });
}

export function appView(key: object): AppView {
  return views.get(key) ?? { imported: [] };
}
