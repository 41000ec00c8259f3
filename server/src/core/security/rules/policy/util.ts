// Shared AST helpers for the policy rules: literal values, object options, request-derived values,
// enclosing functions and try blocks, and evidence steps shown beside a finding.
import ts from 'typescript';
import type { FlowStep } from '../../../types';
import type { TaintFacts } from '../../facts';
import type { Taint } from '../../taint';
import { forEachNode, isFunctionLike, spanOf, unwrap, type FunctionLike } from '../../ast';
import { nodeMemo, type NodeMemo } from '../../../source/tree-memo';

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

/**
 * Calls `fn` on every descendant of `node` in source order; returning false skips the subtree.
 * Iterative (forEachNode), so 10,000-deep code cannot overflow the stack.
 */
export function walk(node: ts.Node, fn: (n: ts.Node) => boolean | void): void {
  forEachNode(node, (n) => (n === node ? true : fn(n)));
}

/** Per node: the nearest function at or above it (null at top level). */
const functions = nodeMemo<ts.Node, FunctionLike | null>();

/**
 * The function `node` is in. Rules ask this of every candidate node, so answers are remembered
 * for the whole path climbed: in 10,000-deep code each node is climbed over once, not once per
 * node below it.
 */
export function enclosingFunction(node: ts.Node): FunctionLike | undefined {
  return node.parent ? climb(node.parent, functions, (n) => (isFunctionLike(n) ? n : undefined), null) ?? undefined : undefined;
}

/** Per node: whether it sits in a try block before its function's boundary. */
const tries = nodeMemo<ts.Node, boolean>();

/** Whether `node` sits in the try block of a try statement inside `limit` (its function). */
export function insideTry(node: ts.Node, limit?: ts.Node): boolean {
  if (limit !== undefined && limit === enclosingFunction(node) && !isFunctionLike(node)) {
    // Below its own function the answer is one per node and can be remembered (see climb).
    return climb(node, tries, (n) => (!n.parent ? false : ts.isTryStatement(n.parent) && n.parent.tryBlock === n ? true : isFunctionLike(n.parent) ? false : undefined), false);
  }
  for (let n: ts.Node = node; n.parent && n !== limit; n = n.parent) {
    if (ts.isTryStatement(n.parent) && n.parent.tryBlock === n) return true;
  }
  return false;
}

/**
 * Climbs from `node` through its parents until `decide` answers or a remembered answer is found,
 * then remembers that answer for every node on the way (it holds for all of them). `atRoot` is the
 * answer when the climb runs out of parents.
 */
export function climb<T>(node: ts.Node, memo: NodeMemo<ts.Node, T>, decide: (n: ts.Node) => T | undefined, atRoot: T): T {
  const path: ts.Node[] = [];
  let answer: T | undefined;
  for (let n: ts.Node | undefined = node; ; n = n.parent) {
    if (!n) { answer = atRoot; break; }
    const known = memo.get(n);
    if (known !== undefined) { answer = known; break; }
    const d = decide(n);
    if (d !== undefined) { answer = d; memo.set(n, d); break; }
    path.push(n);
  }
  for (const n of path) memo.set(n, answer);
  return answer;
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

/** Per member access: whether a link at or below it names request data, and whether its root is a request. */
interface ChainFacts { data: boolean; root: boolean }
const chains = nodeMemo<ts.Node, ChainFacts>();

/**
 * `req.body.x`, `ctx.request.query.y`, `request.params.id`: a plain read of request data.
 * Rules ask this of every access in a chain, so each link's answer is remembered: asking it of all
 * 10,000 links of `a.b.c…` costs one pass down the chain, not one per link.
 */
export function isRequestRead(expr: ts.Node): boolean {
  const links: (ts.PropertyAccessExpression | ts.ElementAccessExpression)[] = [];
  let e: ts.Node = expr;
  let below: ChainFacts | undefined;
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    below = chains.get(e);
    if (below) break;
    links.push(e);
    e = unwrap(e.expression);
  }
  let facts: ChainFacts = below ?? { data: false, root: ts.isIdentifier(e) && REQUEST_ROOT.test(e.text) };
  for (let i = links.length - 1; i >= 0; i--) {
    const link = links[i];
    facts = { data: facts.data || (ts.isPropertyAccessExpression(link) && REQUEST_DATA.test(link.name.text)), root: facts.root };
    chains.set(link, facts);
  }
  return facts.data && facts.root;
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
  forEachNode(expr, (n) => {
    if (found) return false;
    if (isRequestRead(n)) { found = true; return false; }
    if (ts.isIdentifier(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) {
      if (destructuredFromRequest(n, facts)) { found = true; return false; }
      const def = definitionOf(n, facts);
      if (def && def !== expr && requestDerived(def, facts, depth + 1)) { found = true; return false; }
    }
    return true;
  });
  return found;
}

const destructured = nodeMemo<ts.Node, Set<string>>();

/** `const { quantity } = req.body`: names bound by destructuring request data, per function (cached). */
function destructuredFromRequest(id: ts.Identifier, facts: TaintFacts): boolean {
  const fn = enclosingFunction(id) ?? id.getSourceFile();
  let names = destructured.get(fn);
  if (!names) {
    const found = new Set<string>();
    walk(fn, (n) => {
      if (ts.isVariableDeclaration(n) && ts.isObjectBindingPattern(n.name) && n.initializer && (isRequestRead(unwrap(n.initializer)) || facts.taintOf(n.initializer))) {
        for (const el of n.name.elements) if (ts.isIdentifier(el.name)) found.add(el.name.text);
      }
    });
    names = found;
    destructured.set(fn, names);
  }
  return names.has(id.text);
}

/**
 * The request value itself, not something looked up with it: `req.body.role`, a binding
 * destructured from request data, or either with a default (`role || 'user'`).
 */
export function directRequestValue(expr: ts.Expression, facts: TaintFacts): boolean {
  let e = unwrap(expr);
  if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.BarBarToken || e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) e = unwrap(e.left);
  if (isRequestRead(e)) return true;
  if (!ts.isIdentifier(e)) return false;
  if (destructuredFromRequest(e, facts)) return true;
  const def = definitionOf(e, facts);
  return def !== undefined && isRequestRead(unwrap(def));
}

/** Every identifier name used inside `node`. */
export function namesIn(node: ts.Node): Set<string> {
  const out = new Set<string>();
  if (ts.isIdentifier(node)) out.add(node.text);
  walk(node, (n) => { if (ts.isIdentifier(n)) out.add(n.text); });
  return out;
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

/** The nodes the policy rules look for, gathered in one walk per file: each full walk of a
 *  1,000-line file costs several milliseconds, and the rules would otherwise make one each. */
export interface NodeIndex {
  accesses: (ts.PropertyAccessExpression | ts.ElementAccessExpression)[];
  declarations: ts.VariableDeclaration[];
  propertyAssignments: ts.PropertyAssignment[];
  bindings: ts.BindingElement[];
  strings: ts.StringLiteralLike[];
  /** Regex literals and `new RegExp(…)` expressions. */
  regexes: ts.Expression[];
  forStatements: ts.ForStatement[];
  byName: Map<string, ts.VariableDeclaration[]>;
}

const indexes = new WeakMap<ts.SourceFile, NodeIndex>();

export function nodeIndex(sf: ts.SourceFile): NodeIndex {
  const cached = indexes.get(sf);
  if (cached) return cached;
  const ix: NodeIndex = { accesses: [], declarations: [], propertyAssignments: [], bindings: [], strings: [], regexes: [], forStatements: [], byName: new Map() };
  const visit = (n: ts.Node): void => {
    switch (n.kind) {
      case ts.SyntaxKind.PropertyAccessExpression:
      case ts.SyntaxKind.ElementAccessExpression:
        ix.accesses.push(n as ts.PropertyAccessExpression);
        break;
      case ts.SyntaxKind.VariableDeclaration: {
        const d = n as ts.VariableDeclaration;
        ix.declarations.push(d);
        if (ts.isIdentifier(d.name)) {
          const same = ix.byName.get(d.name.text);
          if (same) same.push(d);
          else ix.byName.set(d.name.text, [d]);
        }
        break;
      }
      case ts.SyntaxKind.PropertyAssignment:
        ix.propertyAssignments.push(n as ts.PropertyAssignment);
        break;
      case ts.SyntaxKind.BindingElement:
        ix.bindings.push(n as ts.BindingElement);
        break;
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
        ix.strings.push(n as ts.StringLiteralLike);
        break;
      case ts.SyntaxKind.RegularExpressionLiteral:
        ix.regexes.push(n as ts.Expression);
        break;
      case ts.SyntaxKind.NewExpression:
        if (isNamed((n as ts.NewExpression).expression, 'RegExp')) ix.regexes.push(n as ts.Expression);
        break;
      case ts.SyntaxKind.ForStatement:
        ix.forStatements.push(n as ts.ForStatement);
        break;
    }
  };
  forEachNode(sf, visit);
  indexes.set(sf, ix);
  return ix;
}

/**
 * The expression a name is bound to. The engine only remembers bindings of tainted values, so
 * constants (`const SECRET = 'x'`) are looked up here: a single `const` declaration of the name in
 * the file, or a single `let`/`var` that is never reassigned.
 */
export function definitionOf(id: ts.Identifier, facts: TaintFacts): ts.Expression | undefined {
  const fromEngine = facts.definitionOf(id);
  if (fromEngine) return fromEngine;
  const sf = id.getSourceFile();
  const decls = nodeIndex(sf).byName.get(id.text);
  if (!decls) return undefined;
  // The same name declared in several blocks: the innermost block around the use binds it.
  const decl = decls.length === 1 ? decls[0] : innermostConst(decls, id);
  if (!decl?.initializer) return undefined;
  if (!(decl.parent.flags & ts.NodeFlags.Const) && reassigned(sf, id.text)) return undefined;
  return decl.initializer;
}

function innermostConst(decls: readonly ts.VariableDeclaration[], id: ts.Identifier): ts.VariableDeclaration | undefined {
  // The blocks that can bind the use are the ones around it, so climb from the use to the root and
  // look each one up, instead of testing every declaration of a name that a thousand handlers
  // declare (which made each lookup cost the size of the file). Among blocks starting at the same
  // position the declaration first in the file wins, and the innermost block wins otherwise.
  const byBlock = constsByBlock(decls);
  let best: ts.VariableDeclaration | undefined;
  let bestStart = -1;
  for (let block: ts.Node | undefined = id.parent; block; block = block.parent) {
    if (block.pos < bestStart) break;
    const inBlock = byBlock.get(block);
    if (!inBlock || block.pos > id.pos || block.end < id.end) continue;
    for (const d of inBlock) {
      if (d.end > id.pos) break;
      if (block.pos > bestStart || (block.pos === bestStart && best !== undefined && d.pos < best.pos)) {
        best = d;
        bestStart = block.pos;
      }
      break;
    }
  }
  return best;
}

/** Per list of same-named declarations: the `const` ones grouped by the block that holds them, in file order. */
const blocksOf = new WeakMap<readonly ts.VariableDeclaration[], Map<ts.Node, ts.VariableDeclaration[]>>();

function constsByBlock(decls: readonly ts.VariableDeclaration[]): Map<ts.Node, ts.VariableDeclaration[]> {
  let byBlock = blocksOf.get(decls);
  if (byBlock) return byBlock;
  byBlock = new Map();
  for (const d of decls) {
    if (!(d.parent.flags & ts.NodeFlags.Const)) continue;
    const block = d.parent.parent.parent;
    if (!block) continue;
    const list = byBlock.get(block);
    if (list) list.push(d);
    else byBlock.set(block, [d]);
  }
  blocksOf.set(decls, byBlock);
  return byBlock;
}

const assignedNames = new WeakMap<ts.SourceFile, Set<string>>();

/** Whether `name` is the target of an assignment anywhere in the file (one walk per file, cached). */
function reassigned(sf: ts.SourceFile, name: string): boolean {
  let names = assignedNames.get(sf);
  if (!names) {
    const found = new Set<string>();
    walk(sf, (n) => {
      if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment && ts.isIdentifier(n.left)) found.add(n.left.text);
    });
    names = found;
    assignedNames.set(sf, names);
  }
  return names.has(name);
}

/** Whether `e` is the identifier `name` as written (what getText() === name says, without scanning trivia). */
function isNamed(e: ts.Expression, name: string): boolean {
  return ts.isIdentifier(e) && e.text === name && e.getSourceFile().text.slice(e.end - name.length, e.end) === name;
}
