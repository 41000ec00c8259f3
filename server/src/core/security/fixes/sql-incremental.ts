// The SQL fix for queries grown piece by piece — `let q = 'SELECT …'; if (x) q += ` AND a = '${x}'`;`
// — which assistants write for search filters: placeholders in every piece, values collected in
// a params array next to the query, and the array passed to the driver.
import ts from 'typescript';
import type { Fix, TextEdit } from '../../types';
import { buildLiteral, stringParts } from '../parts';
import { forEachNode } from '../ast';
import { enclosingFunction } from '../sinks';
import { placeholders, type Mark, type PlaceholderStyle } from './sql-parameters';
import { freeName } from './names';

export interface IncrementalInput {
  call: ts.CallExpression;
  /** The query variable passed to the driver. */
  arg: ts.Identifier;
  style: PlaceholderStyle;
  text: string;
  isTainted(node: ts.Expression): boolean;
}

export function incrementalSqlFix(input: IncrementalInput): Fix | undefined {
  const { call, arg, text } = input;
  if (input.style !== 'question' && input.style !== 'dollar' && input.style !== 'statement') return undefined;
  const pieces = queryPieces(arg);
  if (!pieces) return undefined;
  const params = freeName(call.getSourceFile(), 'params');
  // `$${params.length + 1}` numbers placeholders as values are pushed, whichever branches run.
  const mark: Mark = input.style === 'dollar' ? (n) => [{ text: '$' }, { code: `${params}.length + ${n}` }] : () => [{ text: '?' }];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const edits: TextEdit[] = [];
  let any = false;
  for (const { statement, value } of pieces.segments) {
    const parts = stringParts(value);
    if (!parts) continue;
    const rewritten = placeholders(parts, { builder: value, isTainted: input.isTainted }, mark);
    if (!rewritten) return undefined;
    if (rewritten.params.length === 0) continue;
    any = true;
    const newValue = buildLiteral(rewritten.pieces, true);
    const push = `${params}.push(${rewritten.params.join(', ')});`;
    if (ts.isBlock(statement.parent) || ts.isSourceFile(statement.parent) || ts.isVariableDeclarationList(statement.parent)) {
      edits.push({ span: { start: value.getStart(), end: value.getEnd() }, newText: newValue });
      edits.push({ span: { start: statement.getEnd(), end: statement.getEnd() }, newText: `${eol}${indentOf(text, statement)}${push}` });
    } else {
      // An unbraced `if (x) q += …;` needs braces to hold the push.
      const head = text.slice(statement.getStart(), value.getStart());
      const tail = text.slice(value.getEnd(), statement.getEnd());
      edits.push({ span: { start: statement.getStart(), end: statement.getEnd() }, newText: `{ ${head}${newValue}${tail} ${push} }` });
    }
  }
  if (!any) return undefined;
  const declStatement = pieces.declaration;
  const typed = /\.tsx?$/.test(call.getSourceFile().fileName) ? ': unknown[]' : '';
  edits.push({ span: { start: lineStart(text, declStatement), end: lineStart(text, declStatement) }, newText: `${indentOf(text, declStatement)}const ${params}${typed} = [];${eol}` });
  const passing = passParams(call, arg, params, input.style);
  if (!passing) return undefined;
  edits.push(passing);
  return { title: 'Use a parameterised query', edits: edits.sort((a, b) => a.span.start - b.span.start) };
}

interface Pieces {
  declaration: ts.Statement;
  segments: Array<{ statement: ts.Statement; value: ts.Expression }>;
}

/** The declaration and `+=` statements that build the query, if that is all that touches it. */
function queryPieces(arg: ts.Identifier): Pieces | undefined {
  const fn = enclosingFunction(arg);
  const name = arg.text;
  let declaration: ts.VariableDeclaration | undefined;
  const segments: Array<{ statement: ts.Statement; value: ts.Expression }> = [];
  let uses = 0;
  let other = false;
  forEachNode(fn, (n) => {
    if (ts.isIdentifier(n) && n.text === name && isReference(n)) uses++;
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name) {
      if (declaration || !n.initializer) other = true;
      declaration = n;
    }
    if (ts.isBinaryExpression(n) && ts.isIdentifier(n.left) && n.left.text === name) {
      if (n.operatorToken.kind !== ts.SyntaxKind.PlusEqualsToken || !ts.isExpressionStatement(n.parent)) other = true;
      else segments.push({ statement: n.parent, value: n.right });
    }
  });
  if (!declaration?.initializer || other || segments.length === 0) return undefined;
  // The declaration, each `+=`, and the one call: any other use would see placeholders.
  if (uses !== segments.length + 2) return undefined;
  const statement = declaration.parent.parent;
  if (!ts.isVariableStatement(statement) || statement.declarationList.declarations.length !== 1) return undefined;
  return { declaration: statement, segments: [{ statement, value: declaration.initializer }, ...segments] };
}

/** An identifier that names a variable, not a property (`req.query`, `{ query: 1 }`). */
function isReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if (ts.isBindingElement(p) && p.propertyName === id) return false;
  if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) && p.name === id) return false;
  return true;
}

function passParams(call: ts.CallExpression, arg: ts.Identifier, params: string, style: PlaceholderStyle): TextEdit | undefined {
  if (style === 'statement') {
    const outer = call.parent;
    if (!ts.isPropertyAccessExpression(outer) || !ts.isCallExpression(outer.parent) || outer.parent.arguments.length > 0) return undefined;
    const close = outer.parent.getEnd() - 1;
    return { span: { start: close, end: close }, newText: `...${params}` };
  }
  const second = call.arguments[1];
  if (second && !ts.isArrowFunction(second) && !ts.isFunctionExpression(second)) return undefined;
  return { span: { start: arg.getEnd(), end: arg.getEnd() }, newText: `, ${params}` };
}

function lineStart(text: string, node: ts.Node): number {
  return text.lastIndexOf('\n', node.getStart() - 1) + 1;
}

function indentOf(text: string, node: ts.Node): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, node)))?.[0] ?? '';
}

