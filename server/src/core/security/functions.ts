// Functions for the taint engine: same-file calls re-walked per argument taint (memoised, bounded
// in depth), callbacks walked with their parameters' roles, and classes with their methods.
import ts from 'typescript';
import { intrinsicParamRole, type ParamRole } from './sources';
import { derived, merge, sourceTaint, withStep, type Taint } from './taint';
import { lookup, NONE, type Scope, type Val } from './engine-values';
import { spanOf, type FunctionLike } from './ast';
import { MAX_CALL_DEPTH, type EngineParts, type EngineState } from './engine-state';

export interface FunctionWalker {
  callLocal(fn: FunctionLike, fnScope: Scope, args: Val[], call: ts.CallExpression): Taint | undefined;
  walkInContext(fn: FunctionLike, scope: Scope, args: Val[], roles: ReadonlyArray<ParamRole | undefined>): void;
  walkOnce(fn: FunctionLike, scope: Scope): void;
  walkClass(cls: ts.ClassLikeDeclaration, scope: Scope): void;
}

export function functionWalker(s: EngineState, p: EngineParts): FunctionWalker {
  const { thisFields, methods, frames, webFile } = s;
  const state = s.walk;
  /** Functions walked, keyed by position and calling context. */
  const walked = new Set<string>();
  let context = 0;
  let contexts = 0;
  const memo = new Map<string, Taint | undefined>();
  const active: FunctionLike[] = [];
  const ev = (node: ts.Expression, scope: Scope): Val => p.ev(node, scope);
  const tooDeep = (node: ts.Node): boolean => p.tooDeep(node);
  const walkBlock = (statements: readonly ts.Statement[], scope: Scope): void => p.walkBlock(statements, scope);
  const bindPattern: EngineParts['bindPattern'] = (name, v, scope, dflt, init) => p.bindPattern(name, v, scope, dflt, init);

  /** A same-file function called with these arguments: its return taint, walking it if needed. */
  function callLocal(fn: FunctionLike, fnScope: Scope, args: Val[], call: ts.CallExpression): Taint | undefined {
    const interesting = args.some((a) => a.taint || a.role === 'request');
    if (!interesting) {
      walkOnce(fn, fnScope);
      return memo.get(`${fn.pos}:plain`);
    }
    if (active.includes(fn) || active.length >= MAX_CALL_DEPTH) {
      return derived(args.reduce<Taint | undefined>((acc, a) => merge(acc, a.taint), undefined));
    }
    const key = `${fn.pos}:${args.map((a) => (a.taint ? `t${a.taint.cleansed}` : a.role === 'request' ? 'r' : '-')).join(',')}`;
    if (memo.has(key)) return memo.get(key);
    memo.set(key, undefined);
    const callee = call.expression;
    const fnName = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : 'function';
    const stepped = args.map((a, i) => {
      const p = fn.parameters[i];
      if (!a.taint || !p) return a;
      return { ...a, taint: withStep(a.taint, spanOf(p.name), `passed to ${p.name.getText()} of ${fnName}()`) };
    });
    const r = inNewContext(() => walkFunction(fn, fnScope, stepped, []));
    memo.set(key, r);
    return r;
  }

  function walkInContext(fn: FunctionLike, scope: Scope, args: Val[], roles: ReadonlyArray<ParamRole | undefined>): void {
    // A function that hands itself on as a callback (`function connect() { db.on('close', connect) }`)
    // is being walked already: each nested walk is a fresh context, so the memo below would never
    // stop it, and the file would end as "nested too deeply" with nothing analysed.
    if (active.includes(fn)) return;
    const key = `${fn.pos}:${context}:ctx:${roles.map((r) => r?.kind ?? '-').join(',')}:${args.map((a) => (a.taint ? 't' : '-')).join(',')}`;
    if (memo.has(key)) return;
    memo.set(key, undefined);
    walked.add(`${fn.pos}:${context}`);
    inNewContext(() => walkFunction(fn, scope, args, roles));
  }

  /** Walks a function with untainted parameters, once per calling context. */
  function walkOnce(fn: FunctionLike, scope: Scope): void {
    const key = `${fn.pos}:${context}`;
    if (walked.has(key)) return;
    walked.add(key);
    const r = walkFunction(fn, scope, [], []);
    if (context === 0) memo.set(`${fn.pos}:plain`, r);
  }

  /**
   * Runs a walk in a fresh context: closures inside a function re-walked for tainted arguments
   * must be walked again too, since they see the tainted parameters.
   */
  function inNewContext<T>(walk: () => T): T {
    const saved = context;
    context = ++contexts;
    try {
      return walk();
    } finally {
      context = saved;
    }
  }

  function walkFunction(fn: FunctionLike, outer: Scope, args: Val[], roles: ReadonlyArray<ParamRole | undefined>): Taint | undefined {
    if (!fn.body || tooDeep(fn)) return undefined;
    const scope: Scope = { vars: new Map(), parent: outer };
    fn.parameters.forEach((p, i) => {
      let v = args[i] ?? NONE;
      if (p.dotDotDotToken) v = { taint: args.slice(i).reduce<Taint | undefined>((acc, a) => merge(acc, a.taint), undefined) };
      const role = roles[i] ?? (v === NONE ? intrinsicParamRole(p, webFile) : undefined);
      if (role?.kind === 'request') v = { role: 'request', label: ts.isIdentifier(p.name) ? p.name.text : 'req' };
      else if (role?.kind === 'data' && role.label !== 'err') v = { taint: sourceTaint(role.label, spanOf(p.name), role.maybeObject) };
      if (v === NONE && p.type && ts.isTypeReferenceNode(p.type) && ts.isIdentifier(p.type.typeName)) {
        const typeVar = lookup(p.type.typeName.text, scope);
        if (typeVar?.val.mod) v = { mod: { module: typeVar.val.mod.module, path: [...typeVar.val.mod.path, '()'] } };
      }
      bindPattern(p.name, v, scope, p.initializer, undefined);
      if (ts.isParameterPropertyDeclaration(p, p.parent) && ts.isIdentifier(p.name)) thisFields.set(p.name.text, v);
    });
    active.push(fn);
    frames.push({});
    const savedBranch = state.branch;
    state.branch = 0;
    state.depth++;
    try {
      if (ts.isBlock(fn.body)) walkBlock(fn.body.statements, scope);
      else {
        const v = ev(fn.body, scope);
        frames[frames.length - 1].returns = v.taint;
      }
    } finally {
      state.depth--;
      state.branch = savedBranch;
      active.pop();
    }
    return frames.pop()?.returns;
  }

  function walkClass(cls: ts.ClassLikeDeclaration, scope: Scope): void {
    for (const m of cls.members) {
      if ((ts.isMethodDeclaration(m) || ts.isGetAccessorDeclaration(m)) && ts.isIdentifier(m.name) && !methods.has(m.name.text)) {
        methods.set(m.name.text, m);
      }
    }
    const ctor = cls.members.find(ts.isConstructorDeclaration);
    for (const m of cls.members) {
      if (ts.isPropertyDeclaration(m) && m.initializer && ts.isIdentifier(m.name)) {
        thisFields.set(m.name.text, ev(m.initializer, scope));
      }
    }
    if (ctor) walkOnce(ctor, scope);
    for (const m of cls.members) {
      if (ts.isMethodDeclaration(m) || ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m)) walkOnce(m, scope);
    }
  }

  return { callLocal, walkInContext, walkOnce, walkClass };
}
