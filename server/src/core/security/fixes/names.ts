// Names a fix introduces (an import, a checked path, a parameter array, a `next` parameter) must
// not collide with, or shadow, a name the code already uses.
import ts from 'typescript';
import { forEachNode } from '../ast';
import { nodeMemo } from '../../source/tree-memo';

/**
 * `base`, or `base2`, `base3`, … — the first that `scope` does not use as an identifier anywhere:
 * declared, read, imported or a parameter. Property names (`obj.base`, `{ base: 1 }`) and words
 * in comments or strings do not count.
 */
export function freeName(scope: ts.Node, base: string): string {
  const used = identifiersIn(scope);
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}${i}`;
  return name;
}

/** Every identifier `scope` uses as a name (not as a property name). Remembered per node: every
 *  fix of a file asks about the whole file, and walking it once per fix made large files quadratic. */
export function identifiersIn(scope: ts.Node): ReadonlySet<string> {
  let out = seen.get(scope);
  if (!out) seen.set(scope, (out = collectIdentifiers(scope)));
  return out;
}

const seen = nodeMemo<ts.Node, ReadonlySet<string>>();

function collectIdentifiers(scope: ts.Node): ReadonlySet<string> {
  const out = new Set<string>();
  // Without recursion: a fix on deeply nested code must not overflow the stack.
  forEachNode(scope, (n) => {
    if (ts.isIdentifier(n) && !isPropertyName(n)) out.add(n.text);
  });
  return out;
}

function isPropertyName(n: ts.Identifier): boolean {
  const p = n.parent;
  if (!p) return false;
  if (ts.isPropertyAccessExpression(p) && p.name === n) return true;
  if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isPropertySignature(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p) || ts.isEnumMember(p)) && p.name === n) return true;
  if (ts.isQualifiedName(p) && p.right === n) return true;
  if (ts.isJsxAttribute(p) && p.name === n) return true;
  return false;
}
