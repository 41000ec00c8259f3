// Handlebars helpers a template calls in raw output: `{{{editIcon story.user user story._id}}}`.
// A helper registered by the project (express-handlebars' `helpers: { … }`, `registerHelper`) is
// server-made for a call when every value it returns is, given which of its arguments are: a helper
// that only compares the user it is given and quotes a record's key builds its markup from nothing
// anyone typed. A helper whose definition is not found, or is defined twice differently, is unknown.
import ts from 'typescript';
import { forEachNode, isFunctionLike, unwrap } from '../security/ast';
import type { TaintFacts } from '../security/facts';

interface HelperScope {
  serverMade(node: ts.Node, depth: number): boolean;
}

type ScopeFactory = (sf: ts.SourceFile, facts: TaintFacts, assumed: ReadonlyMap<ts.Node, boolean>) => HelperScope;
type FunctionNode = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

export function templateHelpers(files: ReadonlyArray<{ sf: ts.SourceFile; facts: TaintFacts }>, scopeOf: ScopeFactory): (name: string, args: readonly boolean[]) => boolean {
  const registered = new Set<string>();
  const defs = new Map<string, Array<{ fn: FunctionNode; sf: ts.SourceFile; facts: TaintFacts }>>();
  const define = (name: string, fn: ts.Node | undefined, sf: ts.SourceFile, facts: TaintFacts): void => {
    const f = fn && unwrap(fn as ts.Expression);
    if (!f || !(ts.isFunctionDeclaration(f) || ts.isFunctionExpression(f) || ts.isArrowFunction(f) || ts.isMethodDeclaration(f))) return;
    const list = defs.get(name) ?? [];
    list.push({ fn: f, sf, facts });
    defs.set(name, list);
  };
  for (const { sf, facts } of files) {
    forEachNode(sf, (n) => {
      // express-handlebars / hbs engine options: helpers: { name, name: fn }
      if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && n.name.text === 'helpers' && ts.isObjectLiteralExpression(unwrap(n.initializer))) {
        for (const p of (unwrap(n.initializer) as ts.ObjectLiteralExpression).properties) if (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) registered.add(p.name.text);
      }
      // Handlebars.registerHelper('name', fn), hbs.registerHelper('name', fn)
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'registerHelper') {
        const name = n.arguments[0] && unwrap(n.arguments[0]);
        if (name && ts.isStringLiteralLike(name)) {
          registered.add(name.text);
          define(name.text, n.arguments[1], sf, facts);
        }
      }
      if (ts.isFunctionDeclaration(n) && n.name) define(n.name.text, n, sf, facts);
      if (ts.isMethodDeclaration(n) && ts.isIdentifier(n.name) && ts.isObjectLiteralExpression(n.parent)) define(n.name.text, n, sf, facts);
      if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name)) define(n.name.text, n.initializer, sf, facts);
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) define(n.name.text, n.initializer, sf, facts);
      return true;
    });
  }
  return (name, args) => {
    const list = defs.get(name);
    if (!registered.has(name) || !list || list.length === 0) return false;
    return list.every(({ fn, sf, facts }) => {
      const assumed = new Map<ts.Node, boolean>();
      fn.parameters.forEach((p, i) => {
        const init = p.initializer && unwrap(p.initializer);
        // A parameter past the template's arguments is Handlebars' options object, or its default.
        const literalDefault = !!init && (ts.isLiteralExpression(init) || init.kind === ts.SyntaxKind.TrueKeyword || init.kind === ts.SyntaxKind.FalseKeyword);
        assumed.set(p, i < args.length ? args[i] : literalDefault);
      });
      const scope = scopeOf(sf, facts, assumed);
      return returnsOf(fn).every((r) => scope.serverMade(r, 0));
    });
  };
}

/** The values a function returns: its expression body, or each return statement's value. */
function returnsOf(fn: FunctionNode): ts.Expression[] {
  if (!fn.body) return [];
  if (!ts.isBlock(fn.body)) return [fn.body];
  const out: ts.Expression[] = [];
  const visit = (n: ts.Node): void => {
    if (isFunctionLike(n)) return;
    if (ts.isReturnStatement(n) && n.expression) out.push(n.expression);
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(fn.body, visit);
  return out;
}

/**
 * Whether a Handlebars argument is server-made: a literal, a loop position, or a record's `_id`,
 * which MongoDB generates (an ObjectId) for every stored document.
 */
export function handlebarsArgServerMade(token: string): boolean {
  if (/^(['"]).*\1$/.test(token) || /^-?\d+(\.\d+)?$/.test(token) || /^(true|false|null|undefined)$/.test(token)) return true;
  if (/^@(index|first|last)$/.test(token)) return true;
  return /^(\.\.\/)*([\w$]+\.)*_id$/.test(token);
}

/** `editIcon story.user user story._id false` → helper and positional arguments; undefined for a plain value or a subexpression. */
export function handlebarsCall(expr: string): { name: string; args: string[] } | undefined {
  const e = expr.trim();
  if (/[()]/.test(e)) return undefined;
  const tokens = e.match(/'[^']*'|"[^"]*"|\S+/g) ?? [];
  const name = tokens[0];
  if (tokens.length < 2 || name === undefined || !/^[A-Za-z_$][\w$-]*$/.test(name)) return undefined;
  return { name, args: tokens.slice(1).filter((t) => !/^[\w$-]+=/.test(t)) };
}
