// A small value-flow tracker for the supply-chain rules: which expressions of a file carry data of
// a given origin (a sensitive local source, a decoded string, downloaded text), through variables,
// property writes, pushes, `+=`, callbacks' data parameters and helper functions. Names are
// tracked per file, not per scope: packages' loaders are short, and a missed flow costs more
// than an extra one here. Also: whether code runs when the module is loaded. Pure.
import ts from 'typescript';
import type { FlowStep } from '../../../types';
import { forEachNode, spanOf } from '../../ast';
import type { Taint } from '../../taint';

export interface Origin {
  label: string;
  steps: FlowStep[];
}

/** Says whether an expression is itself a source, and names it. */
export type SourceTest = (node: ts.Node, tracker: Tracker) => string | undefined;

export interface Tracker {
  /** The origin an expression carries, if any. */
  originOf(node: ts.Node): Origin | undefined;
  /** The text of an expression with identifiers replaced by their definitions (a few levels). */
  resolvedText(node: ts.Node): string;
}

/** Builds the tracker for one file and one kind of source. */
/** Scopes and definitions of a file, shared by every rule that tracks values in it. */
const prepared = new WeakMap<ts.SourceFile, { keyOf: (id: ts.Identifier) => string; defs: Definitions }>();

export function track(sf: ts.SourceFile, isSource: SourceTest): Tracker {
  let p = prepared.get(sf);
  if (!p) {
    const keyOf = scopes(sf);
    p = { keyOf, defs: definitions(sf, keyOf) };
    prepared.set(sf, p);
  }
  const { keyOf, defs } = p;
  const tainted = new Map<string, Origin>();
  const tracker: Tracker = {
    originOf: (node) => originOf(node, 0),
    resolvedText: (node) => resolve(node, defs, 0),
  };
  function originOf(node: ts.Node, depth: number): Origin | undefined {
    if (depth > 40 || ts.isFunctionLike(node)) return undefined;
    const label = isSource(node, tracker);
    if (label) return { label, steps: [{ span: spanOf(node), message: `reads ${label}` }] };
    if (ts.isIdentifier(node)) return tainted.get(keyOf(node));
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && tainted.has(`${keyOf(node.expression)}()`)) return tainted.get(`${keyOf(node.expression)}()`);
    // Hashes and HMACs keep a secret's proof, not the secret.
    if (ts.isCallExpression(node) && /\b(createHash|createHmac|digest)\b/.test(node.expression.getText(sf))) return undefined;
    let found: Origin | undefined;
    node.forEachChild((c) => {
      if (!found && !ts.isFunctionLike(c)) found = originOf(c, depth + 1);
    });
    return found;
  }
  // Propagate to a fixed point: a variable carries the origin of anything written to it.
  for (let round = 0; round < 6; round++) {
    let changed = false;
    const mark = (key: string, name: string, from: ts.Node, value: ts.Node): void => {
      if (tainted.has(key)) return;
      const o = originOf(value, 0);
      if (!o) return;
      tainted.set(key, { label: o.label, steps: [...o.steps, { span: spanOf(from), message: `stored in ${name}` }].slice(-6) });
      changed = true;
    };
    for (const d of defs.writes) mark(d.key, d.name, d.node, d.value);
    if (!changed) break;
  }
  return tracker;
}

interface Write {
  /** The variable's name qualified by the scope that declares it. */
  key: string;
  name: string;
  node: ts.Node;
  value: ts.Node;
}

interface Definitions {
  writes: Write[];
  /** Initialisers (and for-of iterables) by name, for resolving text. */
  inits: Map<string, ts.Node>;
  /** Functions by name, for helpers such as `const d = (i) => Buffer.from(…)`. */
  functions: Map<string, ts.Node>;
}

function definitions(sf: ts.SourceFile, keyOf: (id: ts.Identifier) => string): Definitions {
  const writes: Write[] = [];
  const inits = new Map<string, ts.Node>();
  const functions = new Map<string, ts.Node>();
  const fnKeys = new Map<ts.Node, string>();
  const bindNames = (name: ts.BindingName, value: ts.Node, at: ts.Node): void => {
    if (ts.isIdentifier(name)) {
      writes.push({ key: keyOf(name), name: name.text, node: at, value });
      if (!inits.has(name.text)) inits.set(name.text, value);
      if (ts.isFunctionLike(value)) {
        functions.set(name.text, value);
        fnKeys.set(value, keyOf(name));
      }
    } else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindNames(el.name, value, at);
  };
  forEachNode(sf, (n) => {
    if (ts.isVariableDeclaration(n) && n.initializer) bindNames(n.name, n.initializer, n);
    else if (ts.isFunctionDeclaration(n) && n.name) {
      functions.set(n.name.text, n);
      fnKeys.set(n, keyOf(n.name));
    }
    else if (ts.isForOfStatement(n) && ts.isVariableDeclarationList(n.initializer)) {
      for (const d of n.initializer.declarations) bindNames(d.name, n.expression, d);
    } else if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      const root = rootName(n.left);
      if (root) writes.push({ key: keyOf(root), name: root.text, node: n, value: n.right });
    } else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && /^(push|unshift|set|add|concat|write|append)$/.test(n.expression.name.text)) {
      const root = rootName(n.expression.expression);
      for (const a of n.arguments) if (root) writes.push({ key: keyOf(root), name: root.text, node: n, value: a });
    } else if (ts.isCallExpression(n)) {
      // Data callbacks: `res.on('data', d => …)`, `readFile(p, (err, data) => …)`,
      // `request.get(u, (err, res, body) => …)`: the data parameter carries what the call read.
      for (const a of n.arguments) {
        if (!ts.isArrowFunction(a) && !ts.isFunctionExpression(a)) continue;
        const ps = a.parameters;
        const data = ps.length >= 3 ? ps[2] : ps.length === 2 ? ps[1] : ps[0];
        if (data && ts.isIdentifier(data.name)) writes.push({ key: keyOf(data.name), name: data.name.text, node: data, value: n });
      }
    }
  });
  // A call of a local function carries what the function returns.
  for (const [name, fn] of functions) {
    const key = `${fnKeys.get(fn) ?? name}()`;
    forEachNode(fn, (n) => {
      if (ts.isReturnStatement(n) && n.expression) writes.push({ key, name: `${name}()`, node: n, value: n.expression });
      if ((ts.isArrowFunction(fn) && n === fn.body && !ts.isBlock(fn.body))) writes.push({ key, name: `${name}()`, node: n, value: n });
    });
  }
  return { writes, inits, functions };
}

/** `a.b.c` → a; `a[0]` → a. */
function rootName(e: ts.Node): ts.Identifier | undefined {
  let n = e;
  while (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) n = n.expression;
  return ts.isIdentifier(n) ? n : undefined;
}

/** Resolves an identifier to the function (or file) scope that declares it, as a key: minified
 *  bundles reuse one-letter names in every function, and those must not share a value. Block
 *  scoping is not modelled; function scoping is what keeps bundles apart. */
function scopes(sf: ts.SourceFile): (id: ts.Identifier) => string {
  const declared = new Map<ts.Node, Set<string>>();
  const scopeOf = (n: ts.Node): ts.Node => {
    for (let p: ts.Node | undefined = n.parent; p; p = p.parent) if (ts.isFunctionLike(p) || ts.isSourceFile(p)) return p;
    return sf;
  };
  const declare = (scope: ts.Node, name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) {
      let set = declared.get(scope);
      if (!set) declared.set(scope, (set = new Set()));
      set.add(name.text);
    } else for (const el of name.elements) if (!ts.isOmittedExpression(el)) declare(scope, el.name);
  };
  forEachNode(sf, (n) => {
    if (ts.isVariableDeclaration(n)) declare(scopeOf(n), n.name);
    else if (ts.isParameter(n)) declare(n.parent, n.name);
    else if (ts.isFunctionDeclaration(n) && n.name) declare(scopeOf(n), n.name);
    else if (ts.isFunctionExpression(n) && n.name) declare(n, n.name);
    else if (ts.isCatchClause(n) && n.variableDeclaration) declare(scopeOf(n), n.variableDeclaration.name);
  });
  // The nearest enclosing scope of every node, memoised along the way: a deep expression would
  // otherwise be walked once per identifier in it.
  const nearest = new Map<ts.Node, ts.Node>();
  const enclosing = (n: ts.Node): ts.Node => {
    const path: ts.Node[] = [];
    let p: ts.Node | undefined = n.parent;
    let found: ts.Node = sf;
    for (; p; p = p.parent) {
      const known = nearest.get(p);
      if (known) {
        found = known;
        break;
      }
      if (ts.isFunctionLike(p) || ts.isSourceFile(p)) {
        found = p;
        break;
      }
      path.push(p);
    }
    for (const q of path) nearest.set(q, found);
    return found;
  };
  return (id) => {
    for (let scope: ts.Node | undefined = enclosing(id); scope; scope = ts.isSourceFile(scope) ? undefined : enclosing(scope)) {
      if (declared.get(scope)?.has(id.text)) return `${scope.pos}:${scope.end}:${id.text}`;
    }
    return `global:${id.text}`;
  };
}

function resolve(node: ts.Node, defs: Definitions, depth: number): string {
  const text = node.getText();
  if (depth > 3 || text.length > 4000) return text;
  let out = text;
  forEachNode(node, (n) => {
    if (ts.isIdentifier(n) && defs.inits.has(n.text) && defs.inits.get(n.text) !== node) {
      const init = defs.inits.get(n.text) as ts.Node;
      if (!init.getSourceFile() || init.pos < 0) return;
      out += ` ${resolve(init, defs, depth + 1)}`;
    }
  });
  return out;
}

/** The flow as the rules' Taint, so findings show it as the injection rules' do. */
export function asTaint(o: Origin): Taint {
  return { label: o.label, steps: o.steps, cleansed: 0, direct: false, maybeObject: true };
}

/** Whether `node` runs when its module is loaded: outside every function, or inside callbacks,
 *  IIFEs and named functions that top-level code calls. */
export function runsAtLoad(node: ts.Node, sf: ts.SourceFile): boolean {
  const calledAtTop = topLevelCalls(sf);
  for (let n: ts.Node | undefined = node.parent; n && n !== sf; n = n.parent) {
    if (!ts.isFunctionLike(n)) continue;
    if (ts.isClassLike(n.parent) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isAccessor(n)) return false;
    const p = n.parent;
    if (ts.isFunctionDeclaration(n) || (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name))) {
      const name = ts.isFunctionDeclaration(n) ? n.name?.text : (p as ts.VariableDeclaration).name.getText(sf);
      if (!name || !calledAtTop.has(name)) return false;
      continue;
    }
    // Assigned to exports or a property: runs when someone calls it, not at load.
    if (ts.isBinaryExpression(p) || ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) || ts.isReturnStatement(p) || ts.isExportAssignment(p)) return false;
    // Request handlers and route registrations run per request, not at load.
    if (n.parameters.some((x) => ts.isIdentifier(x.name) && /^(req|request|res|response|ctx|context|reply|next)$/i.test(x.name.text))) return false;
    if (ts.isCallExpression(p) && ts.isPropertyAccessExpression(p.expression) && /^(get|post|put|patch|delete|all|use|route|head|options)$/.test(p.expression.name.text) && p.arguments.length > 1 && ts.isStringLiteralLike(p.arguments[0]) && p.arguments[0].text.startsWith('/')) return false;
  }
  return true;
}

const topCache = new WeakMap<ts.SourceFile, Set<string>>();

/** Whether `p` starts code that runs when called, not at load. */
function inFunctionBoundary(p: ts.Node): boolean {
  if (ts.isFunctionDeclaration(p) || ts.isMethodDeclaration(p) || ts.isClassLike(p)) return true;
  return (ts.isFunctionExpression(p) || ts.isArrowFunction(p)) && (ts.isVariableDeclaration(p.parent) || ts.isBinaryExpression(p.parent) || ts.isPropertyAssignment(p.parent));
}

/** Names of local functions called by code that itself runs at load (one level, plus callbacks). */
function topLevelCalls(sf: ts.SourceFile): Set<string> {
  const hit = topCache.get(sf);
  if (hit) return hit;
  const names = new Set<string>();
  topCache.set(sf, names);
  forEachNode(sf, (n) => {
    // Code inside a function (one declared, a method, a class, or one stored in a variable or a
    // property) does not run at load: its subtree is skipped, rather than climbing from every call.
    if (n !== sf && inFunctionBoundary(n)) return false;
    if (!ts.isCallExpression(n)) return;
    const callee = ts.isIdentifier(n.expression) ? n.expression.text : undefined;
    if (callee) names.add(callee);
    for (const a of n.arguments) if (ts.isIdentifier(a)) names.add(a.text);
  });
  return names;
}
