// Shared AST helpers for the policy rules: literal values, object options, request-derived values,
// enclosing functions and try blocks, and evidence steps shown beside a finding.
import ts from 'typescript';
import type { FlowStep } from '../../../types';
import type { TaintFacts } from '../../facts';
import type { Taint } from '../../taint';
import { isFunctionLike, spanOf, unwrap, type FunctionLike } from '../../ast';

/**
 * Policy findings have no source-to-sink path, but they do have evidence (where the secret is
 * defined, which middleware the other routes use). Carried as a flow so editors show it as
 * related information; `cleansed` is irrelevant because nothing checks it.
 */
export function evidence(steps: FlowStep[]): Taint {
  return { label: 'evidence', steps, cleansed: 0, direct: false, maybeObject: false };
}

export function step(node: ts.Node, message: string): FlowStep {
  return { span: spanOf(node), message };
}

/** Calls `fn` on every descendant of `node` in source order; returning false skips the subtree. */
export function walk(node: ts.Node, fn: (n: ts.Node) => boolean | void): void {
  const visit = (n: ts.Node): void => {
    if (fn(n) === false) return;
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(node, visit);
}

export function enclosingFunction(node: ts.Node): FunctionLike | undefined {
  for (let n = node.parent; n; n = n.parent) if (isFunctionLike(n)) return n;
  return undefined;
}

/** Whether `node` sits in the try block of a try statement inside `limit` (its function). */
export function insideTry(node: ts.Node, limit?: ts.Node): boolean {
  for (let n: ts.Node = node; n.parent && n !== limit; n = n.parent) {
    if (ts.isTryStatement(n.parent) && n.parent.tryBlock === n) return true;
  }
  return false;
}

/** The text of a string literal or plain template, following a constant identifier once. */
export function stringValue(expr: ts.Expression | undefined, facts?: TaintFacts): string | undefined {
  if (!expr) return undefined;
  const e = unwrap(expr);
  if (ts.isStringLiteralLike(e)) return e.text;
  if (facts && ts.isIdentifier(e)) {
    const def = definitionOf(e, facts);
    const d = def && unwrap(def);
    if (d && ts.isStringLiteralLike(d)) return d.text;
  }
  return undefined;
}

export function propertyName(name: ts.PropertyName | ts.MemberName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** The value of property `name` in an object literal (shorthand included), if present. */
export function objectProperty(obj: ts.Expression | undefined, name: string | RegExp): ts.ObjectLiteralElementLike | undefined {
  if (!obj) return undefined;
  const o = unwrap(obj);
  if (!ts.isObjectLiteralExpression(o)) return undefined;
  return o.properties.find((p) => {
    const n = propertyName(p.name);
    return n !== undefined && (typeof name === 'string' ? n === name : name.test(n));
  });
}

export function propertyValue(p: ts.ObjectLiteralElementLike | undefined): ts.Expression | undefined {
  if (!p) return undefined;
  if (ts.isPropertyAssignment(p)) return p.initializer;
  if (ts.isShorthandPropertyAssignment(p)) return p.name;
  return undefined;
}

/** `obj` resolved through one constant binding: `const opts = {…}; f(opts)`. */
export function resolveObject(expr: ts.Expression | undefined, facts: TaintFacts): ts.ObjectLiteralExpression | undefined {
  if (!expr) return undefined;
  let e = unwrap(expr);
  if (ts.isIdentifier(e)) {
    const def = definitionOf(e, facts);
    if (def) e = unwrap(def);
  }
  return ts.isObjectLiteralExpression(e) ? e : undefined;
}

const REQUEST_ROOT = /^(req|request|ctx|context)$/;
const REQUEST_DATA = /^(body|query|params|headers|cookies|header|querystring|file|files)$/;

/** `req.body.x`, `ctx.request.query.y`, `request.params.id`: a plain read of request data. */
export function isRequestRead(expr: ts.Node): boolean {
  let e: ts.Node = expr;
  let sawData = false;
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    if (ts.isPropertyAccessExpression(e) && REQUEST_DATA.test(e.name.text)) sawData = true;
    e = unwrap(e.expression);
  }
  return sawData && ts.isIdentifier(e) && REQUEST_ROOT.test(e.text);
}

/**
 * Whether `expr` is request data, even after a numeric conversion (the taint engine treats
 * Number(x) as safe for every injection sink, but a number can still be negative or huge).
 * Follows identifiers to their single binding, including destructuring of request data.
 */
export function requestDerived(expr: ts.Node, facts: TaintFacts, depth = 0): boolean {
  if (depth > 4) return false;
  if (ts.isExpression(expr) && facts.taintOf(expr)) return true;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (isRequestRead(n)) { found = true; return; }
    if (ts.isIdentifier(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) {
      if (destructuredFromRequest(n, facts)) { found = true; return; }
      const def = definitionOf(n, facts);
      if (def && def !== expr && requestDerived(def, facts, depth + 1)) { found = true; return; }
    }
    ts.forEachChild(n, visit);
  };
  visit(expr);
  return found;
}

/** `const { quantity } = req.body` and handler parameters destructured from request data. */
function destructuredFromRequest(id: ts.Identifier, facts: TaintFacts): boolean {
  const fn = enclosingFunction(id) ?? id.getSourceFile();
  let hit = false;
  walk(fn, (n) => {
    if (hit) return false;
    if (ts.isVariableDeclaration(n) && ts.isObjectBindingPattern(n.name) && n.initializer) {
      const bound = n.name.elements.some((el) => ts.isIdentifier(el.name) && el.name.text === id.text);
      if (bound && (isRequestRead(unwrap(n.initializer)) || facts.taintOf(n.initializer))) hit = true;
    }
    return undefined;
  });
  return hit;
}

/** Every identifier name used inside `node`. */
export function namesIn(node: ts.Node): Set<string> {
  const out = new Set<string>();
  if (ts.isIdentifier(node)) out.add(node.text);
  walk(node, (n) => { if (ts.isIdentifier(n)) out.add(n.text); });
  return out;
}

/** The statement list that directly holds `node`'s statement, and that statement. */
export function callArgs(call: ts.CallExpression | ts.NewExpression): readonly ts.Expression[] {
  return call.arguments ?? [];
}

export function isStringish(e: ts.Expression): boolean {
  const u = unwrap(e);
  return ts.isStringLiteralLike(u) || ts.isTemplateExpression(u);
}

/** The name a value is given: the variable, property or parameter it initialises. */
export function bindingName(node: ts.Node): string | undefined {
  let n: ts.Node = node;
  for (let i = 0; i < 6 && n.parent; i++, n = n.parent) {
    const p = n.parent;
    if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
    if (ts.isPropertyAssignment(p)) return propertyName(p.name);
    if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === n) {
      const l = p.left;
      if (ts.isIdentifier(l)) return l.text;
      if (ts.isPropertyAccessExpression(l)) return l.name.text;
      return undefined;
    }
    if (ts.isReturnStatement(p)) {
      const fn = enclosingFunction(p);
      return fn ? functionName(fn) : undefined;
    }
    if (ts.isStatement(p) || isFunctionLike(p)) {
      if (isFunctionLike(p)) return functionName(p);
      return undefined;
    }
  }
  return undefined;
}

export function functionName(fn: FunctionLike): string | undefined {
  if (fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  const p = fn.parent;
  if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (ts.isPropertyAssignment(p)) return propertyName(p.name);
  return undefined;
}

const declarations = new WeakMap<ts.SourceFile, Map<string, ts.VariableDeclaration[]>>();

/**
 * The expression a name is bound to. The engine only remembers bindings of tainted values, so
 * constants (`const SECRET = 'x'`) are looked up here: a single `const` declaration of the name in
 * the file, or a single `let`/`var` that is never reassigned.
 */
export function definitionOf(id: ts.Identifier, facts: TaintFacts): ts.Expression | undefined {
  const fromEngine = facts.definitionOf(id);
  if (fromEngine) return fromEngine;
  const sf = id.getSourceFile();
  let byName = declarations.get(sf);
  if (!byName) {
    const map = new Map<string, ts.VariableDeclaration[]>();
    walk(sf, (n) => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) map.set(n.name.text, [...(map.get(n.name.text) ?? []), n]);
    });
    byName = map;
    declarations.set(sf, map);
  }
  const decls = byName.get(id.text);
  if (!decls || decls.length !== 1 || !decls[0].initializer) return undefined;
  const decl = decls[0];
  if (!(decl.parent.flags & ts.NodeFlags.Const) && reassigned(sf, id.text)) return undefined;
  return decl.initializer;
}

function reassigned(sf: ts.SourceFile, name: string): boolean {
  let hit = false;
  walk(sf, (n) => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment && ts.isIdentifier(n.left) && n.left.text === name) hit = true;
  });
  return hit;
}
