// Same-file HTML escapers, judged by what they do: a function built from string replacements is
// run, by a small interpreter of that subset, on probe strings full of markup; when no output
// keeps a raw < > " ' or a bare &, it escapes HTML, whatever it is called.
import ts from 'typescript';
import { isFunctionLike, unwrap, type FunctionLike } from './ast';
import { nodeMemo } from '../source/tree-memo';
import { catastrophic } from './rules/policy/catastrophic-regex';

export type EscaperVerdict =
  /** Every probe came out with no raw markup character: a sanitiser for HTML. */
  | { kind: 'escapes' }
  /** A replacement function that lets these characters through (listed as written: `'`, `&`). */
  | { kind: 'leaks'; chars: string[] }
  /** Not a function of replacements this interpreter can run: judged as before, by its body. */
  | { kind: 'unknown' };

/**
 * Probes: every markup character, repeated (a replace without the g flag changes only the first),
 * and in the places an attacker puts them. Short, so even a careless pattern cannot take long.
 */
const PROBES = ['<script>alert(1)</script>', `"><img src=x onerror='y'>`, `'&&''""<<>>`, 'a&amp;b&#39;c'];
const MARKUP = ['<', '>', '"', "'"];
/** A bare & (one that does not start an entity). */
const BARE_AMP = /&(?!(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});)/i;
const MAX_STEPS = 200;

const cache = nodeMemo<FunctionLike, EscaperVerdict>();

/** Whether `fn` escapes HTML in its first parameter; cached per function. */
export function htmlEscaperVerdict(fn: FunctionLike): EscaperVerdict {
  let v = cache.get(fn);
  if (!v) {
    v = judge(fn);
    cache.set(fn, v);
  }
  return v;
}

/** A top-level `function name(…)` or `const name = (…) => …` of the file. */
export function localFunctionNamed(sf: ts.SourceFile, name: string): FunctionLike | undefined {
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name?.text === name && st.body) return st;
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer && unwrap(d.initializer);
        if (ts.isIdentifier(d.name) && d.name.text === name && init && isFunctionLike(init)) return init;
      }
    }
  }
  return undefined;
}

function judge(fn: FunctionLike): EscaperVerdict {
  const param = fn.parameters[0];
  if (!param || !ts.isIdentifier(param.name) || !fn.body) return { kind: 'unknown' };
  // Only functions that replace characters at all are judged: anything else is not an escaper.
  if (!/\.(replace|replaceAll)\s*\(|\.split\s*\(/.test(fn.body.getText())) return { kind: 'unknown' };
  const leaked = new Set<string>();
  for (const probe of PROBES) {
    const out = run(fn, param.name.text, probe);
    if (out === undefined) return { kind: 'unknown' };
    for (const ch of MARKUP) if (out.includes(ch)) leaked.add(ch);
    if (BARE_AMP.test(out)) leaked.add('&');
  }
  return leaked.size === 0 ? { kind: 'escapes' } : { kind: 'leaks', chars: [...leaked] };
}

class Unsupported extends Error {}

interface Env {
  vars: Map<string, string | Record<string, string>>;
  steps: { n: number };
}

/** The function's result on `input`, or undefined when it steps outside the subset. */
function run(fn: FunctionLike, param: string, input: string): string | undefined {
  const env: Env = { vars: new Map([[param, input]]), steps: { n: 0 } };
  try {
    const body = fn.body as ts.ConciseBody;
    const out = ts.isBlock(body) ? block(body.statements, env) : expr(body, env);
    return typeof out === 'string' ? out : undefined;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

/** Runs declarations, assignments and a final return; anything else is outside the subset. */
function block(statements: readonly ts.Statement[], env: Env): unknown {
  for (const st of statements) {
    if (ts.isReturnStatement(st)) return st.expression ? expr(st.expression, env) : undefined;
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || !d.initializer) throw new Unsupported();
        env.vars.set(d.name.text, value(expr(d.initializer, env)));
      }
    } else if (ts.isExpressionStatement(st) && ts.isBinaryExpression(st.expression) && st.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(st.expression.left)) {
      if (!env.vars.has(st.expression.left.text)) throw new Unsupported();
      env.vars.set(st.expression.left.text, value(expr(st.expression.right, env)));
    } else {
      throw new Unsupported();
    }
  }
  return undefined;
}

function value(v: unknown): string | Record<string, string> {
  if (typeof v === 'string' || (typeof v === 'object' && v !== null)) return v as string | Record<string, string>;
  throw new Unsupported();
}

function str(v: unknown): string {
  if (typeof v !== 'string') throw new Unsupported();
  return v;
}

function expr(node: ts.Expression, env: Env): unknown {
  if (++env.steps.n > MAX_STEPS) throw new Unsupported();
  const e = unwrap(node);
  if (ts.isStringLiteralLike(e)) return e.text;
  if (ts.isNumericLiteral(e)) return e.text;
  if (ts.isIdentifier(e)) {
    const v = env.vars.get(e.text) ?? moduleConstant(e);
    if (v === undefined) throw new Unsupported();
    return v;
  }
  if (ts.isTemplateExpression(e)) return e.templateSpans.reduce((acc, s) => acc + str(expr(s.expression, env)) + s.literal.text, e.head.text);
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) return String(expr(e.left, env)) + String(expr(e.right, env));
  if (ts.isObjectLiteralExpression(e)) return objectOf(e);
  if (ts.isElementAccessExpression(e)) {
    const table = expr(e.expression, env);
    const key = str(expr(e.argumentExpression, env));
    if (typeof table !== 'object' || table === null) throw new Unsupported();
    return Object.prototype.hasOwnProperty.call(table, key) ? (table as Record<string, string>)[key] : undefined;
  }
  if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.BarBarToken || e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
    const left = expr(e.left, env);
    return left === undefined || left === '' ? expr(e.right, env) : left;
  }
  if (ts.isCallExpression(e)) return call(e, env);
  throw new Unsupported();
}

/** `{ '&': '&amp;', … }`: string keys to string values only. */
function objectOf(e: ts.ObjectLiteralExpression): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const p of e.properties) {
    if (!ts.isPropertyAssignment(p) || !ts.isStringLiteralLike(p.initializer)) throw new Unsupported();
    const key = ts.isIdentifier(p.name) || ts.isStringLiteralLike(p.name) || ts.isNumericLiteral(p.name) ? p.name.text : undefined;
    if (key === undefined) throw new Unsupported();
    out[key] = p.initializer.text;
  }
  return out;
}

/** A table the function reads from the module: `const ENTITIES = { … }` at the top level. */
function moduleConstant(id: ts.Identifier): Record<string, string> | undefined {
  for (const st of id.getSourceFile().statements) {
    if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const d of st.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && d.name.text === id.text && d.initializer && ts.isObjectLiteralExpression(unwrap(d.initializer))) {
        return objectOf(unwrap(d.initializer) as ts.ObjectLiteralExpression);
      }
    }
  }
  return undefined;
}

function call(e: ts.CallExpression, env: Env): unknown {
  const callee = e.expression;
  if (ts.isIdentifier(callee) && callee.text === 'String' && e.arguments.length === 1) return String(expr(e.arguments[0], env));
  if (!ts.isPropertyAccessExpression(callee)) throw new Unsupported();
  const method = callee.name.text;
  const target = expr(callee.expression, env);
  const args = e.arguments;
  if (method === 'toString' && args.length === 0) return str(target);
  if (method === 'charCodeAt') return String(str(target).charCodeAt(args[0] ? Number(str(expr(args[0], env))) : 0));
  if (method === 'split' && args.length === 1) return { split: str(target).split(str(expr(args[0], env))) };
  if (method === 'join' && args.length === 1 && typeof target === 'object' && target !== null && 'split' in target) {
    return (target as { split: string[] }).split.join(str(expr(args[0], env)));
  }
  if ((method === 'replace' || method === 'replaceAll') && args.length === 2) {
    const s = str(target);
    const pattern = patternOf(args[0], method);
    const replacement = unwrap(args[1]);
    if (isFunctionLike(replacement)) {
      const p = replacement.parameters[0];
      if (!p || !ts.isIdentifier(p.name)) throw new Unsupported();
      const name = p.name.text;
      const replace = (m: string): string => {
        const inner: Env = { vars: new Map(env.vars).set(name, m), steps: env.steps };
        const body = replacement.body as ts.ConciseBody;
        const out = ts.isBlock(body) ? block(body.statements, inner) : expr(body, inner);
        return out === undefined ? 'undefined' : str(out);
      };
      return method === 'replaceAll' ? s.replaceAll(pattern, replace) : s.replace(pattern, replace);
    }
    const r = str(expr(replacement, env));
    return method === 'replaceAll' ? s.replaceAll(pattern, r) : s.replace(pattern, r);
  }
  throw new Unsupported();
}

/** A literal pattern: a string, or a regex literal that cannot backtrack catastrophically. */
function patternOf(node: ts.Expression, method: string): string | RegExp {
  const p = unwrap(node);
  if (ts.isStringLiteralLike(p)) return p.text;
  if (!ts.isRegularExpressionLiteral(p)) throw new Unsupported();
  const m = /^\/(.*)\/([dgimsuyv]*)$/s.exec(p.text);
  if (!m || m[1].length > 200 || catastrophic(m[1])) throw new Unsupported();
  if (method === 'replaceAll' && !m[2].includes('g')) throw new Unsupported();
  try {
    return new RegExp(m[1], m[2]);
  } catch {
    throw new Unsupported();
  }
}
