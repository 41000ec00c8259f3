// The resolve-and-contain fix for path traversal: resolve the joined path once, refuse it when it
// leaves the base folder, and use the checked path at the sink.
import ts from 'typescript';
import type { Fix } from '../../types';
import { enclosingFunction } from '../sinks';
import { freeName } from './names';

export interface ContainInput {
  /** The sink argument as written. */
  arg: ts.Expression;
  /** `path.join(base, …)` or `path.resolve(base, …)`: the argument or its variable's definition. */
  joined: ts.CallExpression;
  text: string;
  isTainted(node: ts.Expression): boolean;
}

export function containPathFix(input: ContainInput): Fix | undefined {
  const { arg, joined, text } = input;
  // The base folder is every leading segment the user does not choose: join(__dirname, 'docs', name).
  const firstTainted = joined.arguments.findIndex((a) => input.isTainted(a));
  if (firstTainted < 1 || joined.arguments.some(ts.isSpreadElement)) return undefined;
  const baseArgs = joined.arguments.slice(0, firstTainted).map((a) => a.getText()).join(', ');
  const statement = enclosingStatement(arg);
  if (!statement || !ts.isBlock(statement.parent)) return undefined;
  const name = freeName(arg.getSourceFile(), 'safePath');
  const lineStart = text.lastIndexOf('\n', statement.getStart() - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // A variable holding the joined path is resolved as it is, rather than by copying its parts
  // (a copy would repeat every expression in it, and every finding on them).
  const args = ts.isIdentifier(arg) ? arg.getText() : joined.arguments.map((a) => a.getText()).join(', ');
  const lines = [
    `const ${name} = path.resolve(${args});`,
    `if (!${name}.startsWith(path.resolve(${baseArgs}) + path.sep)) ${refusal(arg)}`,
  ];
  return {
    title: 'Resolve the path and refuse it outside the base folder',
    edits: [
      { span: { start: lineStart, end: lineStart }, newText: lines.map((l) => indent + l + eol).join('') },
      { span: { start: arg.getStart(), end: arg.getEnd() }, newText: name },
    ],
  };
}

/** How the surrounding handler says no: the framework's 400, or an error outside handlers. */
export function refusal(node: ts.Node, message = 'Invalid path'): string {
  for (let fn = enclosingFunction(node); ts.isFunctionLike(fn); fn = enclosingFunction(fn)) {
    const params = fn.parameters.map((p) => p.name.getText());
    if (params.includes('res')) return `return res.status(400).send('${message}');`;
    if (params.includes('response')) return `return response.status(400).send('${message}');`;
    if (params.includes('reply')) return `return reply.code(400).send('${message}');`;
    if (params.includes('ctx')) return `ctx.throw(400, '${message}');`;
  }
  return `throw new Error('${message}');`;
}

function enclosingStatement(node: ts.Node): ts.Statement | undefined {
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    if (ts.isFunctionLike(n)) return undefined;
    if (ts.isStatement(n) && n.parent && ts.isBlock(n.parent)) return n;
  }
  return undefined;
}

