// Statements and bindings for the taint engine: declarations and destructuring, imports and
// hoisting, branches with weak updates, loops, try/catch, and validation guards in conditions.
import ts from 'typescript';
import type { FunctionLike } from './ast';
import { spanOf } from './ast';
import { joinVals, lookup, NONE, type Scope, type Val, type WalkState } from './engine-values';
import { exits, guardOf, type Guard } from './guards';
import { cleanse, derived, merge, withStep, type Taint } from './taint';

/** What the statement walker needs from the expression walker. */
export interface StatementHooks {
  ev(node: ts.Expression, scope: Scope): Val;
  member(base: Val, name: string, node: ts.Node): Val;
  record(node: ts.Node, t: Taint): void;
  tooDeep(node: ts.Node): boolean;
  walkOnce(fn: FunctionLike, scope: Scope): void;
  walkClass(cls: ts.ClassLikeDeclaration, scope: Scope): void;
  methods: Map<string, FunctionLike>;
  modules: Set<string>;
  /** Return taints of the functions being walked, innermost last. */
  frames: { returns?: Taint }[];
  state: WalkState;
}

export interface StatementWalker {
  walkBlock(statements: readonly ts.Statement[], scope: Scope): void;
  bindPattern(name: ts.BindingName, v: Val, scope: Scope, dflt: ts.Expression | undefined, init: ts.Expression | undefined): void;
}

export function statementWalker(h: StatementHooks): StatementWalker {

  /** Runs a h.state.branch with the guarded variable sanitised, then restores it unless reassigned. */
  function whileGuarded(guard: Guard | undefined, scope: Scope, walk: () => void): void {
    const info = guard && lookup(guard.name, scope);
    if (!guard || !info?.val.taint) return walk();
    const saved = info.val;
    const guarded = { ...saved, taint: cleanse(saved.taint, guard.mask) };
    info.val = guarded;
    walk();
    if (info.val === guarded) info.val = saved;
  }

  function regexBinding(id: ts.Identifier, scope: Scope): ts.RegularExpressionLiteral | undefined {
    const init = lookup(id.text, scope)?.init;
    return init && ts.isRegularExpressionLiteral(init) ? init : undefined;
  }

  function bindPattern(name: ts.BindingName, v: Val, scope: Scope, dflt: ts.Expression | undefined, init: ts.Expression | undefined): void {
    if (dflt) v = joinVals(v, h.ev(dflt, scope));
    if (ts.isIdentifier(name)) {
      const t = v.taint && { ...withStep(v.taint, spanOf(name), `assigned to ${name.text}`), direct: v.taint.direct };
      const val = t ? { ...v, taint: t } : v;
      scope.vars.set(name.text, { val, init, writes: 0 });
      if (t) h.record(name, t);
      return;
    }
    if (ts.isObjectBindingPattern(name)) {
      for (const el of name.elements) {
        if (el.dotDotDotToken) {
          bindPattern(el.name, v.role === 'request' ? v : { taint: derived(v.taint) }, scope, undefined, undefined);
          continue;
        }
        const key = el.propertyName ?? el.name;
        const keyName = ts.isIdentifier(key) || ts.isStringLiteralLike(key) ? key.text : undefined;
        const sub = keyName !== undefined ? h.member(v, keyName, el) : { taint: derived(v.taint) };
        bindPattern(el.name, sub, scope, el.initializer, undefined);
      }
      return;
    }
    for (const el of name.elements) {
      if (ts.isBindingElement(el)) bindPattern(el.name, { taint: derived(v.taint) }, scope, el.initializer, undefined);
    }
  }

  function hoist(statements: readonly ts.Statement[], scope: Scope): void {
    for (const st of statements) {
      if (ts.isFunctionDeclaration(st) && st.name) {
        scope.vars.set(st.name.text, { val: { fn: st, fnScope: scope }, writes: 0 });
      } else if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
        bindImport(st, st.moduleSpecifier.text, scope);
      } else if (ts.isClassDeclaration(st)) {
        if (st.name) scope.vars.set(st.name.text, { val: { cls: st }, writes: 0 });
        for (const m of st.members) {
          if (ts.isMethodDeclaration(m) && ts.isIdentifier(m.name) && !h.methods.has(m.name.text)) h.methods.set(m.name.text, m);
        }
      }
    }
  }

  function bindImport(st: ts.ImportDeclaration, module: string, scope: Scope): void {
    h.modules.add(module);
    const clause = st.importClause;
    if (!clause) return;
    if (clause.name) scope.vars.set(clause.name.text, { val: { mod: { module, path: [] } }, writes: 0 });
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) {
      scope.vars.set(bindings.name.text, { val: { mod: { module, path: [] } }, writes: 0 });
    } else if (bindings) {
      for (const el of bindings.elements) {
        const imported = (el.propertyName ?? el.name).text;
        const path = imported === 'default' ? [] : [imported];
        scope.vars.set(el.name.text, { val: { mod: { module, path } }, writes: 0 });
      }
    }
  }

  function walkBlock(statements: readonly ts.Statement[], scope: Scope): void {
    hoist(statements, scope);
    for (const st of statements) walkStatement(st, scope);
  }

  function walkStatement(st: ts.Statement, scope: Scope): void {
    if (h.tooDeep(st)) return;
    h.state.depth++;
    try {
      walkStatementInner(st, scope);
    } finally {
      h.state.depth--;
    }
  }

  function walkStatementInner(st: ts.Statement, scope: Scope): void {
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const v = d.initializer ? h.ev(d.initializer, scope) : NONE;
        bindPattern(d.name, v, scope, undefined, d.initializer);
      }
    } else if (ts.isExpressionStatement(st)) {
      h.ev(st.expression, scope);
    } else if (ts.isReturnStatement(st)) {
      if (st.expression) {
        const v = h.ev(st.expression, scope);
        const frame = h.frames[h.frames.length - 1];
        if (frame && v.taint) frame.returns = merge(frame.returns, v.taint);
      }
    } else if (ts.isBlock(st)) {
      walkBlock(st.statements, scope);
    } else if (ts.isFunctionDeclaration(st)) {
      const info = st.name && lookup(st.name.text, scope);
      h.walkOnce(st, info?.val.fnScope ?? scope);
    } else if (ts.isClassDeclaration(st)) {
      h.walkClass(st, scope);
    } else if (ts.isImportDeclaration(st)) {
      // Bound when the block was entered.
    } else if (ts.isImportEqualsDeclaration(st)) {
      const ref = st.moduleReference;
      if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) {
        h.modules.add(ref.expression.text);
        scope.vars.set(st.name.text, { val: { mod: { module: ref.expression.text, path: [] } }, writes: 0 });
      }
    } else if (ts.isForOfStatement(st) || ts.isForInStatement(st)) {
      const v = h.ev(st.expression, scope);
      h.state.branch++;
      const itemTaint = derived(v.taint);
      const init = st.initializer;
      if (ts.isVariableDeclarationList(init)) {
        for (const d of init.declarations) bindPattern(d.name, { taint: itemTaint }, scope, undefined, undefined);
      } else {
        h.ev(init, scope);
      }
      walkStatement(st.statement, scope);
      h.state.branch--;
    } else if (ts.isIfStatement(st)) {
      h.ev(st.expression, scope);
      const guard = guardOf(st.expression, (id) => regexBinding(id, scope));
      h.state.branch++;
      whileGuarded(guard && !guard.negated ? guard : undefined, scope, () => walkStatement(st.thenStatement, scope));
      if (st.elseStatement) whileGuarded(guard?.negated ? guard : undefined, scope, () => walkStatement(st.elseStatement as ts.Statement, scope));
      h.state.branch--;
      // if (!valid(x)) return …; — past this point x passed the check.
      if (guard?.negated && exits(st.thenStatement)) {
        const info = lookup(guard.name, scope);
        if (info?.val.taint) info.val = { ...info.val, taint: cleanse(info.val.taint, guard.mask) };
      }
    } else if (ts.isTryStatement(st)) {
      walkBlock(st.tryBlock.statements, scope);
      h.state.branch++;
      if (st.catchClause) {
        if (st.catchClause.variableDeclaration) bindPattern(st.catchClause.variableDeclaration.name, NONE, scope, undefined, undefined);
        walkBlock(st.catchClause.block.statements, scope);
      }
      h.state.branch--;
      if (st.finallyBlock) walkBlock(st.finallyBlock.statements, scope);
    } else {
      // Loops, switch, labels, throw, export: conditional code, evaluated with weak updates.
      h.state.branch++;
      ts.forEachChild(st, (child) => {
        if (ts.isVariableDeclarationList(child)) {
          for (const d of child.declarations) bindPattern(d.name, d.initializer ? h.ev(d.initializer, scope) : NONE, scope, undefined, d.initializer);
        } else if (ts.isExpression(child)) h.ev(child, scope);
        else if (ts.isStatement(child)) walkStatement(child, scope);
        else if (ts.isCaseBlock(child)) {
          for (const clause of child.clauses) {
            if (ts.isCaseClause(clause)) h.ev(clause.expression, scope);
            walkBlock(clause.statements, scope);
          }
        }
      });
      h.state.branch--;
    }
  }

  return { walkBlock, bindPattern };
}
