// Parsing and small AST helpers for the orbit transforms: acorn in, typed nodes out, plus the
// generic child walk and text helpers (indentation, fresh names) the transforms share.
import * as acorn from 'acorn';

export type Node = acorn.AnyNode;

export interface Parsed {
  program: acorn.Program;
  comments: acorn.Comment[];
}

/** Parses a unit as a script (falling back to a module); null when it is not valid JavaScript. */
export function parseUnit(source: string): Parsed | null {
  for (const sourceType of ['script', 'module'] as const) {
    const comments: acorn.Comment[] = [];
    try {
      const program = acorn.parse(source, {
        ecmaVersion: 'latest',
        sourceType,
        allowReturnOutsideFunction: true,
        allowHashBang: true,
        onComment: comments,
      });
      return { program, comments };
    } catch {
      // Try the next source type.
    }
  }
  return null;
}

const SKIP_KEYS = new Set(['type', 'start', 'end', 'loc', 'range', 'raw', 'regex', 'bigint']);

/** The child nodes of a node, in source order. */
export function childrenOf(node: Node): Node[] {
  const out: Node[] = [];
  const rec = node as unknown as Record<string, unknown>;
  for (const key in rec) {
    if (SKIP_KEYS.has(key)) continue;
    const v = rec[key];
    if (Array.isArray(v)) {
      for (const item of v) if (isNode(item)) out.push(item);
    } else if (isNode(v)) out.push(v);
  }
  for (let i = 1; i < out.length; i++) if (out[i - 1].start > out[i].start) return out.sort((a, b) => a.start - b.start);
  return out;
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

/** Visits every node depth-first with its parent; return false from the visitor to skip children. */
export function walk(root: Node, visit: (node: Node, parent: Node | null) => boolean | void): void {
  const rec = (node: Node, parent: Node | null): void => {
    if (visit(node, parent) === false) return;
    for (const child of childrenOf(node)) rec(child, node);
  };
  rec(root, null);
}

const allNodesCache = new WeakMap<Node, ReadonlyArray<{ node: Node; parent: Node | null }>>();

/** All nodes of the tree with their parent, in depth-first source order. Cached per tree:
 *  every transform tried on the same parse walks it, and trees are never mutated. */
export function allNodes(root: Node): ReadonlyArray<{ node: Node; parent: Node | null }> {
  const cached = allNodesCache.get(root);
  if (cached) return cached;
  const out = allNodesUncached(root);
  allNodesCache.set(root, out);
  return out;
}

export function isFunction(node: Node): node is acorn.Function & Node {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

/** True when the subtree (not looking into nested non-arrow functions) uses this, arguments,
 *  super or new.target: the things an arrow and a function expression bind differently. */
export function usesFunctionContext(root: Node): boolean {
  let found = false;
  const rec = (node: Node, top: boolean): void => {
    if (found) return;
    if (!top && (node.type === 'FunctionExpression' || node.type === 'FunctionDeclaration')) return;
    if (node.type === 'ThisExpression' || node.type === 'Super' || node.type === 'MetaProperty') found = true;
    else if (node.type === 'Identifier' && node.name === 'arguments') found = true;
    else if (node.type === 'ClassBody' || node.type === 'PropertyDefinition') {
      // Class field initialisers bind their own this; computed keys are rare enough to decline.
      found = found || node.type === 'PropertyDefinition';
    }
    for (const child of childrenOf(node)) rec(child, false);
  };
  rec(root, true);
  return found;
}

/** True when any node in the subtree satisfies the predicate. */
export function some(root: Node, pred: (node: Node) => boolean): boolean {
  let found = false;
  walk(root, (node) => {
    if (found) return false;
    if (pred(node)) found = true;
    return !found;
  });
  return found;
}

/** Every identifier name that occurs anywhere in the tree (bindings, references, keys). */
export function namesIn(root: Node): Set<string> {
  const names = new Set<string>();
  for (const { node } of root.type === 'Program' ? allNodes(root) : allNodesUncached(root)) {
    if (node.type === 'Identifier' || node.type === 'PrivateIdentifier') names.add(node.name);
  }
  return names;
}

function allNodesUncached(root: Node): Array<{ node: Node; parent: Node | null }> {
  const out: Array<{ node: Node; parent: Node | null }> = [];
  walk(root, (node, parent) => {
    out.push({ node, parent });
  });
  return out;
}

/** The whitespace that starts the line containing offset. */
export function indentAt(source: string, offset: number): string {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  const m = /^[ \t]*/.exec(source.slice(lineStart, offset + 1));
  return m ? m[0] : '';
}

/** The indentation unit the text uses (two spaces when it cannot tell). */
export function indentUnit(source: string): string {
  const m = /\n( +|\t)\S/.exec(source);
  if (!m) return '  ';
  return m[1].startsWith('\t') ? '\t' : m[1].length >= 4 ? '    ' : '  ';
}

const PLAUSIBLE = [
  'value', 'item', 'entry', 'result', 'data', 'current', 'next', 'count', 'total', 'index', 'key',
  'input', 'output', 'record', 'payload', 'acc', 'temp', 'state', 'options', 'config', 'target',
  'source', 'node', 'element', 'list', 'buffer', 'chunk', 'part', 'token', 'flag', 'handle', 'info',
];

/** Creates fresh, plausible identifier names that collide with nothing in the given set. */
export function freshNames(taken: Set<string>): (hint?: string) => string {
  const used = new Set(taken);
  return (hint?: string): string => {
    const bases = hint ? [hint, ...PLAUSIBLE] : PLAUSIBLE;
    for (const base of bases) {
      if (!used.has(base) && !RESERVED.has(base)) {
        used.add(base);
        return base;
      }
    }
    for (let n = 2; ; n++) {
      for (const base of bases) {
        const name = `${base}${n}`;
        if (!used.has(name)) {
          used.add(name);
          return name;
        }
      }
    }
  };
}

/** Words that may not be used as binding names, plus globals a rename must never shadow. */
export const RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else',
  'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof',
  'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void',
  'while', 'with', 'yield', 'let', 'static', 'implements', 'interface', 'package', 'private', 'protected',
  'public', 'await', 'async', 'arguments', 'eval', 'undefined', 'NaN', 'Infinity', 'Object', 'Array',
  'String', 'Number', 'Boolean', 'Symbol', 'Math', 'JSON', 'Date', 'Promise', 'Error', 'TypeError',
  'RangeError', 'Map', 'Set', 'RegExp', 'require', 'module', 'exports', 'process', 'console', 'fetch',
  'globalThis', 'Buffer', 'URL', 'BigInt', 'Reflect', 'Proxy', 'WeakMap', 'WeakSet', 'setTimeout',
  'of', 'get', 'set', 'target', 'constructor', 'prototype', '__proto__', 'name', 'length',
]);

/** Node types that introduce a statement list: where statements may be inserted or moved. */
export function statementList(node: Node): Node[] | null {
  if (node.type === 'BlockStatement' || node.type === 'Program' || node.type === 'StaticBlock') return node.body as Node[];
  if (node.type === 'SwitchCase') return node.consequent as Node[];
  return null;
}

/** True for "use strict"-style directive prologue statements, which must stay first. */
export function isDirective(node: Node): boolean {
  return node.type === 'ExpressionStatement' && typeof (node as { directive?: unknown }).directive === 'string';
}
