// Small AST helpers shared by the engine, the rules and the fixes.
import ts from 'typescript';
import type { Span } from '../types';

export type FunctionLike =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

const FUNCTION_KINDS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.Constructor,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
]);

/** One set lookup: this runs for every call argument the engine sees. */
export function isFunctionLike(node: ts.Node): node is FunctionLike {
  return FUNCTION_KINDS.has(node.kind);
}

/** The node's span without leading trivia. */
export function spanOf(node: ts.Node): Span {
  return { start: node.getStart(), end: node.getEnd() };
}

/** The dotted text of a short member chain (`a.b.c`, `this.x`), or undefined if longer or not plain. */
export function shortDottedName(expr: ts.Expression, maxLinks: number): string | undefined {
  const names: string[] = [];
  let node: ts.Expression = expr;
  while (ts.isPropertyAccessExpression(node)) {
    if (names.length >= maxLinks) return undefined;
    names.push(node.name.text);
    node = node.expression;
  }
  if (ts.isIdentifier(node)) names.push(node.text);
  else if (node.kind === ts.SyntaxKind.ThisKeyword) names.push('this');
  else return undefined;
  return names.reverse().join('.');
}

/** Strips parentheses, `as`, `!` and `await` around an expression. */
export function unwrap(expr: ts.Expression): ts.Expression {
  let e = expr;
  while (
    ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) ||
    ts.isAwaitExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)
  ) {
    e = e.expression;
  }
  return e;
}

/** Line start offset of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * Visits every node under `root` in source order without recursion, so rules cannot overflow the
 * stack on deeply nested code. Return false from `visit` to skip a node's children.
 */
export function forEachNode(root: ts.Node, visit: (node: ts.Node) => boolean | void): void {
  if (root.kind === ts.SyntaxKind.SourceFile) {
    // A dozen rules walk the whole file; the file's nodes in order are listed once per tree and
    // each of those walks is a loop over the list.
    const { nodes, after } = preorder(root as ts.SourceFile);
    for (let i = 0; i < nodes.length; ) i = visit(nodes[i]) === false ? after[i] : i + 1;
    return;
  }
  const stack: ts.Node[] = [root];
  // One callback per walk, not one per node; it must return undefined, or forEachChild stops.
  const push = (c: ts.Node): undefined => {
    stack.push(c);
    return undefined;
  };
  while (stack.length > 0) {
    const node = stack.pop() as ts.Node;
    if (visit(node) === false) continue;
    // The children go on the stack in reverse, so the first child is visited next.
    const lo = stack.length;
    ts.forEachChild(node, push);
    reverseFrom(stack, lo);
  }
}

/** Reverses `list[lo…]` in place: children pushed in order, then turned so the first pops first. */
function reverseFrom(list: unknown[], lo: number): void {
  for (let hi = list.length - 1; lo < hi; lo++, hi--) {
    const t = list[lo];
    list[lo] = list[hi];
    list[hi] = t;
  }
}

/** A file's nodes in source order, and for each the index just past its subtree. */
interface Preorder {
  nodes: ts.Node[];
  after: Int32Array;
  parents: Int32Array;
}

/** Keyed by the SourceFile, which every parse (an incremental one too) makes anew. */
const preorders = new WeakMap<ts.SourceFile, Preorder>();

/**
 * The last file listed, with where each of its top-level statements' subtrees sits in its list.
 * An incremental parse moves the statements the edit did not touch into the new tree whole, the
 * same objects with the same children, so their part of the list is copied instead of walked.
 */
let last: { list: Preorder; statements: Map<ts.Node, number> } | undefined;

function preorder(sf: ts.SourceFile): Preorder {
  const known = preorders.get(sf);
  if (known) return known;
  const reuse = last;
  const nodes: ts.Node[] = [];
  const parents: number[] = [];
  const stack: ts.Node[] = [sf];
  const stackParents: number[] = [-1];
  let current = -1;
  const push = (c: ts.Node): undefined => {
    stack.push(c);
    stackParents.push(current);
    return undefined;
  };
  while (stack.length > 0) {
    const node = stack.pop() as ts.Node;
    const parent = stackParents.pop() as number;
    const from = parent === 0 && reuse ? reuse.statements.get(node) : undefined;
    if (from !== undefined && reuse) {
      // A statement of the previous file: its subtree's nodes, in order, with their parents moved.
      const old = reuse.list;
      const base = nodes.length;
      nodes.push(node);
      parents.push(0);
      for (let k = from + 1, end = old.after[from]; k < end; k++) {
        nodes.push(old.nodes[k]);
        parents.push(old.parents[k] - from + base);
      }
      continue;
    }
    parents.push(parent);
    current = nodes.length;
    nodes.push(node);
    const lo = stack.length;
    ts.forEachChild(node, push);
    reverseFrom(stack, lo);
    reverseFrom(stackParents, lo);
  }
  // A subtree is contiguous in preorder: its size, summed from the last node back, gives its end.
  const size = new Int32Array(nodes.length).fill(1);
  for (let i = nodes.length - 1; i > 0; i--) size[parents[i]] += size[i];
  const after = new Int32Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) after[i] = i + size[i];
  const p = { nodes, after, parents: Int32Array.from(parents) };
  preorders.set(sf, p);
  const statements = new Map<ts.Node, number>();
  for (let i = 1; i < nodes.length; i = after[i]) statements.set(nodes[i], i);
  last = { list: p, statements };
  return p;
}
