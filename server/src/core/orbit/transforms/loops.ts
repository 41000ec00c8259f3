// Loop helpers shared by the loop transforms: does a body jump to the loop's next iteration,
// and does it create closures (which would see per-iteration bindings differently).
import { isFunction, type Node } from '../ast';
import { childrenOf } from '../ast';

const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

/** True when the body has a `continue` that targets the loop labelled `label` (or the loop itself). */
export function continuesLoop(body: Node, label: string | null): boolean {
  let found = false;
  const rec = (node: Node, nested: boolean): void => {
    if (found || isFunction(node)) return;
    if (node.type === 'ContinueStatement') {
      if ((!node.label && !nested) || (node.label && node.label.name === label)) found = true;
      return;
    }
    const inner = nested || LOOPS.has(node.type);
    for (const child of childrenOf(node)) rec(child, inner);
  };
  rec(body, false);
  return found;
}

export function createsClosure(node: Node): boolean {
  let found = false;
  const rec = (n: Node): void => {
    if (found) return;
    if (isFunction(n) || n.type === 'ClassExpression' || n.type === 'ClassDeclaration') {
      found = true;
      return;
    }
    for (const child of childrenOf(n)) rec(child);
  };
  rec(node);
  return found;
}

/** The label directly attached to a loop, if its parent is a labelled statement. */
export function labelOf(parent: Node | null): string | null {
  return parent && parent.type === 'LabeledStatement' ? parent.label.name : null;
}
