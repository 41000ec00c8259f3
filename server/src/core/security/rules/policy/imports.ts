// Finding or adding the import a policy fix needs (crypto, bcrypt), in the file's own module style.
import ts from 'typescript';
import type { TextEdit } from '../../../types';
import type { RuleContext } from '../../rule';
import { ensureDefaultImport } from '../../fixes/wrap';
import { unwrap } from '../../ast';

/**
 * The local name bound to `module` (or its `node:` form) by a default, namespace or require
 * binding; otherwise a new default import named `name` (or a free variant of it) and its edit.
 */
export function ensureModule(ctx: RuleContext, module: string, name: string): { name: string; edit?: TextEdit } {
  const accepted = new Set([module, `node:${module}`]);
  for (const st of ctx.sourceFile.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && accepted.has(st.moduleSpecifier.text)) {
      const clause = st.importClause;
      if (clause?.name) return { name: clause.name.text };
      if (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings)) return { name: clause.namedBindings.name.text };
    }
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer && unwrap(d.initializer);
        if (!init || !ts.isCallExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== 'require') continue;
        const spec = init.arguments[0];
        if (spec && ts.isStringLiteralLike(spec) && accepted.has(spec.text) && ts.isIdentifier(d.name)) return { name: d.name.text };
      }
    }
  }
  return ensureDefaultImport(ctx, module, name);
}
