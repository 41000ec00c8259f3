// Scope-aware renaming of local variables and parameters to other plausible names.
import type * as acorn from 'acorn';
import { freshNames, namesIn, type Node } from '../ast';
import type { Edit } from '../edits';
import type { Binding } from '../scope';
import type { Transform, TransformInput } from '../transform';

export const renameLocals: Transform = {
  id: 'rename-locals',
  summary: 'Renames local variables and parameters to other plausible names.',
  preconditions: [
    'the binding is declared inside the unit (never a global, property or label)',
    'no direct eval or with statement can reach its scope',
    'it is not a parameter of a function that reads `arguments`',
    'it is not a function or class declaration, nor a variable whose initialiser is an anonymous function or class (whose .name would change)',
  ],
  apply(input) {
    const candidates = input.scopes.bindings.filter((b) => renamable(b));
    if (candidates.length === 0) return null;
    const fresh = freshNames(namesIn(input.program as Node));
    const count = 1 + input.rng.int(Math.min(candidates.length, 4));
    const chosen = input.rng.shuffle(candidates).slice(0, count);
    const edits: Edit[] = [];
    const renames: Record<string, string> = {};
    for (const b of chosen) {
      const to = fresh();
      renames[to] = b.name;
      for (const id of [...b.decls, ...b.refs.map((r) => r.id)]) edits.push(renameEdit(input, id, to));
    }
    return { edits, renames };
  },
};

function renamable(b: Binding): boolean {
  if (b.scope.kind === 'program' || b.scope.dynamic || b.blockFunction) return false;
  if (b.kind === 'function' || b.kind === 'class' || b.kind === 'class-name' || b.kind === 'fn-name') return false;
  if (b.kind === 'param' && b.scope.usesArguments && b.scope.node.type !== 'ArrowFunctionExpression') return false;
  if (b.name === 'arguments') return false;
  if (b.refs.some((r) => r.dynamic)) return false;
  const init = b.init;
  if (init && (init.type === 'ArrowFunctionExpression' || init.type === 'ClassExpression' ||
    (init.type === 'FunctionExpression' && !init.id))) return false;
  return true;
}

function renameEdit(input: TransformInput, id: acorn.Identifier, to: string): Edit {
  // A shorthand property keeps its key and gains an explicit value: { a } becomes { a: b }.
  const text = input.scopes.shorthand.has(id) ? `${id.name}: ${to}` : to;
  return { start: id.start, end: id.end, text };
}
