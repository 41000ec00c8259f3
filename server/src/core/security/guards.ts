// Validation guards in `if` conditions: `if (!/^[\w-]+$/.test(name)) return …` and
// `if (!ALLOWED.includes(sort)) throw …` make the variable safe for the code after them.
import ts from 'typescript';
import { linearRegex } from './linear-regex';
import { ALL_SINKS, DANGEROUS_CHARS, Sink } from './taint';

export interface Guard {
  /** The guarded variable. */
  name: string;
  /** Sink kinds the value is safe for once the guard passed. */
  mask: number;
  /** True for `if (!valid) …`: the value is safe after the branch when the branch exits. */
  negated: boolean;
}

/**
 * The guard an `if` condition expresses, if any. `regexOf` resolves an identifier to the regex
 * literal it was bound to (`const SAFE = /^\w+$/`).
 */
export function guardOf(cond: ts.Expression, regexOf: (id: ts.Identifier) => ts.RegularExpressionLiteral | undefined): Guard | undefined {
  let e = skip(cond);
  let negated = false;
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
    negated = true;
    e = skip(e.operand);
  }
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression) || e.arguments.length !== 1) return undefined;
  const arg = skip(e.arguments[0]);
  if (!ts.isIdentifier(arg)) return undefined;
  const method = e.expression.name.text;
  const receiver = skip(e.expression.expression);
  if (method === 'includes' || method === 'has') {
    // An allowlist: only values the program itself wrote can pass.
    const constant = ts.isArrayLiteralExpression(receiver) || (ts.isIdentifier(receiver) && /^[A-Z][A-Z0-9_]*$|^(allowed|valid|permitted|supported)/i.test(receiver.text));
    return constant ? { name: arg.text, mask: ALL_SINKS, negated } : undefined;
  }
  if (method !== 'test') return undefined;
  const re = ts.isRegularExpressionLiteral(receiver) ? receiver : ts.isIdentifier(receiver) ? regexOf(receiver) : undefined;
  const mask = re && allowlistMask(re.text);
  return mask ? { name: arg.text, mask, negated } : undefined;
}

/** Whether a statement always leaves the enclosing block: return, throw, continue, break. */
export function exits(st: ts.Statement): boolean {
  if (ts.isReturnStatement(st) || ts.isThrowStatement(st) || ts.isContinueStatement(st) || ts.isBreakStatement(st)) return true;
  if (ts.isBlock(st)) return st.statements.length > 0 && exits(st.statements[st.statements.length - 1]);
  if (ts.isIfStatement(st)) return st.elseStatement !== undefined && exits(st.thenStatement) && exits(st.elseStatement);
  return false;
}

/**
 * For an anchored pattern (^…$), the sink kinds none of whose dangerous characters it accepts.
 * Probing single characters in a few contexts suits the allowlists people write.
 */
function allowlistMask(literal: string): number {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(literal);
  if (!m || !m[1].startsWith('^') || !m[1].endsWith('$')) return 0;
  // The pattern is the analysed file's: RE2 bounds the time any pattern takes on any probe.
  const re = linearRegex(m[1], m[2].replace(/[gy]/g, ''));
  if (!re) return 0;
  const accepts = (ch: string): boolean => [ch, `a${ch}`, `${ch}a`, `a${ch}a`, `1${ch}1`, `1${ch}`, `${ch}1`].some((s) => re.test(s));
  let mask = Sink.nosql;
  for (const [kind, chars] of DANGEROUS_CHARS) if (!chars.some(accepts)) mask |= kind;
  return mask;
}

function skip(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isNonNullExpression(x) || ts.isAsExpression(x)) x = x.expression;
  return x;
}
