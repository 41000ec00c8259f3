// What a module exports, read from its syntax: the functions a caller can reach (by the key an
// importer's member path gives) and the exported values that are instances of a package's class.
import ts from 'typescript';
import { isFunctionLike, type FunctionLike } from '../security/ast';
import type { ModuleRef } from '../security/facts';

export interface ExportedFunction {
  /** 'findUser', 'default', 'UserDAO.add', or 'add' for a method of a default-exported constructor. */
  key: string;
  fn: FunctionLike;
}

export interface ModuleExports {
  functions: ExportedFunction[];
  handles: Record<string, ModuleRef>;
}

const MAX_FUNCTIONS = 200;
const MAX_RESOLVE_DEPTH = 4;

/**
 * The module's exports: `export function f`, `export const f = …`, `export { f as g }`, `export
 * default …`, `module.exports = f | { … } | actions`, `exports.x = function …`, classes and their
 * methods, constructor functions and the methods they assign to `this`, and objects filled after
 * their declaration (`db.sequelize = sequelize; module.exports = db`).
 */
export function moduleExports(sf: ts.SourceFile): ModuleExports {
  const locals = new Map<string, ts.Node>();
  const assigned = new Map<string, Map<string, ts.Expression>>();
  const imports = new Map<string, ModuleRef>();
  for (const s of sf.statements) collectLocal(s, locals, assigned, imports);
  const out: ModuleExports = { functions: [], handles: {} };
  const seen = new Set<string>();
  const add = (key: string, fn: FunctionLike): void => {
    if (seen.has(key) || out.functions.length >= MAX_FUNCTIONS) return;
    seen.add(key);
    out.functions.push({ key, fn });
  };
  const ctx: Ctx = { locals, assigned, imports, add, handles: out.handles };
  for (const s of sf.statements) {
    const exported = ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const isDefault = ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    if (exported && (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s))) {
      exportValue(ctx, isDefault ? '' : s.name?.text ?? '', s, 0);
    } else if (exported && ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.initializer) exportValue(ctx, d.name.text, d.initializer, 0, d.type);
      }
    } else if (ts.isExportDeclaration(s) && !s.moduleSpecifier && s.exportClause && ts.isNamedExports(s.exportClause)) {
      for (const e of s.exportClause.elements) {
        const local = locals.get((e.propertyName ?? e.name).text);
        if (local) exportValue(ctx, e.name.text === 'default' ? '' : e.name.text, local, 0);
      }
    } else if (ts.isExportAssignment(s)) {
      exportValue(ctx, '', s.expression, 0);
    } else if (ts.isExpressionStatement(s) && ts.isBinaryExpression(s.expression) && s.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = s.expression.left.getText(sf).replace(/\s/g, '');
      if (target === 'module.exports') exportValue(ctx, '', s.expression.right, 0);
      const m = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(target);
      if (m) exportValue(ctx, m[1], s.expression.right, 0);
    }
  }
  return out;
}

interface Ctx {
  locals: Map<string, ts.Node>;
  assigned: Map<string, Map<string, ts.Expression>>;
  imports: Map<string, ModuleRef>;
  add(key: string, fn: FunctionLike): void;
  handles: Record<string, ModuleRef>;
}

const join = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name);

function exportValue(ctx: Ctx, key: string, node: ts.Node, depth: number, type?: ts.TypeNode): void {
  if (depth > MAX_RESOLVE_DEPTH) return;
  while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) node = node.expression;
  if (ts.isVariableDeclaration(node)) {
    if (node.initializer) exportValue(ctx, key, node.initializer, depth + 1, node.type);
    else if (key && node.type) typedHandle(ctx, key, node.type);
    // An object filled after its declaration: `const db = {}; db.sequelize = sequelize`.
    if (ts.isIdentifier(node.name)) {
      for (const [name, value] of ctx.assigned.get(node.name.text) ?? []) exportValue(ctx, join(key, name), value, depth + 1);
    }
    return;
  }
  if (ts.isIdentifier(node)) {
    const local = ctx.locals.get(node.text);
    if (local) exportValue(ctx, key, local, depth + 1);
    return;
  }
  if (isFunctionLike(node)) {
    ctx.add(key || 'default', node);
    // A constructor function: the methods it assigns to `this` are called on its instances.
    if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) && node.body) {
      for (const st of node.body.statements) {
        const assign = thisAssignment(st);
        if (assign && isFunctionLike(assign.value)) ctx.add(join(key, assign.name), assign.value);
      }
    }
    return;
  }
  if (ts.isClassLike(node)) {
    for (const m of node.members) {
      if (ts.isMethodDeclaration(m) && m.body && m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))) ctx.add(join(key, m.name.text), m);
      if (ts.isPropertyDeclaration(m) && m.initializer && isFunctionLike(m.initializer) && ts.isIdentifier(m.name)) ctx.add(join(key, m.name.text), m.initializer);
    }
    return;
  }
  if (ts.isObjectLiteralExpression(node)) {
    for (const p of node.properties) {
      const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
      if (!name) continue;
      if (ts.isMethodDeclaration(p)) ctx.add(join(key, name), p);
      else if (ts.isPropertyAssignment(p)) exportValue(ctx, join(key, name), p.initializer, depth + 1);
      else if (ts.isShorthandPropertyAssignment(p)) exportValue(ctx, join(key, name), p.name, depth + 1);
    }
    return;
  }
  if (!key) return;
  if (type) typedHandle(ctx, key, type);
  const handle = handleOf(ctx, node, depth);
  if (handle && !ctx.handles[key]) ctx.handles[key] = handle;
}

/** `new Sequelize(…)`, `knex(…)`, `mongoose.connection`, or a local factory that returns one. */
function handleOf(ctx: Ctx, node: ts.Node, depth: number): ModuleRef | undefined {
  if (depth > MAX_RESOLVE_DEPTH) return undefined;
  while (ts.isParenthesizedExpression(node) || ts.isAwaitExpression(node) || ts.isAsExpression(node)) node = node.expression;
  if (ts.isNewExpression(node) || ts.isCallExpression(node)) {
    const callee = refOf(ctx, node.expression);
    if (callee) return { module: callee.module, path: [...callee.path, '()'] };
    // A local factory: function createSequelize() { return new Sequelize(…) }.
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const local = ctx.locals.get(node.expression.text);
      const fn = local && ts.isVariableDeclaration(local) ? local.initializer : local;
      if (fn && isFunctionLike(fn) && fn.body) {
        if (fn.type && ts.isTypeReferenceNode(fn.type)) {
          const typed = refOf(ctx, fn.type.typeName);
          if (typed) return { module: typed.module, path: [...typed.path, '()'] };
        }
        if (!ts.isBlock(fn.body)) return handleOf(ctx, fn.body, depth + 1);
        for (const st of fn.body.statements) if (ts.isReturnStatement(st) && st.expression) return handleOf(ctx, st.expression, depth + 1);
      }
    }
    return undefined;
  }
  if (ts.isIdentifier(node)) {
    const local = ctx.locals.get(node.text);
    if (local && ts.isVariableDeclaration(local)) {
      if (local.type && ts.isTypeReferenceNode(local.type)) {
        const typed = refOf(ctx, local.type.typeName);
        if (typed) return { module: typed.module, path: [...typed.path, '()'] };
      }
      if (local.initializer) return handleOf(ctx, local.initializer, depth + 1);
    }
    return refOf(ctx, node);
  }
  return refOf(ctx, node);
}

/** A variable declared with a package's type: `let pool: Pool`. */
function typedHandle(ctx: Ctx, key: string, type: ts.TypeNode): void {
  if (!ts.isTypeReferenceNode(type) || ctx.handles[key]) return;
  const typed = refOf(ctx, type.typeName);
  if (typed) ctx.handles[key] = { module: typed.module, path: [...typed.path, '()'] };
}

/** The package member an expression names: `Sequelize` imported from 'sequelize', `pg.Pool`. */
function refOf(ctx: Ctx, node: ts.Node): ModuleRef | undefined {
  if (ts.isIdentifier(node)) return ctx.imports.get(node.text);
  if (ts.isPropertyAccessExpression(node) || ts.isQualifiedName(node)) {
    const left = ts.isPropertyAccessExpression(node) ? node.expression : node.left;
    const name = ts.isPropertyAccessExpression(node) ? node.name.text : node.right.text;
    const base = refOf(ctx, left);
    return base && { module: base.module, path: [...base.path, name] };
  }
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require') {
    const a = node.arguments[0];
    return a && ts.isStringLiteralLike(a) && !/^\.\.?\//.test(a.text) ? { module: a.text, path: [] } : undefined;
  }
  return undefined;
}

function thisAssignment(st: ts.Statement): { name: string; value: ts.Expression } | undefined {
  if (!ts.isExpressionStatement(st) || !ts.isBinaryExpression(st.expression) || st.expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const left = st.expression.left;
  if (!ts.isPropertyAccessExpression(left) || left.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  return { name: left.name.text, value: st.expression.right };
}

function collectLocal(s: ts.Statement, locals: Map<string, ts.Node>, assigned: Map<string, Map<string, ts.Expression>>, imports: Map<string, ModuleRef>): void {
  if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) locals.set(s.name.text, s);
  if (ts.isVariableStatement(s)) {
    for (const d of s.declarationList.declarations) {
      if (ts.isIdentifier(d.name)) {
        locals.set(d.name.text, d);
        const req = d.initializer && requireOf(d.initializer);
        if (req && !/^\.\.?\//.test(req.module)) imports.set(d.name.text, req);
      } else if (ts.isObjectBindingPattern(d.name) && d.initializer) {
        const req = requireOf(d.initializer);
        if (!req || /^\.\.?\//.test(req.module)) continue;
        for (const el of d.name.elements) {
          if (!ts.isIdentifier(el.name)) continue;
          const prop = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
          imports.set(el.name.text, { module: req.module, path: [...req.path, prop] });
        }
      }
    }
  }
  if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && !/^\.\.?\//.test(s.moduleSpecifier.text)) {
    const module = s.moduleSpecifier.text;
    const clause = s.importClause;
    if (clause?.name) imports.set(clause.name.text, { module, path: [] });
    const b = clause?.namedBindings;
    if (b && ts.isNamespaceImport(b)) imports.set(b.name.text, { module, path: [] });
    else if (b) for (const el of b.elements) imports.set(el.name.text, { module, path: [(el.propertyName ?? el.name).text] });
  }
  // obj.key = value at the top level, for objects exported whole.
  if (ts.isExpressionStatement(s) && ts.isBinaryExpression(s.expression) && s.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const left = s.expression.left;
    if (ts.isPropertyAccessExpression(left) && ts.isIdentifier(left.expression) && left.expression.text !== 'module' && left.expression.text !== 'exports') {
      const m = assigned.get(left.expression.text) ?? new Map<string, ts.Expression>();
      m.set(left.name.text, s.expression.right);
      assigned.set(left.expression.text, m);
    }
  }
}

function requireOf(e: ts.Expression): ModuleRef | undefined {
  let path: string[] = [];
  while (ts.isPropertyAccessExpression(e)) {
    path = [e.name.text, ...path];
    e = e.expression;
  }
  if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'require') {
    const a = e.arguments[0];
    if (a && ts.isStringLiteralLike(a)) return { module: a.text, path };
  }
  return undefined;
}
