// The SQL injection fix: turn the spliced-in user values into placeholders in the driver's style
// and pass them as parameters, keeping quotes, LIKE wildcards and the callback intact.
import ts from 'typescript';
import type { Fix, TextEdit } from '../../types';
import { buildLiteral, stringParts, type Part } from '../parts';

/**
 * How a driver takes parameters: `?` with an array, `$1…$n` with an array, better-sqlite3's
 * statement arguments, or Sequelize's `replacements` option.
 */
export type PlaceholderStyle = 'question' | 'dollar' | 'statement' | 'replacements';

export interface SqlFixInput {
  call: ts.CallExpression;
  /** The query argument as written in the call. */
  arg: ts.Expression;
  /** The string-building expression: the argument itself or the initializer of its variable. */
  builder: ts.Expression;
  style: PlaceholderStyle;
  /** Whether a spliced value carries user input (only those become parameters). */
  isTainted(node: ts.Expression): boolean;
}

/** SQL keywords after which a value names a table or column, which placeholders cannot replace. */
const IDENTIFIER_POSITION = /(\bBY|\bFROM|\bJOIN|\bINTO|\bTABLE|\bUPDATE|\bSELECT|\.)\s*$/i;

export function sqlParameterFix(input: SqlFixInput): Fix | undefined {
  const parts = stringParts(input.builder);
  if (!parts) return undefined;
  const rewritten = placeholders(parts, input, staticMark(input.style));
  if (!rewritten || rewritten.params.length === 0) return undefined;
  const call = input.call;
  const sf = call.getSourceFile();
  const extraArg = call.arguments[1];
  if (input.style === 'replacements') return replacementsFix(input, rewritten);
  if (extraArg && !isCallback(extraArg, call)) return undefined;
  const paramList = rewritten.params.join(', ');
  const edits: TextEdit[] = [];
  const newSql = buildLiteral(rewritten.pieces, ts.isTemplateExpression(input.builder) || ts.isNoSubstitutionTemplateLiteral(input.builder));
  const sqlSpan = { start: input.builder.getStart(sf), end: input.builder.getEnd() };
  const inline = input.builder === input.arg;

  if (input.style === 'statement') {
    const statementEdit = betterSqliteArgs(call, paramList);
    if (!statementEdit) return undefined;
    edits.push(...statementEdit);
    edits.push({ span: sqlSpan, newText: newSql });
  } else {
    const callee = call.expression;
    // sqlite3's exec takes no parameters; run does the same for one statement.
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'exec') {
      edits.push({ span: { start: callee.name.getStart(sf), end: callee.name.getEnd() }, newText: 'run' });
    }
    if (inline) {
      edits.push({ span: sqlSpan, newText: `${newSql}, [${paramList}]` });
    } else {
      edits.push({ span: sqlSpan, newText: newSql });
      edits.push({ span: { start: input.arg.getEnd(), end: input.arg.getEnd() }, newText: `, [${paramList}]` });
    }
  }
  return { title: 'Use a parameterised query', edits: edits.sort((a, b) => a.span.start - b.span.start) };
}

export interface Rewritten {
  pieces: Array<{ text: string } | { code: string }>;
  params: string[];
}

/** Placeholder pieces for the n-th parameter (1-based). */
export type Mark = (n: number) => Array<{ text: string } | { code: string }>;

function staticMark(style: PlaceholderStyle): Mark {
  return (n) => [{ text: style === 'dollar' ? `$${n}` : '?' }];
}

export function placeholders(parts: Part[], input: Pick<SqlFixInput, 'builder' | 'isTainted'>, mark: Mark): Rewritten | undefined {
  const sf = input.builder.getSourceFile();
  const pieces: Array<{ text: string } | { code: string }> = [];
  const params: string[] = [];
  let textSoFar = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.kind === 'text') {
      pieces.push({ text: part.text });
      textSoFar += part.text;
      continue;
    }
    const code = part.node.getText(sf);
    if (!input.isTainted(part.node)) {
      pieces.push({ code });
      continue;
    }
    const last = pieces[pieces.length - 1];
    let before = last && 'text' in last ? last.text : '';
    const quote = openQuote(textSoFar);
    let value = code;
    if (quote) {
      const next = parts[i + 1];
      if (!next || next.kind !== 'text') return undefined;
      const close = next.text.indexOf(quote);
      const open = before.lastIndexOf(quote);
      if (close < 0 || open < 0) return undefined;
      const prefix = before.slice(open + 1);
      const suffix = next.text.slice(0, close);
      before = before.slice(0, open);
      parts[i + 1] = { kind: 'text', text: next.text.slice(close + 1) };
      // LIKE '%${q}%' keeps its wildcards in the value, not in the SQL.
      if (prefix || suffix) value = buildLiteral([{ text: prefix }, { code }, { text: suffix }], true);
    } else if (IDENTIFIER_POSITION.test(before)) {
      return undefined;
    }
    params.push(value);
    if (last && 'text' in last) pieces[pieces.length - 1] = { text: before };
    pieces.push(...mark(params.length));
    textSoFar = '';
  }
  return { pieces, params };
}

/** The quote character left open at the end of `text`, if any. */
function openQuote(text: string): string | undefined {
  let open: string | undefined;
  for (const ch of text) {
    if (ch === "'" || ch === '"') {
      if (open === ch) open = undefined;
      else if (!open) open = ch;
    }
  }
  return open;
}

/** better-sqlite3: `db.prepare(sql).get(a, b)`; `db.exec(sql)` becomes `db.prepare(sql).run(a, b)`. */
function betterSqliteArgs(call: ts.CallExpression, paramList: string): TextEdit[] | undefined {
  const sf = call.getSourceFile();
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  if (callee.name.text === 'exec') {
    return [
      { span: { start: callee.name.getStart(sf), end: callee.name.getEnd() }, newText: 'prepare' },
      { span: { start: call.getEnd(), end: call.getEnd() }, newText: `.run(${paramList})` },
    ];
  }
  const outer = call.parent;
  if (!ts.isPropertyAccessExpression(outer) || !ts.isCallExpression(outer.parent)) return undefined;
  const run = outer.parent;
  if (run.expression !== outer || run.arguments.length > 0) return undefined;
  const closeParen = run.getEnd() - 1;
  return [{ span: { start: closeParen, end: closeParen }, newText: paramList }];
}

/** A trailing callback argument; anything else in second position may already be parameters. */
function isCallback(arg: ts.Expression, call: ts.CallExpression): boolean {
  if (ts.isArrowFunction(arg) || ts.isFunctionExpression(arg)) return true;
  const last = call.arguments[call.arguments.length - 1] === arg;
  return last && ts.isIdentifier(arg) && /^(cb|callback|done|next|handler|onResult|fn)$/i.test(arg.text);
}

/** Sequelize: `sequelize.query(sql, { replacements: [a, b], type })` with `?` placeholders. */
function replacementsFix(input: SqlFixInput, rewritten: Rewritten): Fix | undefined {
  const { call, arg, builder } = input;
  const options = call.arguments[1];
  const newSql = buildLiteral(rewritten.pieces, ts.isTemplateExpression(builder));
  const list = `replacements: [${rewritten.params.join(', ')}]`;
  const edits: TextEdit[] = [{ span: { start: builder.getStart(), end: builder.getEnd() }, newText: newSql }];
  if (!options) {
    edits.push({ span: { start: arg.getEnd(), end: arg.getEnd() }, newText: `, { ${list} }` });
  } else if (ts.isObjectLiteralExpression(options) && !options.properties.some((p) => p.name?.getText() === 'replacements')) {
    const open = options.getStart() + 1;
    edits.push({ span: { start: open, end: open }, newText: options.properties.length > 0 ? ` ${list},` : ` ${list} ` });
  } else {
    return undefined;
  }
  return { title: 'Use a parameterised query', edits: edits.sort((a, b) => a.span.start - b.span.start) };
}
