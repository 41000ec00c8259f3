// Where a template's values come from: the `res.render(view, locals)` calls of the code that renders
// it. A raw output is cross-site scripting when the value can carry someone else's markup: request
// data, or content stored by users (a database record, the signed-in user). A value the server made
// itself (literals, computed numbers, library results from server-chosen arguments) or fetched from
// a third-party service on its own initiative is not, so its raw output is not reported when every
// render call of the view is found and passes server-made data for it.
import ts from 'typescript';
import { languageFromFileName } from '../types';
import { parseDocument } from '../source/parse';
import { buildTaintFacts } from '../security/engine';
import type { TaintFacts } from '../security/facts';
import { forEachNode, isFunctionLike, unwrap } from '../security/ast';
import { ALL_RENDERERS, viewNames } from './template-files';
import { middlewareLocals, type MiddlewareLocals } from './middleware-locals';
import { templateHelpers } from './helpers';

export { viewNames };

export interface RendererText {
  fileName: string;
  text: string;
}

/** Per local name: whether every render call found passes a server-made value for it. */
export interface ViewLocals {
  /** How many render calls of the view were found. */
  sites: number;
  /** Locals that are server-made at every site; a name absent here may carry user data. */
  serverMade: Set<string>;
  /**
   * Present when the renderers are every file with a render call or one that sets locals: what
   * middleware puts in the locals, and the names any render call of any view passes (an included
   * template sees those too).
   */
  middleware?: MiddlewareLocals;
  /**
   * Present with `middleware`'s condition: whether a registered Handlebars helper's result is
   * server-made when given arguments that are (true) or may not be (false) server-made.
   */
  helper?: (name: string, args: readonly boolean[]) => boolean;
}

const RENDER = /^(render|view)$/;
const RESPONSE = /^(res|response|ctx|reply|h)$/;

/** What the render calls of `templateFile` in the renderers' texts pass for each local. */
export function viewLocals(templateFile: string, renderers: readonly RendererText[], extraSources: readonly string[] = []): ViewLocals {
  const names = new Set(viewNames(templateFile).flatMap((n) => [n, `/${n}`, `./${n}`]));
  const perSite: Array<Map<string, boolean>> = [];
  const wide = renderers.some((r) => r.fileName === ALL_RENDERERS);
  const files: Array<{ sf: ts.SourceFile; scope: Scope; facts: TaintFacts }> = [];
  const passed = new Set<string>();
  let opaque = false;
  for (const r of renderers) {
    if (r.fileName === ALL_RENDERERS) continue;
    const read = readRenderer(r, extraSources);
    if (!read) continue;
    const { parsed, facts } = read;
    const scope = new Scope(parsed.sourceFile, facts);
    files.push({ sf: parsed.sourceFile, scope, facts });
    for (const call of facts.calls) {
      const receiver = call.qualifier ?? call.receiver?.getText().replace(/\.(status|type|set|header|append|cookie|clearCookie|vary|location|links)\([^)]*\)$/, '');
      if (!RENDER.test(call.name) || !receiver || !RESPONSE.test(receiver)) continue;
      if (wide) {
        const keys = scope.keys(call.args[1]);
        if (keys) for (const k of keys) passed.add(k);
        else opaque = true;
      }
      const view = call.args[0] && unwrap(call.args[0]);
      if (!view || !(ts.isStringLiteral(view) || ts.isNoSubstitutionTemplateLiteral(view)) || !names.has(view.text)) continue;
      perSite.push(scope.locals(call.args[1]));
    }
  }
  const serverMade = new Set<string>();
  if (perSite.length > 0) {
    for (const name of perSite[0].keys()) if (perSite.every((m) => m.get(name) === true)) serverMade.add(name);
  }
  if (!wide || opaque) return { sites: perSite.length, serverMade };
  const middleware = middlewareLocals(files, passed);
  const helper = templateHelpers(files, (sf, facts, assumed) => new Scope(sf, facts, assumed));
  return { sites: perSite.length, serverMade, ...(middleware.names.size > 0 ? { middleware } : {}), helper };
}

/**
 * Parsed renderers by file, reused while their text and the extra sources stay the same: every
 * template of a project reads the same middleware and render calls, and parsing them again per
 * template made a server-rendered project's check markedly slower. Scopes are made fresh per use.
 */
const readCache = new Map<string, { text: string; sources: string; parsed: NonNullable<ReturnType<typeof parseDocument>>; facts: TaintFacts }>();
const READ_CACHE_MAX = 200;

function readRenderer(r: RendererText, extraSources: readonly string[]): { parsed: NonNullable<ReturnType<typeof parseDocument>>; facts: TaintFacts } | undefined {
  const sources = extraSources.join('\n');
  const hit = readCache.get(r.fileName);
  if (hit && hit.text === r.text && hit.sources === sources) return hit;
  const parsed = parseDocument(r.text, languageFromFileName(r.fileName) ?? 'js', []);
  if (!parsed) return undefined;
  const facts = buildTaintFacts(parsed.sourceFile, { extraSources });
  if (readCache.size >= READ_CACHE_MAX) readCache.delete(readCache.keys().next().value as string);
  const entry = { text: r.text, sources, parsed, facts };
  readCache.set(r.fileName, entry);
  return entry;
}

/** Callees that read stored data; their results may hold what users wrote. */
const STORAGE_METHOD = /^(find\w*|query|aggregate|exec|populate|lean|raw|all|each|get|count\w*|select|where|first|findUnique|findMany|findFirst|scan|hget\w*|hgetall|mget|lrange|smembers|fetch\w*|load\w*|read\w*)$/;
const STORAGE_RECEIVER = /^([A-Z]\w*|.*\b(db|database|models?|repo\w*|repository|collection|knex|prisma|pool|client|connection|conn|sequelize|mongoose|redis|store|cache|dao|session)\b.*)$/i;
/** Where the signed-in user's record and the session live: stored user content. */
const STORED_USER = /^(req|request|ctx)\.(user|session|state|locals)\b/;

/** Resolves names within one file to what they were bound or assigned to. */
export class Scope {
  /** What a flash read (`req.flash('info')`) holds: set once the project's flash writes are known. */
  flashRead: (type: string) => boolean = () => false;
  private readonly bindings = new Map<string, ts.Node[]>();
  private readonly seen = new Set<ts.Node>();
  private readonly memo = new Map<ts.Node, boolean>();

  /** `assumed`: parameters whose values are known, as a helper's are from the arguments a template gives. */
  constructor(sf: ts.SourceFile, private readonly facts: TaintFacts, private readonly assumed?: ReadonlyMap<ts.Node, boolean>) {
    forEachNode(sf, (n) => {
      // A declaration without a value (`let x;`, a catch clause's error) binds nothing known.
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) this.add(n.name.text, n.initializer ?? n);
      else if (ts.isBindingElement(n) && ts.isIdentifier(n.name)) this.add(n.name.text, n);
      else if (ts.isParameter(n) && ts.isIdentifier(n.name)) this.add(n.name.text, n);
      else if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left)) this.add(n.left.text, n.right);
      return true;
    });
  }

  private add(name: string, node: ts.Node): void {
    const list = this.bindings.get(name);
    if (list) list.push(node);
    else this.bindings.set(name, [node]);
  }

  /** The bindings of a name that the use sees: those of the innermost function around it that has any. */
  private visible(use: ts.Node, defs: ts.Node[]): ts.Node[] {
    let best: ts.Node[] = [];
    let bestStart = -2;
    for (const d of defs) {
      const owner = ownerOf(d);
      const start = owner ? owner.pos : -1;
      if (owner && !(owner.pos <= use.pos && use.end <= owner.end)) continue;
      if (start > bestStart) { best = [d]; bestStart = start; }
      else if (start === bestStart) best.push(d);
    }
    return best;
  }

  /** Each local of a render call's second argument: true when it is server-made. */
  locals(arg: ts.Expression | undefined): Map<string, boolean> {
    const out = new Map<string, boolean>();
    if (!arg) return out;
    const obj = this.objectOf(arg);
    if (!obj) return out;
    for (const p of obj.properties) {
      if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) out.set(p.name.text, this.serverMade(p.initializer, 0));
      else if (ts.isShorthandPropertyAssignment(p)) out.set(p.name.text, this.serverMade(p.name, 0));
      // A spread may bring in anything; its names stay unknown (absent), so they are reported.
    }
    return out;
  }

  /** The names a render call's locals argument passes; undefined when they cannot be listed. */
  keys(arg: ts.Expression | undefined): string[] | undefined {
    if (!arg) return [];
    const obj = this.objectOf(arg);
    if (!obj) return undefined;
    const out: string[] = [];
    for (const p of obj.properties) {
      if ((ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) out.push(p.name.text);
      else if (ts.isMethodDeclaration(p) && ts.isIdentifier(p.name)) out.push(p.name.text);
      else return undefined;
    }
    return out;
  }

  private objectOf(e: ts.Expression): ts.ObjectLiteralExpression | undefined {
    const u = unwrap(e);
    if (ts.isObjectLiteralExpression(u)) return u;
    if (ts.isIdentifier(u)) {
      const defs = this.bindings.get(u.text) ?? [];
      if (defs.length === 1 && ts.isObjectLiteralExpression(unwrap(defs[0] as ts.Expression))) return unwrap(defs[0] as ts.Expression) as ts.ObjectLiteralExpression;
    }
    return undefined;
  }

  /** Whether a value is made by the server: no request data, no stored user content. */
  serverMade(node: ts.Node, depth: number): boolean {
    if (depth > 40) return false;
    const known = this.memo.get(node);
    if (known !== undefined) return known;
    if (ts.isExpression(node) && this.facts.taintOf(node)) return false;
    if (this.seen.has(node)) return true; // a cycle adds nothing new
    this.seen.add(node);
    try {
      const made = this.decide(node, depth);
      this.memo.set(node, made);
      return made;
    } finally {
      this.seen.delete(node);
    }
  }

  private decide(node: ts.Node, depth: number): boolean {
    const next = depth + 1;
    if (ts.isParameter(node)) return this.assumed?.get(node) ?? this.callbackOfServerCall(node, next);
    if (ts.isBindingElement(node)) {
      let decl: ts.Node = node.parent;
      while (ts.isObjectBindingPattern(decl) || ts.isArrayBindingPattern(decl) || ts.isBindingElement(decl)) decl = decl.parent;
      if (ts.isVariableDeclaration(decl) && decl.initializer) return this.serverMade(decl.initializer, next);
      if (ts.isParameter(decl)) return this.callbackOfServerCall(decl, next);
      return false;
    }
    const e = unwrap(node as ts.Expression);
    if (ts.isStringLiteral(e) || ts.isNumericLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isRegularExpressionLiteral(e)) return true;
    if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword || e.kind === ts.SyntaxKind.NullKeyword) return true;
    if (ts.isIdentifier(e)) {
      if (e.text === 'undefined') return true;
      const all = this.bindings.get(e.text) ?? [];
      // Not bound in the file: a global (process, JSON, fetch) or an import, which is code, not data.
      if (all.length === 0) return true;
      const defs = this.visible(e, all);
      if (defs.length === 0) return false;
      return defs.every((d) => this.serverMade(d, next));
    }
    if (ts.isAwaitExpression(e) || ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e) || ts.isTypeOfExpression(e)) return this.serverMade(e.expression, next);
    if (ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) return true;
    if (ts.isTemplateExpression(e)) return e.templateSpans.every((s) => this.serverMade(s.expression, next));
    if (ts.isBinaryExpression(e)) return this.serverMade(e.left, next) && this.serverMade(e.right, next);
    if (ts.isConditionalExpression(e)) return this.serverMade(e.whenTrue, next) && this.serverMade(e.whenFalse, next);
    if (ts.isArrayLiteralExpression(e)) return e.elements.every((x) => this.serverMade(ts.isSpreadElement(x) ? x.expression : x, next));
    if (ts.isObjectLiteralExpression(e)) {
      return e.properties.every((p) =>
        ts.isPropertyAssignment(p) ? this.serverMade(p.initializer, next)
        : ts.isShorthandPropertyAssignment(p) ? this.serverMade(p.name, next)
        : ts.isSpreadAssignment(p) ? this.serverMade(p.expression, next)
        : true);
    }
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      if (STORED_USER.test(e.getText())) return false;
      return this.serverMade(e.expression, next);
    }
    if (ts.isCallExpression(e) || ts.isNewExpression(e)) return this.callServerMade(e, next);
    if (isFunctionLike(e)) return true;
    return false;
  }

  /** A call's result: server-made unless it reads storage or is given anything that is not. */
  private callServerMade(e: ts.CallExpression | ts.NewExpression, depth: number): boolean {
    if (this.readsStorage(e)) return false;
    const name = ts.isPropertyAccessExpression(e.expression) ? e.expression.name.text : '';
    // csurf's req.csrfToken(): a random token the server made for this session.
    if (name === 'csrfToken' && (e.arguments ?? []).length === 0) return true;
    // connect-flash's req.flash('info'): what the project's own req.flash('info', …) calls stored.
    const args = e.arguments ?? [];
    if (name === 'flash' && args.length === 1 && ts.isStringLiteralLike(unwrap(args[0]))) return this.flashRead((unwrap(args[0]) as ts.StringLiteralLike).text);
    const callee = e.expression;
    if ((ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) && !this.serverMade(callee.expression, depth)) return false;
    return (e.arguments ?? []).every((a) => this.serverMade(a, depth));
  }

  private readsStorage(e: ts.CallExpression | ts.NewExpression): boolean {
    const callee = e.expression;
    if (!ts.isPropertyAccessExpression(callee)) return false;
    if (!STORAGE_METHOD.test(callee.name.text)) return false;
    let root: ts.Expression = callee.expression;
    while (ts.isCallExpression(root) || ts.isPropertyAccessExpression(root)) {
      if (ts.isCallExpression(root) && ts.isPropertyAccessExpression(root.expression) && STORAGE_METHOD.test(root.expression.name.text) && this.readsStorage(root)) return true;
      root = ts.isCallExpression(root) ? root.expression : root.expression;
    }
    return STORAGE_RECEIVER.test(callee.expression.getText());
  }

  /**
   * A parameter is server-made only as the callback argument of a server-made call
   * (`lastfm.request('artist.getInfo', { handlers: { success: (data) => … } })`, `.then(x => …)`
   * on a fetch); a handler's `req`, `res` or any other parameter is not.
   */
  private callbackOfServerCall(p: ts.ParameterDeclaration, depth: number): boolean {
    let fn: ts.Node = p.parent;
    let n: ts.Node = fn.parent;
    while (n && (ts.isPropertyAssignment(n) || ts.isObjectLiteralExpression(n) || ts.isParenthesizedExpression(n))) n = n.parent;
    if (!n || !ts.isCallExpression(n) || !n.arguments.some((a) => a === fn || a.pos <= fn.pos && fn.end <= a.end)) return false;
    if (this.readsStorage(n)) return false;
    const callee = n.expression;
    // `new Promise((resolve) => …)`'s resolve is only a function; its value is what is passed to it.
    if (ts.isPropertyAccessExpression(callee) && /^(then|catch|finally)$/.test(callee.name.text)) return this.serverMade(callee.expression, depth);
    fn = n;
    return this.callServerMade(n, depth);
  }
}

/** Identifiers a template expression starts from: `artist.bio` → artist; `JSON.stringify(x)` → x. */
export function rootNames(expr: string): string[] {
  const GLOBAL = /^(JSON|Math|Number|String|Date|Object|Array|Boolean|encodeURIComponent|encodeURI|parseInt|parseFloat|true|false|null|undefined|this|typeof|new|in|of|if|else|locals)$/;
  const out = new Set<string>();
  const stripped = expr.replace(/(['"`])(?:\\.|(?!\1).)*\1/g, ' ');
  for (const m of stripped.matchAll(/(^|[^.\w$])([A-Za-z_$][\w$]*)/g)) {
    if (!GLOBAL.test(m[2])) out.add(m[2]);
  }
  return [...out];
}

/** Loop variables of a template and the collection each walks: pug `each x in y`, `{% for x in y %}`, `y.forEach((x)`. */
export function loopAliases(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^\s*(?:each|for)\s+([\w$]+)(?:\s*,\s*([\w$]+))?\s+in\s+([\w$.]+)/gm)) {
    out.set(m[1], m[3]);
    if (m[2]) out.set(m[2], m[3]);
  }
  for (const m of text.matchAll(/\{%-?\s*for\s+([\w$]+)(?:\s*,\s*([\w$]+))?\s+in\s+([\w$.]+)/g)) {
    out.set(m[1], m[3]);
    if (m[2]) out.set(m[2], m[3]);
  }
  for (const m of text.matchAll(/([\w$.]+)\.forEach\(\s*(?:function\s*)?\(?\s*([\w$]+)/g)) out.set(m[2], m[1]);
  for (const m of text.matchAll(/for\s*\(\s*(?:const|let|var)\s+([\w$]+)\s+of\s+([\w$.]+)/g)) out.set(m[1], m[2]);
  return out;
}

/** Whether a raw output's value is server-made by what every render call of the view passes. */
export function serverMadeOutput(expr: string, locals: ViewLocals, aliases: Map<string, string>): boolean {
  const mw = locals.middleware;
  if (locals.sites === 0 && !mw) return false;
  // `createPagination(pages, page)`: a helper whose markup never quotes its arguments.
  const call = /^\s*([A-Za-z_$][\w$]*)\s*\(/.exec(expr);
  if (call && mw && mw.whole.has(call[1]) && !mw.passed.has(call[1])) return true;
  const roots = rootNames(expr);
  if (roots.length === 0) return false;
  return roots.every((name) => {
    let root = name;
    for (let i = 0; i < 5 && aliases.has(root); i++) root = rootNames(aliases.get(root) as string)[0] ?? root;
    if (locals.serverMade.has(root)) return true;
    // Set by middleware and passed by no render call, so no view's data can replace it.
    return !!mw && mw.names.get(root) === true && !mw.passed.has(root);
  });
}

/** The function a binding belongs to (a parameter's own function), undefined at the top level. */
function ownerOf(d: ts.Node): ts.Node | undefined {
  let n: ts.Node | undefined = ts.isParameter(d) ? d.parent : d.parent;
  while (n && !isFunctionLike(n)) n = n.parent;
  return n;
}
