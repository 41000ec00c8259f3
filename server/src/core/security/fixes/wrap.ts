// Fixes that wrap the tainted values of a string in a neutralising call: escapeHtml(x) for HTML,
// newline removal for logs, String(x) for query operators, regex escaping.
import ts from 'typescript';
import type { Fix, TextEdit } from '../../types';
import type { RuleContext } from '../rule';
import type { SinkKind } from '../taint';
import { builderOf, stringParts } from '../parts';
import { unwrap } from '../ast';
import { freeName } from './names';

/**
 * Wraps every tainted value spliced into `arg` (or `arg` itself when it is the tainted value)
 * with `wrap(code)`. Returns the edits, or undefined when nothing could be wrapped.
 */
export function wrapTainted(ctx: RuleContext, arg: ts.Expression, kind: SinkKind, wrap: (code: string, node: ts.Expression) => string): TextEdit[] | undefined {
  const builder = builderOf(ctx.facts.definitionOf, arg);
  const parts = builder && stringParts(builder);
  const edits: TextEdit[] = [];
  if (parts) {
    for (const p of parts) {
      if (p.kind === 'expr' && ctx.taintAt(p.node, kind)) {
        edits.push({ span: { start: p.node.getStart(), end: p.node.getEnd() }, newText: wrap(p.node.getText(), p.node) });
      }
    }
  } else if (!ts.isObjectLiteralExpression(unwrap(arg))) {
    edits.push({ span: { start: arg.getStart(), end: arg.getEnd() }, newText: wrap(arg.getText(), arg) });
  }
  return edits.length > 0 ? edits : undefined;
}

/**
 * An import of `module`'s default export, in the file's own module style, unless the file already
 * binds it (then that binding is reused); the new import is named `name`, or `name2`, … when the
 * file already uses `name` for something else. Returns the local name to call and the edit (if any).
 */
export function ensureDefaultImport(ctx: RuleContext, module: string, name: string): { name: string; edit?: TextEdit } {
  const sf = ctx.sourceFile;
  let lastImport: ts.Statement | undefined;
  let lastRequire: ts.Statement | undefined;
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      lastImport = st;
      const clause = st.importClause;
      if (ts.isStringLiteral(st.moduleSpecifier) && st.moduleSpecifier.text === module && clause && !clause.isTypeOnly) {
        if (clause.name) return { name: clause.name.text };
        const bindings = clause.namedBindings;
        const asDefault = bindings && ts.isNamedImports(bindings) ? bindings.elements.find((e) => !e.isTypeOnly && (e.propertyName ?? e.name).text === 'default') : undefined;
        if (asDefault) return { name: asDefault.name.text };
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
  name = freeName(sf, name);
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
