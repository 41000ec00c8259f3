// Helpers rules share to recognise sinks: which module a call comes from, how to name it in a
// message, and whether the surrounding function guards a value before it reaches the sink.
import ts from 'typescript';
import type { CallSite } from './facts';
import { shortDottedName } from './ast';

/** The callee's module without the `node:` prefix and with `fs/promises` folded into `fs`. */
export function moduleOf(call: CallSite): string | undefined {
  const m = call.callee?.module;
  if (!m) return undefined;
  return m.replace(/^node:/, '').replace(/^fs\/promises$/, 'fs').replace(/^fs-extra$/, 'fs');
}

/** The callee's last member name as reached from its module: `readFile` for fs.promises.readFile. */
export function exportName(call: CallSite): string | undefined {
  const path = call.callee?.path.filter((p) => p !== '()' && p !== 'promises' && p !== 'default');
  return path && path.length > 0 ? path[path.length - 1] : undefined;
}

/** How the call is written, for messages: "fs.readFile()", "res.sendFile()", "eval()". */
export function calleeText(call: CallSite): string {
  return `${call.qualifier ? call.qualifier + '.' : ''}${call.name}()`;
}

/** The innermost function around a node, or the source file. */
export function enclosingFunction(node: ts.Node): ts.Node {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n)) return n;
  }
  return node.getSourceFile();
}

/** The identifier an argument reads from, looking through `path.join(…, x)` and templates. */
export function identifiersIn(expr: ts.Expression): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) out.push(n.text);
    else if (ts.isPropertyAccessExpression(n)) {
      out.push(n.getText());
      visit(n.expression);
    } else ts.forEachChild(n, visit);
  };
  visit(expr);
  return out;
}

/**
 * Whether the function around `node` tests one of `names` with a guard matching `guard` before
 * use, e.g. `if (!full.startsWith(root)) return …`. Guards are matched textually: cheap, and
 * assistants write them in a handful of shapes.
 */
export function isGuarded(node: ts.Node, names: readonly string[], guard: (name: string) => RegExp): boolean {
  const fn = enclosingFunction(node);
  const text = fn.getText();
  const before = text.slice(0, Math.max(0, node.getStart() - fn.getStart()));
  return names.some((n) => n.length > 0 && guard(escapeRegExp(n)).test(before));
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether the file imports or requires any of these modules. */
export function importsAny(modules: ReadonlySet<string>, names: readonly string[]): boolean {
  return names.some((n) => modules.has(n) || modules.has(`node:${n}`));
}

/** The receiver with chained calls stripped: "res" for res.status(404).send(…). */
export function receiverRoot(call: CallSite): string | undefined {
  let r = call.receiver;
  while (r && ts.isCallExpression(r) && ts.isPropertyAccessExpression(r.expression)) r = r.expression.expression;
  return r ? shortDottedName(r, 3) : undefined;
}
