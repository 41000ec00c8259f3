// A string built by concatenation or a template literal, flattened into literal text and the
// expressions spliced into it: what both the SQL and the command fixes rewrite.
import ts from 'typescript';

export type Part = { kind: 'text'; text: string } | { kind: 'expr'; node: ts.Expression };

/** The parts of `expr`, or undefined when it is not a string built from literals and values. */
export function stringParts(expr: ts.Expression): Part[] | undefined {
  const e = skipParens(expr);
  if (ts.isTemplateExpression(e)) {
    const parts: Part[] = [{ kind: 'text', text: e.head.text }];
    for (const span of e.templateSpans) {
      parts.push({ kind: 'expr', node: span.expression }, { kind: 'text', text: span.literal.text });
    }
    return parts;
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    // Iterative: concatenation chains are left-deep and can be long.
    const operands: ts.Expression[] = [];
    let node: ts.Expression = e;
    while (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      operands.push(node.right);
      node = skipParens(node.left);
    }
    operands.push(node);
    operands.reverse();
    const parts: Part[] = [];
    let sawText = false;
    for (const op of operands) {
      const inner = stringParts(op);
      if (ts.isStringLiteralLike(skipParens(op))) {
        parts.push({ kind: 'text', text: (skipParens(op) as ts.StringLiteralLike).text });
        sawText = true;
      } else if (inner && ts.isTemplateExpression(skipParens(op))) {
        parts.push(...inner);
        sawText = true;
      } else {
        parts.push({ kind: 'expr', node: op });
      }
    }
    return sawText ? parts : undefined;
  }
  return undefined;
}

/** True when the parts hold at least one spliced value (a plain literal needs no rewrite). */
export function hasExpr(parts: readonly Part[]): boolean {
  return parts.some((p) => p.kind === 'expr');
}

/** Literal text as it must appear inside a template literal. */
export function templateEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}

/** Literal text as a single-quoted JavaScript string. */
export function quoteString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

/** Joins text and expression source into the shortest literal that means the same. */
export function buildLiteral(pieces: ReadonlyArray<{ text: string } | { code: string }>, preferTemplate: boolean): string {
  const hasCode = pieces.some((p) => 'code' in p);
  const allText = pieces.map((p) => ('text' in p ? p.text : '')).join('');
  if (!hasCode && !preferTemplate && !allText.includes('\n')) return quoteString(allText);
  return '`' + pieces.map((p) => ('text' in p ? templateEscape(p.text) : '${' + p.code + '}')).join('') + '`';
}

function skipParens(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x)) x = x.expression;
  return x;
}

/** The expression that built a string argument: the argument, or its variable's only definition. */
export function builderOf(definitionOf: (id: ts.Identifier) => ts.Expression | undefined, arg: ts.Expression): ts.Expression | undefined {
  const e = unwrapValue(arg);
  if (ts.isTemplateExpression(e) || ts.isBinaryExpression(e)) return e;
  if (ts.isIdentifier(e)) {
    const def = definitionOf(e);
    const d = def && unwrapValue(def);
    if (d && (ts.isTemplateExpression(d) || ts.isBinaryExpression(d))) return d;
  }
  return undefined;
}

function unwrapValue(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isNonNullExpression(x)) x = x.expression;
  return x;
}
