// The taint engine: one walk over a file in program order that evaluates every expression's taint,
// binds variables per function scope, and re-walks same-file functions for tainted arguments.
import ts from 'typescript';
import type { AnalysisError } from '../types';
import type { CallSite, ModuleRef, PropertyAssignment, PropertyWrite, TaintFacts } from './facts';
import { callResult } from './propagation';
import {
  callbackParamRoles, globalSource, intrinsicParamRole, isRouteOptionHandler, isWebServerFile, parseExtraSources,
  REQUEST_HOPS, REQUEST_METHODS, REQUEST_PROPERTIES, type ExtraSources, type ParamRole,
} from './sources';
import { asString, cleanse, derived, merge, sourceTaint, withStep, type Taint } from './taint';
import { exits, guardOf, type Guard } from './guards';
import { isFunctionLike, shortDottedName, spanOf, type FunctionLike } from './ast';

export interface EngineOptions {
  extraSources: readonly string[];
}

// The typescript module exposes its members through getters; a local alias keeps the hot
// switch in evalInner from paying for a getter call per comparison.
const SK = ts.SyntaxKind;

/** Nesting deeper than this is not followed; the rest of the file is still analysed. */
const MAX_DEPTH = 400;
/** How many same-file calls deep a tainted argument is followed. */
const MAX_CALL_DEPTH = 4;

/** What evaluating an expression yields: its taint, and what it is when that matters. */
interface Val {
  taint?: Taint;
  mod?: ModuleRef;
  /** A request object, a request method (req.get) or `this` inside a class. */
  role?: 'request' | 'request-method' | 'this';
  label?: string;
  fn?: FunctionLike;
  fnScope?: Scope;
  /** A class declared in this file, or an instance of one: method calls resolve to its methods. */
  cls?: ts.ClassLikeDeclaration;
  instanceOf?: ts.ClassLikeDeclaration;
}
const NONE: Val = {};

interface VarInfo {
  val: Val;
  init?: ts.Expression;
  writes: number;
}
interface Scope {
  vars: Map<string, VarInfo>;
  parent?: Scope;
}

const SERVER_FILE_FIELDS = new Set(['path', 'destination', 'filename', 'size']);
const MUTATORS = new Set(['push', 'unshift', 'splice', 'set', 'append', 'add', 'write']);
const CONSTRUCTED_CARRIERS = new Set(['URL', 'URLSearchParams', 'Buffer', 'String', 'Array', 'Map', 'Set', 'Object']);

export function buildTaintFacts(sourceFile: ts.SourceFile, options: EngineOptions): TaintFacts {
  const taints = new Map<ts.Node, Taint>();
  const uses = new Map<ts.Identifier, VarInfo>();
  const calls: CallSite[] = [];
  const seenCalls = new Set<ts.Node>();
  const writes: PropertyWrite[] = [];
  const assignments: PropertyAssignment[] = [];
  const seenAssignments = new Set<ts.Node>();
  const modules = new Set<string>();
  const errors: AnalysisError[] = [];
  const extras: ExtraSources = parseExtraSources(options.extraSources);
  const webFile = isWebServerFile(sourceFile.text);
  const thisFields = new Map<string, Val>();
  const methods = new Map<string, FunctionLike>();
  /** Functions walked, keyed by position and calling context. */
  const walked = new Set<string>();
  let context = 0;
  let contexts = 0;
  const memo = new Map<string, Taint | undefined>();
  const active: FunctionLike[] = [];
  const frames: { returns?: Taint }[] = [];
  let depth = 0;
  let branch = 0;

  function record(node: ts.Node, t: Taint): void {
    const old = taints.get(node);
    taints.set(node, old ? (merge(old, t) as Taint) : t);
  }

  function lookup(name: string, scope: Scope): VarInfo | undefined {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v) return v;
    }
    return undefined;
  }

  function tooDeep(node: ts.Node): boolean {
    if (depth < MAX_DEPTH) return false;
    if (errors.length === 0) {
      errors.push({
        kind: 'limit',
        message: `Code nested more than ${MAX_DEPTH} levels deep was not analysed for security issues.`,
        span: spanOf(node),
      });
    }
    return true;
  }

  // ---- expressions -------------------------------------------------------------------------

  function ev(node: ts.Expression, scope: Scope): Val {
    if (tooDeep(node)) return NONE;
    depth++;
    try {
      const v = evalInner(node, scope);
      if (v.taint) record(node, v.taint);
      return v;
    } finally {
      depth--;
    }
  }

  function evalInner(node: ts.Expression, scope: Scope): Val {
    switch (node.kind) {
      case SK.Identifier: {
        const id = node as ts.Identifier;
        const info = lookup(id.text, scope);
        if (info) {
          if (info.val.taint) uses.set(id, info);
          return info.val;
        }
        if (extras.paths.has(id.text)) return { taint: sourceTaint(id.text, spanOf(id), true) };
        return NONE;
      }
      case SK.ThisKeyword:
        return { role: 'this' };
      case SK.PropertyAccessExpression: {
        const pa = node as ts.PropertyAccessExpression;
        const special = namedSource(pa);
        if (special) return special;
        return member(ev(pa.expression, scope), pa.name.text, pa);
      }
      case SK.ElementAccessExpression: {
        const ea = node as ts.ElementAccessExpression;
        const base = ev(ea.expression, scope);
        ev(ea.argumentExpression, scope);
        if (ts.isStringLiteralLike(ea.argumentExpression)) return member(base, ea.argumentExpression.text, ea);
        if (base.role === 'request' || !base.taint) return NONE;
        return { taint: derived(base.taint) };
      }
      case SK.CallExpression:
        return evalCall(node as ts.CallExpression, scope);
      case SK.NewExpression:
        return evalNew(node as ts.NewExpression, scope);
      case SK.BinaryExpression:
        return evalBinary(node as ts.BinaryExpression, scope);
      case SK.TemplateExpression: {
        let t: Taint | undefined;
        for (const span of (node as ts.TemplateExpression).templateSpans) t = merge(t, asString(ev(span.expression, scope).taint));
        return t ? { taint: t } : NONE;
      }
      case SK.TaggedTemplateExpression: {
        // Tagged templates (sql`…`, String.raw) are the libraries' own parameterisation.
        const tt = node as ts.TaggedTemplateExpression;
        ev(tt.tag, scope);
        if (ts.isTemplateExpression(tt.template)) for (const s of tt.template.templateSpans) ev(s.expression, scope);
        return NONE;
      }
      case SK.ConditionalExpression: {
        const c = node as ts.ConditionalExpression;
        ev(c.condition, scope);
        const a = ev(c.whenTrue, scope);
        const b = ev(c.whenFalse, scope);
        return joinVals(a, b);
      }
      case SK.ParenthesizedExpression:
      case SK.AsExpression:
      case SK.NonNullExpression:
      case SK.TypeAssertionExpression:
      case SK.SatisfiesExpression:
      case SK.AwaitExpression:
      case SK.SpreadElement:
        return ev((node as ts.ParenthesizedExpression).expression, scope);
      case SK.ObjectLiteralExpression:
        return evalObject(node as ts.ObjectLiteralExpression, scope);
      case SK.ArrayLiteralExpression: {
        let t: Taint | undefined;
        for (const el of (node as ts.ArrayLiteralExpression).elements) t = merge(t, ev(el, scope).taint);
        return t ? { taint: derived(t) } : NONE;
      }
      case SK.FunctionExpression:
      case SK.ArrowFunction:
        walkOnce(node as FunctionLike, scope);
        return { fn: node as FunctionLike, fnScope: scope };
      case SK.ClassExpression:
        walkClass(node as ts.ClassExpression, scope);
        return NONE;
      case SK.StringLiteral:
      case SK.NumericLiteral:
      case SK.NoSubstitutionTemplateLiteral:
      case SK.RegularExpressionLiteral:
        return NONE;
      default:
        // Unary operators, typeof, delete, void, yield, JSX: evaluate inside for calls and
        // functions, but the result is a number, boolean or markup we do not follow.
        ts.forEachChild(node, (child) => {
          if (ts.isExpression(child)) ev(child, scope);
          else if (ts.isJsxAttributes(child) || ts.isJsxOpeningElement(child) || ts.isJsxClosingElement(child) || ts.isJsxExpression(child) || ts.isJsxAttribute(child) || ts.isJsxSpreadAttribute(child)) ts.forEachChild(child, (c) => { if (ts.isExpression(c)) ev(c, scope); });
        });
        if (node.kind === SK.YieldExpression) return NONE;
        return NONE;
    }
  }

  /** Sources named by a global path: command-line arguments, location.search, configured extras. */
  function namedSource(pa: ts.PropertyAccessExpression): Val | undefined {
    const base = pa.expression;
    if (!ts.isIdentifier(base) && !ts.isPropertyAccessExpression(base)) return undefined;
    const text = shortDottedName(pa, 5);
    if (!text) return undefined;
    const g = globalSource(text);
    if (g) {
      const t = sourceTaint(g.label, spanOf(pa), g.maybeObject);
      return { taint: g.trusted ? { ...t, cleansed: g.trusted } : t };
    }
    if (extras.paths.has(text)) return { taint: sourceTaint(text, spanOf(pa), true) };
    return undefined;
  }

  function member(base: Val, name: string, node: ts.Node): Val {
    if (base.role === 'request') {
      const label = (base.label ?? 'req') + propertySuffix(name);
      if (REQUEST_HOPS.has(name)) return { role: 'request', label };
      const maybeObject = REQUEST_PROPERTIES.get(name);
      if (maybeObject !== undefined) return { taint: sourceTaint(label, spanOf(node), maybeObject) };
      if (REQUEST_METHODS.has(name)) return { role: 'request-method', label };
      return NONE;
    }
    if (base.instanceOf) {
      const m = base.instanceOf.members.find((x) => ts.isMethodDeclaration(x) && x.name.getText() === name);
      return m && isFunctionLike(m) ? { fn: m } : NONE;
    }
    if (base.role === 'this') {
      const field = thisFields.get(name);
      if (field) return field;
      const m = methods.get(name);
      return m ? { fn: m, fnScope: undefined } : NONE;
    }
    if (base.taint) {
      if (name === 'length') return NONE;
      if (!base.taint.direct) return { taint: base.taint };
      // multer picks these itself; the client controls originalname, mimetype and the bytes.
      if (SERVER_FILE_FIELDS.has(name) && /\.files?(\[[^\]]*\]|\.\w+)?$/.test(base.taint.label)) return NONE;
      // Still the raw source: name the narrower source, and point the path at it.
      const label = base.taint.label + propertySuffix(name);
      const steps = [{ span: spanOf(node), message: `user input: ${label}` }, ...base.taint.steps.slice(1)];
      return { taint: { ...base.taint, label, steps } };
    }
    if (base.mod) return { mod: { module: base.mod.module, path: [...base.mod.path, name] } };
    return NONE;
  }

  function evalBinary(b: ts.BinaryExpression, scope: Scope): Val {
    const op = b.operatorToken.kind;
    if (op === SK.EqualsToken || (op >= SK.FirstCompoundAssignment && op <= SK.LastCompoundAssignment)) {
      return evalAssign(b, scope);
    }
    const l = ev(b.left, scope);
    const r = ev(b.right, scope);
    switch (op) {
      case SK.PlusToken: {
        const t = merge(asString(l.taint), asString(r.taint));
        return t ? { taint: t } : NONE;
      }
      case SK.BarBarToken:
      case SK.QuestionQuestionToken:
        return joinVals(l, r);
      case SK.AmpersandAmpersandToken:
      case SK.CommaToken:
        return r;
      default:
        return NONE;
    }
  }

  function evalAssign(b: ts.BinaryExpression, scope: Scope): Val {
    const op = b.operatorToken.kind;
    let v = ev(b.right, scope);
    if (op === SK.PlusEqualsToken) {
      const t = merge(asString(ev(b.left, scope).taint), asString(v.taint));
      v = t ? { taint: t } : NONE;
    } else if (op !== SK.EqualsToken && op !== SK.BarBarEqualsToken && op !== SK.QuestionQuestionEqualsToken) {
      v = NONE;
    }
    assignTo(b.left, v, b.right, scope, b);
    return v;
  }

  function assignTo(target: ts.Expression, v: Val, init: ts.Expression | undefined, scope: Scope, node: ts.BinaryExpression): void {
    if (ts.isParenthesizedExpression(target)) return assignTo(target.expression, v, init, scope, node);
    if (ts.isIdentifier(target)) {
      const info = lookup(target.text, scope);
      const t = v.taint && withStep(v.taint, spanOf(target), `assigned to ${target.text}`);
      if (!info) {
        scope.vars.set(target.text, { val: { ...v, taint: t }, init, writes: 1 });
        return;
      }
      info.writes++;
      info.init = init;
      const strong = branch === 0;
      info.val = strong ? { ...v, taint: t } : { ...joinVals(info.val, v), taint: merge(info.val.taint, t) };
      if (info.val.taint) record(target, info.val.taint);
      return;
    }
    if (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) {
      const first = !seenAssignments.has(node);
      seenAssignments.add(node);
      if (ts.isElementAccessExpression(target) && !ts.isStringLiteralLike(target.argumentExpression)) {
        if (first) writes.push({ node, object: target.expression, key: target.argumentExpression });
        ev(target.argumentExpression, scope);
        ev(target.expression, scope);
      } else if (ts.isPropertyAccessExpression(target) && first) {
        assignments.push({ node, target });
      }
      if (target.expression.kind === SK.ThisKeyword && ts.isPropertyAccessExpression(target)) {
        const old = thisFields.get(target.name.text);
        thisFields.set(target.name.text, old ? joinVals(old, v) : v);
        return;
      }
      // A tainted property makes its object tainted, weakly: other properties may be clean.
      let root: ts.Expression = target.expression;
      while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) root = root.expression;
      if (v.taint && ts.isIdentifier(root)) {
        const info = lookup(root.text, scope);
        if (info) info.val = { ...info.val, taint: merge(info.val.taint, derived(v.taint)) };
      }
      return;
    }
    if (ts.isObjectLiteralExpression(target) || ts.isArrayLiteralExpression(target)) {
      const elements: readonly ts.Node[] = ts.isObjectLiteralExpression(target) ? target.properties : target.elements;
      for (const el of elements) {
        let inner: ts.Expression | undefined;
        let key: string | undefined;
        if (ts.isShorthandPropertyAssignment(el)) { inner = el.name; key = el.name.text; }
        else if (ts.isPropertyAssignment(el)) { inner = el.initializer; key = ts.isIdentifier(el.name) ? el.name.text : undefined; }
        else if (ts.isSpreadAssignment(el) || ts.isSpreadElement(el)) inner = el.expression;
        else if (ts.isExpression(el)) inner = el;
        if (inner) assignTo(inner, key ? member(v, key, el) : { taint: derived(v.taint) }, undefined, scope, node);
      }
    }
  }

  function evalObject(o: ts.ObjectLiteralExpression, scope: Scope): Val {
    let t: Taint | undefined;
    for (const p of o.properties) {
      if (ts.isPropertyAssignment(p)) {
        if (ts.isComputedPropertyName(p.name)) ev(p.name.expression, scope);
        if (isFunctionLike(p.initializer) && isRouteOptionHandler(p)) {
          walkInContext(p.initializer, scope, [], [{ kind: 'request' }]);
        } else {
          t = merge(t, ev(p.initializer, scope).taint);
        }
      } else if (ts.isShorthandPropertyAssignment(p)) {
        t = merge(t, ev(p.name, scope).taint);
      } else if (ts.isSpreadAssignment(p)) {
        t = merge(t, ev(p.expression, scope).taint);
      } else if (ts.isMethodDeclaration(p) || ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p)) {
        if (isRouteOptionHandler(p)) {
          walkInContext(p, scope, [], [{ kind: 'request' }]);
        } else {
          walkOnce(p, scope);
        }
      }
    }
    return t ? { taint: { ...t, direct: false, maybeObject: true } } : NONE;
  }

  function evalCall(node: ts.CallExpression, scope: Scope): Val {
    let callee: ts.Expression = node.expression;
    while (ts.isParenthesizedExpression(callee) || ts.isNonNullExpression(callee)) callee = callee.expression;
    let receiver: Val | undefined;
    let receiverNode: ts.Expression | undefined;
    let calleeVal: Val;
    let name = '';
    if (ts.isPropertyAccessExpression(callee)) {
      receiverNode = callee.expression;
      receiver = ev(receiverNode, scope);
      name = callee.name.text;
      calleeVal = member(receiver, name, callee);
    } else if (ts.isElementAccessExpression(callee) && ts.isStringLiteralLike(callee.argumentExpression)) {
      receiverNode = callee.expression;
      receiver = ev(receiverNode, scope);
      name = callee.argumentExpression.text;
      calleeVal = member(receiver, name, callee);
    } else if (callee.kind === SK.ImportKeyword) {
      name = 'import';
      calleeVal = NONE;
    } else {
      if (ts.isIdentifier(callee)) name = callee.text;
      calleeVal = ev(callee, scope);
    }
    const first = node.arguments[0];
    if ((name === 'require' || name === 'import') && !receiver && first && ts.isStringLiteralLike(first)) {
      modules.add(first.text);
      recordCall(node, name, receiverNode, undefined);
      return { mod: { module: first.text, path: [] } };
    }
    const argVals = node.arguments.map((a) => (isFunctionLike(a) ? NONE : ev(a, scope)));
    recordCall(node, name, receiverNode, calleeVal.mod);

    // Callbacks: route handlers get the request; callbacks on tainted receivers get the data.
    node.arguments.forEach((a, i) => {
      const fn = isFunctionLike(a) ? a : argVals[i].fn;
      if (!fn) return;
      const fnScope = isFunctionLike(a) ? scope : argVals[i].fnScope ?? scope;
      const roles = callbackParamRoles(node, fn);
      if (roles.length > 0) walkInContext(fn, fnScope, [], roles);
      else if (receiver?.taint) walkInContext(fn, fnScope, [{ taint: derived(receiver.taint) }], []);
      else walkOnce(fn, fnScope);
    });

    // adm-zip's entries carry names chosen by whoever built the archive.
    if (name === 'getEntries') return { taint: sourceTaint('archive entry names', spanOf(node), true) };
    if (calleeVal.role === 'request-method') {
      const key = first && ts.isStringLiteralLike(first) ? `'${first.text}'` : '';
      const label = `${calleeVal.label}(${key})`;
      return { taint: sourceTaint(label, spanOf(node), !key) };
    }
    if (extras.calls.size > 0) {
      const text = shortDottedName(callee, 5);
      if (text && extras.calls.has(text)) return { taint: sourceTaint(`${text}()`, spanOf(node), true) };
    }
    // this.service.method(…) in Nest and similar: a method of a class in this file.
    if (!calleeVal.fn && receiverNode && ts.isPropertyAccessExpression(receiverNode) && receiverNode.expression.kind === SK.ThisKeyword) {
      const m = methods.get(name);
      if (m) calleeVal = { fn: m };
    }
    if (calleeVal.fn && !isFunctionLike(callee)) {
      return { taint: callLocal(calleeVal.fn, calleeVal.fnScope ?? scope, argVals, node) };
    }
    if ((name === 'promisify' || name === 'callbackify') && argVals[0]?.mod) return { mod: argVals[0].mod };
    const mod = calleeVal.mod ? { module: calleeVal.mod.module, path: [...calleeVal.mod.path, '()'] } : undefined;
    const taint = callResult({
      name,
      qualifier: receiverNode ? shortDottedName(receiverNode, 4) : undefined,
      module: calleeVal.mod?.module ?? receiver?.mod?.module,
      isMethod: receiver !== undefined,
      receiver: receiver?.taint,
      args: argVals.map((v) => v.taint),
      argNodes: node.arguments,
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
    const calleeVal = ev(node.expression, scope);
    const argVals = (node.arguments ?? []).map((a) => ev(a, scope));
    const name = ts.isIdentifier(node.expression) ? node.expression.text : ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text : '';
    recordCall(node, name, ts.isPropertyAccessExpression(node.expression) ? node.expression.expression : undefined, calleeVal.mod);
    if (calleeVal.cls) return { instanceOf: calleeVal.cls };
    const mod = calleeVal.mod ? { module: calleeVal.mod.module, path: [...calleeVal.mod.path, '()'] } : undefined;
    const t = CONSTRUCTED_CARRIERS.has(name) ? derived(argVals.reduce<Taint | undefined>((acc, v) => merge(acc, v.taint), undefined)) : undefined;
    return t || mod ? { taint: t, mod } : NONE;
  }

  function recordCall(node: ts.CallExpression | ts.NewExpression, name: string, receiver: ts.Expression | undefined, callee: ModuleRef | undefined): void {
    if (seenCalls.has(node)) return;
    seenCalls.add(node);
    calls.push({
      node,
      name,
      qualifier: receiver ? shortDottedName(receiver, 4) : undefined,
      receiver,
      args: node.arguments ?? [],
      callee,
    });
  }

  function joinVals(a: Val, b: Val): Val {
    if (a === NONE) return b;
    if (b === NONE) return a;
    return { ...b, ...a, taint: merge(a.taint, b.taint) };
  }

  // ---- functions ---------------------------------------------------------------------------

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

  function walkInContext(fn: FunctionLike, scope: Scope, args: Val[], roles: ParamRole[]): void {
    const key = `${fn.pos}:${context}:ctx:${roles.map((r) => r.kind).join(',')}:${args.map((a) => (a.taint ? 't' : '-')).join(',')}`;
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

  function walkFunction(fn: FunctionLike, outer: Scope, args: Val[], roles: ParamRole[]): Taint | undefined {
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
    const savedBranch = branch;
    branch = 0;
    depth++;
    try {
      if (ts.isBlock(fn.body)) walkBlock(fn.body.statements, scope);
      else {
        const v = ev(fn.body, scope);
        frames[frames.length - 1].returns = v.taint;
      }
    } finally {
      depth--;
      branch = savedBranch;
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

  // ---- statements and bindings ---------------------------------------------------------------

  /** Runs a branch with the guarded variable sanitised, then restores it unless reassigned. */
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
    if (dflt) v = joinVals(v, ev(dflt, scope));
    if (ts.isIdentifier(name)) {
      const t = v.taint && { ...withStep(v.taint, spanOf(name), `assigned to ${name.text}`), direct: v.taint.direct };
      const val = t ? { ...v, taint: t } : v;
      scope.vars.set(name.text, { val, init, writes: 0 });
      if (t) record(name, t);
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
        const sub = keyName !== undefined ? member(v, keyName, el) : { taint: derived(v.taint) };
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
          if (ts.isMethodDeclaration(m) && ts.isIdentifier(m.name) && !methods.has(m.name.text)) methods.set(m.name.text, m);
        }
      }
    }
  }

  function bindImport(st: ts.ImportDeclaration, module: string, scope: Scope): void {
    modules.add(module);
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
    if (tooDeep(st)) return;
    depth++;
    try {
      walkStatementInner(st, scope);
    } finally {
      depth--;
    }
  }

  function walkStatementInner(st: ts.Statement, scope: Scope): void {
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const v = d.initializer ? ev(d.initializer, scope) : NONE;
        bindPattern(d.name, v, scope, undefined, d.initializer);
      }
    } else if (ts.isExpressionStatement(st)) {
      ev(st.expression, scope);
    } else if (ts.isReturnStatement(st)) {
      if (st.expression) {
        const v = ev(st.expression, scope);
        const frame = frames[frames.length - 1];
        if (frame && v.taint) frame.returns = merge(frame.returns, v.taint);
      }
    } else if (ts.isBlock(st)) {
      walkBlock(st.statements, scope);
    } else if (ts.isFunctionDeclaration(st)) {
      const info = st.name && lookup(st.name.text, scope);
      walkOnce(st, info?.val.fnScope ?? scope);
    } else if (ts.isClassDeclaration(st)) {
      walkClass(st, scope);
    } else if (ts.isImportDeclaration(st)) {
      // Bound when the block was entered.
    } else if (ts.isImportEqualsDeclaration(st)) {
      const ref = st.moduleReference;
      if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) {
        modules.add(ref.expression.text);
        scope.vars.set(st.name.text, { val: { mod: { module: ref.expression.text, path: [] } }, writes: 0 });
      }
    } else if (ts.isForOfStatement(st) || ts.isForInStatement(st)) {
      const v = ev(st.expression, scope);
      branch++;
      const itemTaint = derived(v.taint);
      const init = st.initializer;
      if (ts.isVariableDeclarationList(init)) {
        for (const d of init.declarations) bindPattern(d.name, { taint: itemTaint }, scope, undefined, undefined);
      } else {
        ev(init, scope);
      }
      walkStatement(st.statement, scope);
      branch--;
    } else if (ts.isIfStatement(st)) {
      ev(st.expression, scope);
      const guard = guardOf(st.expression, (id) => regexBinding(id, scope));
      branch++;
      whileGuarded(guard && !guard.negated ? guard : undefined, scope, () => walkStatement(st.thenStatement, scope));
      if (st.elseStatement) whileGuarded(guard?.negated ? guard : undefined, scope, () => walkStatement(st.elseStatement as ts.Statement, scope));
      branch--;
      // if (!valid(x)) return …; — past this point x passed the check.
      if (guard?.negated && exits(st.thenStatement)) {
        const info = lookup(guard.name, scope);
        if (info?.val.taint) info.val = { ...info.val, taint: cleanse(info.val.taint, guard.mask) };
      }
    } else if (ts.isTryStatement(st)) {
      walkBlock(st.tryBlock.statements, scope);
      branch++;
      if (st.catchClause) {
        if (st.catchClause.variableDeclaration) bindPattern(st.catchClause.variableDeclaration.name, NONE, scope, undefined, undefined);
        walkBlock(st.catchClause.block.statements, scope);
      }
      branch--;
      if (st.finallyBlock) walkBlock(st.finallyBlock.statements, scope);
    } else {
      // Loops, switch, labels, throw, export: conditional code, evaluated with weak updates.
      branch++;
      ts.forEachChild(st, (child) => {
        if (ts.isVariableDeclarationList(child)) {
          for (const d of child.declarations) bindPattern(d.name, d.initializer ? ev(d.initializer, scope) : NONE, scope, undefined, d.initializer);
        } else if (ts.isExpression(child)) ev(child, scope);
        else if (ts.isStatement(child)) walkStatement(child, scope);
        else if (ts.isCaseBlock(child)) {
          for (const clause of child.clauses) {
            if (ts.isCaseClause(clause)) ev(clause.expression, scope);
            walkBlock(clause.statements, scope);
          }
        }
      });
      branch--;
    }
  }

  const top: Scope = { vars: new Map() };
  frames.push({});
  walkBlock(sourceFile.statements, top);

  return {
    sourceFile,
    calls,
    writes,
    assignments,
    modules,
    errors,
    taintOf: (node) => taints.get(node),
    definitionOf: (id) => {
      const info = uses.get(id);
      return info && info.writes === 0 ? info.init : undefined;
    },
  };
}

/** How a property read is written in a source label: `.id`, or `['x-user']` for other names. */
function propertySuffix(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `['${name}']`;
}
