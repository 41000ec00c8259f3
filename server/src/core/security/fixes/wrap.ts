// Fixes that wrap the tainted values of a string in a neutralising call: escapeHtml(x) for HTML,
// newline removal for logs, String(x) for query operators, regex escaping.
import ts from 'typescript';
import type { Fix, TextEdit } from '../../types';
import type { RuleContext } from '../rule';
import type { SinkKind } from '../taint';
import { builderOf, stringParts } from '../parts';
import { unwrap } from '../ast';

/**
 * Wraps every tainted value spliced into `arg` (or `arg` itself when it is the tainted value)
 * with `wrap(code)`. Returns the edits, or undefined when nothing could be wrapped.
 */
export function wrapTainted(ctx: RuleContext, arg: ts.Expression, kind: SinkKind, wrap: (code: string) => string): TextEdit[] | undefined {
  const builder = builderOf(ctx.facts.definitionOf, arg);
  const parts = builder && stringParts(builder);
  const edits: TextEdit[] = [];
  if (parts) {
    for (const p of parts) {
      if (p.kind === 'expr' && ctx.taintAt(p.node, kind)) {
        edits.push({ span: { start: p.node.getStart(), end: p.node.getEnd() }, newText: wrap(p.node.getText()) });
      }
    }
  } else if (!ts.isObjectLiteralExpression(unwrap(arg))) {
    edits.push({ span: { start: arg.getStart(), end: arg.getEnd() }, newText: wrap(arg.getText()) });
  }
  return edits.length > 0 ? edits : undefined;
}

/**
 * An import of `module`'s default export under `name`, in the file's own module style, unless the
 * file already has one; returns the local name to call and the edit (if any).
 */
export function ensureDefaultImport(ctx: RuleContext, module: string, name: string): { name: string; edit?: TextEdit } {
  const sf = ctx.sourceFile;
  let lastImport: ts.Statement | undefined;
  let lastRequire: ts.Statement | undefined;
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      lastImport = st;
      if (ts.isStringLiteral(st.moduleSpecifier) && st.moduleSpecifier.text === module && st.importClause?.name) {
        return { name: st.importClause.name.text };
      }
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer && unwrap(d.initializer);
        if (init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require') {
          lastRequire = st;
          const spec = init.arguments[0];
          if (spec && ts.isStringLiteralLike(spec) && spec.text === module && ts.isIdentifier(d.name)) return { name: d.name.text };
        }
      }
    }
  }
  const eol = ctx.text.includes('\r\n') ? '\r\n' : '\n';
  const esm = lastImport !== undefined || (lastRequire === undefined && ctx.language !== 'js' && ctx.language !== 'jsx');
  const line = esm ? `import ${name} from '${module}';` : `const ${name} = require('${module}');`;
  const after = esm ? lastImport : lastRequire;
  const at = after ? after.getEnd() : 0;
  return { name, edit: { span: { start: at, end: at }, newText: after ? `${eol}${line}` : `${line}${eol}` } };
}

export function fixOf(title: string, edits: TextEdit[] | undefined, extra?: TextEdit): Fix | undefined {
  if (!edits) return undefined;
  return { title, edits: (extra ? [extra, ...edits] : edits).sort((a, b) => a.span.start - b.span.start) };
}
