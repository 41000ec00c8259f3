// The command injection fix: `exec(\`convert ${input} out.png\`, cb)` becomes
// `execFile('convert', [input, 'out.png'], cb)`, so no shell ever parses user input.
import ts from 'typescript';
import type { Fix, TextEdit } from '../../types';
import { buildLiteral, stringParts } from '../parts';
import { freeName } from './names';

/** Characters that mean the command relies on a shell; such commands are not rewritten. */
const SHELL_SYNTAX = /[|&;<>()$`\\*?~{}[\]!#]/;

export interface ExecFixInput {
  call: ts.CallExpression;
  /** The command-building expression: the argument itself or its variable's definition. */
  builder: ts.Expression;
}

/** A command line split into a literal program and argument expressions, as source text. */
export interface Argv {
  program: string;
  args: string[];
}

/** Splits a built command string into program and arguments; undefined when it needs a shell. */
export function argvOf(builder: ts.Expression): Argv | undefined {
  const sf = builder.getSourceFile();
  const parts = stringParts(builder) ?? (ts.isStringLiteralLike(builder) ? [{ kind: 'text' as const, text: builder.text }] : undefined);
  if (!parts) return undefined;
  const words = splitWords(parts.map((p) => (p.kind === 'text' ? { text: p.text } : { code: p.node.getText(sf) })));
  if (!words || words.length === 0) return undefined;
  const program = words[0];
  if (program.length !== 1 || !('text' in program[0])) return undefined;
  const args = words.slice(1).map((w) => (w.length === 1 && 'code' in w[0] ? w[0].code : buildLiteral(w, false)));
  return { program: buildLiteral([{ text: program[0].text }], false), args };
}

/**
 * spawn(`cmd ${x}`, { shell: true }) → spawn('cmd', [x]); spawn('sh', ['-c', script]) →
 * spawn(program, [args]). `replace` is the source range holding the command (and shell flag).
 */
export function argvFix(call: ts.CallExpression, script: ts.Expression, replace: { start: number; end: number }, dropShell: ts.ObjectLiteralElementLike | undefined): Fix | undefined {
  const argv = argvOf(script);
  if (!argv) return undefined;
  const edits: TextEdit[] = [{ span: replace, newText: `${argv.program}, [${argv.args.join(', ')}]` }];
  if (dropShell) {
    const options = dropShell.parent as ts.ObjectLiteralExpression;
    if (options.properties.length === 1) {
      // The options held only `shell`: drop the whole argument with its comma.
      const i = call.arguments.indexOf(options);
      const prev = call.arguments[i - 1];
      if (!prev) return undefined;
      edits.push({ span: { start: prev.getEnd(), end: options.getEnd() }, newText: '' });
    } else {
      const next = options.properties[options.properties.indexOf(dropShell) + 1];
      edits.push({ span: { start: dropShell.getStart(), end: next ? next.getStart() : dropShell.getEnd() }, newText: '' });
    }
  }
  return { title: 'Run the program directly with an argument array', edits: edits.sort((a, b) => a.span.start - b.span.start) };
}

export function execFileFix(input: ExecFixInput): Fix | undefined {
  const { call } = input;
  const sf = call.getSourceFile();
  const argv = argvOf(input.builder);
  if (!argv) return undefined;
  const args = argv.args;
  const callee = call.expression;
  const syncName = calleeName(callee) === 'execSync';
  const newName = syncName ? 'execFileSync' : 'execFile';
  const title = `Run the program with ${newName} and an argument array`;
  const newArgs = `${argv.program}, [${args.join(', ')}]`;
  const edits: TextEdit[] = [];
  if (ts.isIdentifier(callee)) {
    const promisified = promisifiedExecFile(sf, callee.text);
    if (promisified) {
      const command = call.arguments[0];
      return {
        title: 'Run the program with execFile and an argument array',
        edits: [
          ...promisified.edits,
          { span: { start: callee.getStart(sf), end: callee.getEnd() }, newText: promisified.name },
          { span: { start: command.getStart(sf), end: command.getEnd() }, newText: newArgs },
        ].sort((a, b) => a.span.start - b.span.start),
      };
    }
    const imported = addNamedImport(sf, callee.text, newName);
    if (!imported) return undefined;
    if (imported.edit) edits.push(imported.edit);
    edits.push({ span: { start: callee.getStart(sf), end: callee.getEnd() }, newText: imported.name });
  } else if (ts.isPropertyAccessExpression(callee)) {
    edits.push({ span: { start: callee.name.getStart(sf), end: callee.name.getEnd() }, newText: newName });
  } else {
    return undefined;
  }
  // Only the command argument changes; options and callback mean the same to execFile.
  const command = call.arguments[0];
  edits.push({ span: { start: command.getStart(sf), end: command.getEnd() }, newText: newArgs });
  return { title, edits: edits.sort((a, b) => a.span.start - b.span.start) };
}

/**
 * `const run = promisify(exec)` (or of `require('child_process').exec`): a promisified execFile
 * declared next to it, with the imports it needs. Undefined when `name` is not such a binding.
 */
function promisifiedExecFile(sf: ts.SourceFile, name: string): { name: string; edits: TextEdit[] } | undefined {
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st) || st.declarationList.declarations.length !== 1) continue;
    const d = st.declarationList.declarations[0];
    const init = d.initializer;
    if (!ts.isIdentifier(d.name) || d.name.text !== name || !init || !ts.isCallExpression(init) || init.arguments.length !== 1) continue;
    if (!/(^|\.)promisify$/.test(init.expression.getText(sf))) return undefined;
    const target = init.arguments[0];
    const edits: TextEdit[] = [];
    let execFileExpr: string;
    if (ts.isIdentifier(target) && target.text === 'exec') {
      const imported = addNamedImport(sf, 'exec', 'execFile');
      if (!imported) return undefined;
      if (imported.edit) edits.push(imported.edit);
      execFileExpr = imported.name;
    } else if (ts.isPropertyAccessExpression(target) && target.name.text === 'exec') {
      execFileExpr = `${target.expression.getText(sf)}.execFile`;
    } else {
      return undefined;
    }
    const newName = freeName(sf, 'execFileAsync');
    const eol = sf.text.includes('\r\n') ? '\r\n' : '\n';
    edits.push({ span: { start: st.getEnd(), end: st.getEnd() }, newText: `${eol}const ${newName} = ${init.expression.getText(sf)}(${execFileExpr});` });
    return { name: newName, edits };
  }
  return undefined;
}

type Piece = { text: string } | { code: string };

/** Splits command text into words at unquoted whitespace; quotes around a whole word are dropped. */
function splitWords(pieces: Piece[]): Piece[][] | undefined {
  const words: Piece[][] = [];
  let word: Piece[] = [];
  let quote: string | undefined;
  const push = (p: Piece): void => {
    const last = word[word.length - 1];
    if (last && 'text' in last && 'text' in p) word[word.length - 1] = { text: last.text + p.text };
    else word.push(p);
  };
  for (const piece of pieces) {
    if ('code' in piece) {
      push(piece);
      continue;
    }
    for (const ch of piece.text) {
      if (quote) {
        if (ch === quote) quote = undefined;
        else push({ text: ch });
      } else if (ch === "'" || ch === '"') {
        quote = ch;
        push({ text: '' });
      } else if (/\s/.test(ch)) {
        if (word.length > 0) words.push(word);
        word = [];
      } else if (SHELL_SYNTAX.test(ch)) {
        return undefined;
      } else {
        push({ text: ch });
      }
    }
  }
  if (quote) return undefined;
  if (word.length > 0) words.push(word);
  return words.map((w) => w.filter((p) => !('text' in p) || p.text !== '' || w.length === 1));
}

function calleeName(callee: ts.Expression): string {
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return '';
}

/**
 * Makes child_process's `newName` available next to `oldName` in the file's child_process import
 * or require, and returns the local name to call: an existing binding of it is reused; otherwise
 * it is added under its own name, or under a free alias (`execFile as execFile2`) when the file
 * already uses that name for something else. Undefined when `oldName`'s binding was not found.
 */
function addNamedImport(sf: ts.SourceFile, oldName: string, newName: string): { name: string; edit?: TextEdit } | undefined {
  const local = freeName(sf, newName);
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && /^(node:)?child_process$/.test(st.moduleSpecifier.text) && !st.importClause?.isTypeOnly) {
      const named = st.importClause?.namedBindings;
      if (named && ts.isNamedImports(named)) {
        const existing = named.elements.find((e) => !e.isTypeOnly && (e.propertyName ?? e.name).text === newName);
        if (existing) return { name: existing.name.text };
        const found = named.elements.find((e) => e.name.text === oldName && (e.propertyName ?? e.name).text === oldName);
        if (found) return { name: local, edit: { span: { start: found.getEnd(), end: found.getEnd() }, newText: local === newName ? `, ${newName}` : `, ${newName} as ${local}` } };
      }
    }
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (!ts.isObjectBindingPattern(d.name) || !d.initializer || !isChildProcessRequire(d.initializer)) continue;
        const existing = d.name.elements.find((e) => ts.isIdentifier(e.name) && !e.dotDotDotToken && propertyOf(e) === newName);
        if (existing) return { name: (existing.name as ts.Identifier).text };
        const found = d.name.elements.find((e) => ts.isIdentifier(e.name) && e.name.text === oldName && !e.propertyName);
        if (found) return { name: local, edit: { span: { start: found.getEnd(), end: found.getEnd() }, newText: local === newName ? `, ${newName}` : `, ${newName}: ${local}` } };
      }
    }
  }
  return undefined;
}

/** The property a destructuring element reads: `{ a }` and `{ a: b }` both read `a`. */
function propertyOf(e: ts.BindingElement): string | undefined {
  const p = e.propertyName ?? e.name;
  return ts.isIdentifier(p) || ts.isStringLiteral(p) ? p.text : undefined;
}

function isChildProcessRequire(e: ts.Expression): boolean {
  return (
    ts.isCallExpression(e) &&
    ts.isIdentifier(e.expression) &&
    e.expression.text === 'require' &&
    e.arguments.length === 1 &&
    ts.isStringLiteralLike(e.arguments[0]) &&
    /^(node:)?child_process$/.test(e.arguments[0].text)
  );
}
