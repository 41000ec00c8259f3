// Calls and constructions for the taint engine: module tracing, request getters, callbacks with
// the right parameter roles, same-file functions, and what library calls do to taint.
import ts from 'typescript';
import type { CallSite, ModuleRef } from './facts';
import { callResult } from './propagation';
import { callbackParamRoles, type ExtraSources, type ParamRole } from './sources';
import { cleanse, derived, merge, Sink, sourceTaint, withStep, type Taint } from './taint';
import { htmlEscaperVerdict } from './escapers';
import { lookup, NONE, type Scope, type Val } from './engine-values';
import { isFunctionLike, shortDottedName, spanOf, type FunctionLike } from './ast';

const MUTATORS = new Set(['push', 'unshift', 'splice', 'set', 'append', 'add', 'write']);
const CONSTRUCTED_CARRIERS = new Set(['URL', 'URLSearchParams', 'Buffer', 'String', 'Array', 'Map', 'Set', 'Object']);

// Member access on the typescript module goes through getters; alias the enum once.
const SK = ts.SyntaxKind;

/** What the call evaluator needs from the rest of the engine. */
export interface CallHooks {
  ev(node: ts.Expression, scope: Scope): Val;
  member(base: Val, name: string, node: ts.Node): Val;
  walkInContext(fn: FunctionLike, scope: Scope, args: Val[], roles: ReadonlyArray<ParamRole | undefined>): void;
  walkOnce(fn: FunctionLike, scope: Scope): void;
  callLocal(fn: FunctionLike, fnScope: Scope, args: Val[], call: ts.CallExpression): Taint | undefined;
  methods: Map<string, FunctionLike>;
  modules: Set<string>;
  extras: ExtraSources;
  calls: CallSite[];
  seenCalls: Set<ts.Node>;
  importedCall?: ImportedCall;
}

/**
 * The result of calling an export of a summarised module with these argument taints, or
 * undefined when the module or export has no summary (library calls are then modelled as usual).
 */
export interface ImportedCall {
  (mod: ModuleRef, args: ReadonlyArray<Taint | undefined>, node: ts.CallExpression): { taint?: Taint } | undefined;
  /**
   * What an imported value is, when its module exports a package's instance: ('../models',
   * ['sequelize', 'query']) → ('sequelize', ['Sequelize', '()', 'query']), so sinks are known by
   * what their receiver is rather than by how it is named.
   */
  handle?(mod: ModuleRef): ModuleRef | undefined;
}

export interface CallEvaluator {
  evalCall(node: ts.CallExpression, scope: Scope): Val;
  evalNew(node: ts.NewExpression, scope: Scope): Val;
}

/** The source of a validation schema: the receiver itself or the initializer it was bound to. */
function schemaText(receiver: ts.Expression, scope: Scope): string {
  if (ts.isIdentifier(receiver)) return lookup(receiver.text, scope)?.init?.getText() ?? '';
  return receiver.getText();
}

export function callEvaluator(h: CallHooks): CallEvaluator {
  function evalCall(node: ts.CallExpression, scope: Scope): Val {
    let callee: ts.Expression = node.expression;
    while (ts.isParenthesizedExpression(callee) || ts.isNonNullExpression(callee)) callee = callee.expression;
    let receiver: Val | undefined;
    let receiverNode: ts.Expression | undefined;
    let calleeVal: Val;
    let name = '';
    if (ts.isPropertyAccessExpression(callee)) {
      receiverNode = callee.expression;
      receiver = h.ev(receiverNode, scope);
      name = callee.name.text;
      calleeVal = h.member(receiver, name, callee);
    } else if (ts.isElementAccessExpression(callee) && ts.isStringLiteralLike(callee.argumentExpression)) {
      receiverNode = callee.expression;
      receiver = h.ev(receiverNode, scope);
      name = callee.argumentExpression.text;
      calleeVal = h.member(receiver, name, callee);
    } else if (callee.kind === SK.ImportKeyword) {
      name = 'import';
      calleeVal = NONE;
    } else {
      if (ts.isIdentifier(callee)) name = callee.text;
      calleeVal = h.ev(callee, scope);
    }
    const first = node.arguments[0];
    if ((name === 'require' || name === 'import') && !receiver && first && ts.isStringLiteralLike(first)) {
      h.modules.add(first.text);
      recordCall(node, name, receiverNode, undefined);
      return { mod: { module: first.text, path: [] } };
    }
    const argVals = node.arguments.map((a) => (isFunctionLike(a) ? NONE : h.ev(a, scope)));
    const handle = calleeVal.mod && /^\.\.?\//.test(calleeVal.mod.module) ? h.importedCall?.handle?.(calleeVal.mod) : undefined;
    if (handle) calleeVal = { ...calleeVal, mod: handle };
    recordCall(node, name, receiverNode, calleeVal.mod);

    // Callbacks: route handlers get the request; callbacks on tainted receivers get the data.
    node.arguments.forEach((a, i) => {
      const fn = isFunctionLike(a) ? a : argVals[i].fn;
      if (!fn) return;
      const fnScope = isFunctionLike(a) ? scope : argVals[i].fnScope ?? scope;
      const roles = callbackParamRoles(node, fn);
      if (roles.length > 0) h.walkInContext(fn, fnScope, [], roles);
      else if (receiver?.taint) h.walkInContext(fn, fnScope, [{ taint: derived(receiver.taint) }], []);
      else h.walkOnce(fn, fnScope);
    });

    // adm-zip's entries carry names chosen by whoever built the archive.
    if (name === 'getEntries') return { taint: sourceTaint('archive entry names', spanOf(node), true) };
    if (calleeVal.role === 'request-method') {
      const key = first && ts.isStringLiteralLike(first) ? `'${first.text}'` : '';
      const label = `${calleeVal.label}(${key})`;
      return { taint: sourceTaint(label, spanOf(node), !key) };
    }
    if (h.extras.calls.size > 0) {
      const text = shortDottedName(callee, 5);
      if (text && h.extras.calls.has(text)) return { taint: sourceTaint(`${text}()`, spanOf(node), true) };
    }
    // new UserDAO(db).add(…), or users.add(…) where users = new UserDAO(db): a method a constructor
    // function of this file assigns to `this`.
    if (!calleeVal.fn && receiverNode && name) {
      const m = constructorMethod(receiverNode, name, scope);
      if (m) calleeVal = { fn: m };
    }
    // this.service.method(…) in Nest and similar: a method of a class in this file.
    if (!calleeVal.fn && receiverNode && ts.isPropertyAccessExpression(receiverNode) && receiverNode.expression.kind === SK.ThisKeyword) {
      const m = h.methods.get(name);
      if (m) calleeVal = { fn: m };
    }
    if (calleeVal.fn && !isFunctionLike(callee)) {
      const result = h.callLocal(calleeVal.fn, calleeVal.fnScope ?? scope, argVals, node);
      // A same-file function that escapes HTML, judged by running it on markup probes.
      const escaper = argVals[0]?.taint ? htmlEscaperVerdict(calleeVal.fn) : undefined;
      if (escaper?.kind === 'escapes') return { taint: cleanse(result, Sink.html) };
      if (escaper?.kind === 'leaks' && result) return { taint: withStep(result, spanOf(node), `${name || 'the function'}() leaves ${escaper.chars.join(' ')} unescaped`) };
      return { taint: result };
    }
    if ((name === 'promisify' || name === 'callbackify') && argVals[0]?.mod) return { mod: argVals[0].mod };
    const imported = calleeVal.mod && h.importedCall?.(calleeVal.mod, argVals.map((v) => v.taint), node);
    if (imported) return imported.taint ? { taint: imported.taint } : NONE;
    const mod = calleeVal.mod ? { module: calleeVal.mod.module, path: [...calleeVal.mod.path, '()'] } : undefined;
    const taint = callResult({
      name,
      qualifier: receiverNode ? shortDottedName(receiverNode, 4) : undefined,
      module: calleeVal.mod?.module ?? receiver?.mod?.module,
      isMethod: receiver !== undefined,
      receiver: receiver?.taint,
      args: argVals.map((v) => v.taint),
      argNodes: node.arguments,
      schema: receiverNode && !receiver?.taint ? () => schemaText(receiverNode as ts.Expression, scope) : undefined,
    });
    // Mutating a container with tainted data taints the container.
    if (receiverNode && ts.isIdentifier(receiverNode) && MUTATORS.has(name)) {
      const t = argVals.reduce<Taint | undefined>((acc, v) => merge(acc, v.taint), undefined);
      const info = t && lookup(receiverNode.text, scope);
      if (info) info.val = { ...info.val, taint: merge(info.val.taint, derived(t)) };
    }
    if (name === 'assign' && first && ts.isIdentifier(first)) {
      const t = argVals.slice(1).reduce<Taint | undefined>((acc, v) => merge(acc, v.taint), undefined);
      const info = t && lookup(first.text, scope);
      if (info) info.val = { ...info.val, taint: merge(info.val.taint, derived(t)) };
    }
    return taint || mod ? { taint, mod } : NONE;
  }

  function evalNew(node: ts.NewExpression, scope: Scope): Val {
    const calleeVal = h.ev(node.expression, scope);
    const argVals = (node.arguments ?? []).map((a) => h.ev(a, scope));
    const name = ts.isIdentifier(node.expression) ? node.expression.text : ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text : '';
    recordCall(node, name, ts.isPropertyAccessExpression(node.expression) ? node.expression.expression : undefined, calleeVal.mod);
    if (calleeVal.cls) return { instanceOf: calleeVal.cls };
    const mod = calleeVal.mod ? { module: calleeVal.mod.module, path: [...calleeVal.mod.path, '()'] } : undefined;
    const t = CONSTRUCTED_CARRIERS.has(name) ? derived(argVals.reduce<Taint | undefined>((acc, v) => merge(acc, v.taint), undefined)) : undefined;
    return t || mod ? { taint: t, mod } : NONE;
  }

  function constructorMethod(receiver: ts.Expression, name: string, scope: Scope): FunctionLike | undefined {
    let target: ts.Expression | undefined = receiver;
    while (target && ts.isParenthesizedExpression(target)) target = target.expression;
    if (target && ts.isIdentifier(target)) target = lookup(target.text, scope)?.init;
    if (!target || !ts.isNewExpression(target)) return undefined;
    const ctor = h.ev(target.expression, scope).fn;
    if (!ctor || !(ts.isFunctionDeclaration(ctor) || ts.isFunctionExpression(ctor)) || !ctor.body) return undefined;
    for (const st of ctor.body.statements) {
      if (!ts.isExpressionStatement(st) || !ts.isBinaryExpression(st.expression) || st.expression.operatorToken.kind !== SK.EqualsToken) continue;
      const { left, right } = st.expression;
      if (ts.isPropertyAccessExpression(left) && left.expression.kind === SK.ThisKeyword && left.name.text === name && isFunctionLike(right)) return right;
    }
    return undefined;
  }

  function recordCall(node: ts.CallExpression | ts.NewExpression, name: string, receiver: ts.Expression | undefined, callee: ModuleRef | undefined): void {
    if (h.seenCalls.has(node)) return;
    h.seenCalls.add(node);
    h.calls.push({
      node,
      name,
      qualifier: receiver ? shortDottedName(receiver, 4) : undefined,
      receiver,
      args: node.arguments ?? [],
      callee,
    });
  }

  return { evalCall, evalNew };
}
