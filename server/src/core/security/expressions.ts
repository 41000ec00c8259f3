// Expressions for the taint engine: sources (request properties, argv, location, configured
// extras), member reads, operators, assignments and destructuring, and object literals whose
// functions are route handlers or resolvers.
import ts from 'typescript';
import {
  globalSource, isResponseBody, memberFunctionRoles, NEWLINE_FREE, REQUEST_HOPS, REQUEST_METHODS, REQUEST_PROPERTIES,
} from './sources';
import { asString, derived, merge, Sink, sourceTaint, withStep, type Taint } from './taint';
import { joinVals, lookup, NONE, propertySuffix, type Scope, type Val } from './engine-values';
import { isFunctionLike, shortDottedName, spanOf, type FunctionLike } from './ast';
import type { EngineParts, EngineState } from './engine-state';

// The typescript module exposes its members through getters; a local alias keeps the hot
// switch in evalInner from paying for a getter call per comparison.
const SK = ts.SyntaxKind;

/** multer's own fields of an uploaded file; the client controls originalname, mimetype and the bytes. */
const SERVER_FILE_FIELDS = new Set(['path', 'destination', 'filename', 'size']);

export interface ExpressionEvaluator {
  ev(node: ts.Expression, scope: Scope): Val;
  member(base: Val, name: string, node: ts.Node): Val;
}

export function expressionEvaluator(s: EngineState, p: EngineParts): ExpressionEvaluator {
  const { uses, extras, thisFields, methods, writes, assignments, seenAssignments, executable } = s;
  const state = s.walk;
  const record = (node: ts.Node, t: Taint): void => p.record(node, t);
  const tooDeep = (node: ts.Node): boolean => p.tooDeep(node);
  const evalCall = (node: ts.CallExpression, scope: Scope): Val => p.evalCall(node, scope);
  const evalNew = (node: ts.NewExpression, scope: Scope): Val => p.evalNew(node, scope);
  const walkOnce = (fn: FunctionLike, scope: Scope): void => p.walkOnce(fn, scope);
  const walkClass = (cls: ts.ClassLikeDeclaration, scope: Scope): void => p.walkClass(cls, scope);
  const walkInContext: EngineParts['walkInContext'] = (fn, scope, args, roles) => p.walkInContext(fn, scope, args, roles);

  function ev(node: ts.Expression, scope: Scope): Val {
    if (tooDeep(node)) return NONE;
    state.depth++;
    try {
      const v = evalInner(node, scope);
      if (v.taint) record(node, v.taint);
      return v;
    } finally {
      state.depth--;
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
        evalChildren(node, scope);
        return NONE;
    }
  }

  /** Evaluates the expressions under a node, looking through JSX attributes and the like. */
  function evalChildren(node: ts.Node, scope: Scope): void {
    ts.forEachChild(node, (child) => {
      if (ts.isExpression(child)) ev(child, scope);
      else if (!ts.isTypeNode(child) && !tooDeep(child)) {
        state.depth++;
        evalChildren(child, scope);
        state.depth--;
      }
    });
  }

  /** Sources named by a global path: command-line arguments, location.search, configured extras. */
  function namedSource(pa: ts.PropertyAccessExpression): Val | undefined {
    const base = pa.expression;
    if (!ts.isIdentifier(base) && !ts.isPropertyAccessExpression(base)) return undefined;
    const text = shortDottedName(pa, 5);
    if (!text) return undefined;
    const g = globalSource(text, executable);
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
      if (isResponseBody(base.label, name)) return NONE;
      const maybeObject = REQUEST_PROPERTIES.get(name);
      if (maybeObject !== undefined) {
        const t = sourceTaint(label, spanOf(node), maybeObject);
        return { taint: NEWLINE_FREE.has(name) ? { ...t, cleansed: Sink.log } : t };
      }
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
      const strong = state.branch === 0;
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
        const roles = isFunctionLike(p.initializer) ? memberFunctionRoles(p) : [];
        if (isFunctionLike(p.initializer) && roles.length > 0) {
          walkInContext(p.initializer, scope, [], roles);
        } else {
          const v = ev(p.initializer, scope);
          // `const root = { user: getUser }`: a named resolver gets the client's arguments too.
          const named = v.fn && ts.isIdentifier(p.initializer) ? memberFunctionRoles(p) : [];
          if (v.fn && named.length > 0) walkInContext(v.fn, v.fnScope ?? scope, [], named);
          t = merge(t, v.taint);
        }
      } else if (ts.isShorthandPropertyAssignment(p)) {
        t = merge(t, ev(p.name, scope).taint);
      } else if (ts.isSpreadAssignment(p)) {
        t = merge(t, ev(p.expression, scope).taint);
      } else if (ts.isMethodDeclaration(p) || ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p)) {
        const roles = memberFunctionRoles(p);
        if (roles.length > 0) {
          walkInContext(p, scope, [], roles);
        } else {
          walkOnce(p, scope);
        }
      }
    }
    return t ? { taint: { ...t, direct: false, maybeObject: true } } : NONE;
  }

  return { ev, member };
}
