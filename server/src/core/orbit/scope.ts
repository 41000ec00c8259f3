// Scope analysis over an acorn tree: bindings, references (reads and writes) and the places
// where names become dynamic (direct eval, with), which renaming and reordering must respect.
import type * as acorn from 'acorn';
import { childrenOf, type Node } from './ast';

export type BindingKind = 'var' | 'let' | 'const' | 'param' | 'function' | 'class' | 'catch' | 'fn-name' | 'class-name';

export interface Scope {
  kind: 'program' | 'function' | 'block' | 'catch' | 'class' | 'fn-name';
  node: Node;
  parent: Scope | null;
  bindings: Map<string, Binding>;
  /** True when a direct eval or a with statement can reach this scope's names. */
  dynamic: boolean;
  /** True when a non-arrow function scope references `arguments`. */
  usesArguments: boolean;
}

export interface Binding {
  name: string;
  kind: BindingKind;
  scope: Scope;
  /** The identifiers that declare it (more than one for repeated var or function declarations). */
  decls: acorn.Identifier[];
  refs: Ref[];
  /** The initialiser when declared by a declarator without destructuring. */
  init: Node | null;
  /** Function declarations inside blocks follow sloppy-mode hoisting rules; never renamed. */
  blockFunction: boolean;
}

export interface Ref {
  id: acorn.Identifier;
  scope: Scope;
  read: boolean;
  write: boolean;
  /** Inside the body of a with statement, where lookup is dynamic. */
  dynamic: boolean;
  binding: Binding | null;
}

export interface ScopeInfo {
  root: Scope;
  bindings: Binding[];
  refs: Ref[];
  /** Identifiers that are the value half of a shorthand property ({ a } or { a = 1 }). */
  shorthand: Set<acorn.Identifier>;
  bindingOf: Map<acorn.Identifier, Binding>;
  refOf: Map<acorn.Identifier, Ref>;
}

/** Builds the scope tree of a parsed unit and resolves every reference. */
export function analyzeScopes(program: acorn.Program): ScopeInfo {
  const bindings: Binding[] = [];
  const refs: Ref[] = [];
  const shorthand = new Set<acorn.Identifier>();
  const bindingOf = new Map<acorn.Identifier, Binding>();
  let withDepth = 0;

  const newScope = (kind: Scope['kind'], node: Node, parent: Scope | null): Scope => ({
    kind, node, parent, bindings: new Map(), dynamic: false, usesArguments: false,
  });
  const fnScope = (s: Scope): Scope => {
    let cur = s;
    while (cur.kind !== 'function' && cur.kind !== 'program' && cur.parent) cur = cur.parent;
    return cur;
  };
  const declare = (id: acorn.Identifier, kind: BindingKind, scope: Scope, init: Node | null, blockFunction = false): void => {
    let b = scope.bindings.get(id.name);
    if (!b) {
      b = { name: id.name, kind, scope, decls: [], refs: [], init, blockFunction };
      scope.bindings.set(id.name, b);
      bindings.push(b);
    } else {
      // Redeclaration (var twice, or var over a param): keep one binding, forget the initialiser.
      b.init = null;
      b.blockFunction = b.blockFunction || blockFunction;
    }
    b.decls.push(id);
    bindingOf.set(id, b);
  };
  const ref = (id: acorn.Identifier, scope: Scope, read: boolean, write: boolean): void => {
    refs.push({ id, scope, read, write, dynamic: withDepth > 0, binding: null });
    if (id.name === 'arguments') fnScope(scope).usesArguments = true;
  };

  const pattern = (p: Node, scope: Scope, onId: (id: acorn.Identifier) => void): void => {
    switch (p.type) {
      case 'Identifier':
        onId(p);
        return;
      case 'ObjectPattern':
        for (const prop of p.properties) {
          if (prop.type === 'RestElement') pattern(prop.argument, scope, onId);
          else {
            if (prop.computed) expr(prop.key, scope);
            if (prop.shorthand) {
              const v = prop.value;
              shorthand.add((v.type === 'AssignmentPattern' ? v.left : v) as acorn.Identifier);
            }
            pattern(prop.value, scope, onId);
          }
        }
        return;
      case 'ArrayPattern':
        for (const el of p.elements) if (el) pattern(el, scope, onId);
        return;
      case 'RestElement':
        pattern(p.argument, scope, onId);
        return;
      case 'AssignmentPattern':
        pattern(p.left, scope, onId);
        expr(p.right, scope);
        return;
      default:
        // A member expression as an assignment target.
        expr(p, scope);
    }
  };

  const fn = (node: acorn.Function & Node, scope: Scope): void => {
    let outer = scope;
    if (node.type === 'FunctionExpression' && node.id) {
      outer = newScope('fn-name', node, scope);
      declare(node.id, 'fn-name', outer, null);
    }
    const inner = newScope('function', node, outer);
    for (const p of node.params) pattern(p as Node, inner, (id) => declare(id, 'param', inner, null));
    if (node.body.type === 'BlockStatement') for (const s of node.body.body) stmt(s as Node, inner);
    else expr(node.body as Node, inner);
  };

  const cls = (node: acorn.Class & Node, scope: Scope): void => {
    if (node.superClass) expr(node.superClass as Node, scope);
    const inner = newScope('class', node, scope);
    if (node.id) declare(node.id, 'class-name', inner, null);
    for (const el of node.body.body) {
      if (el.type === 'StaticBlock') {
        const s = newScope('function', el, inner);
        for (const st of el.body) stmt(st as Node, s);
        continue;
      }
      if (el.computed) expr(el.key as Node, inner);
      if (el.value) {
        if (el.type === 'PropertyDefinition') {
          const s = newScope('function', el, inner);
          expr(el.value as Node, s);
        } else expr(el.value as Node, inner);
      }
    }
  };

  const varDecl = (node: acorn.VariableDeclaration, scope: Scope): void => {
    const target = node.kind === 'var' ? fnScope(scope) : scope;
    const kind: BindingKind = node.kind === 'var' ? 'var' : node.kind === 'let' ? 'let' : 'const';
    for (const d of node.declarations) {
      const init = d.id.type === 'Identifier' ? (d.init as Node | null) ?? null : null;
      pattern(d.id as Node, scope, (id) => declare(id, kind, target, init));
      if (d.init) expr(d.init as Node, scope);
    }
  };

  const stmt = (node: Node, scope: Scope): void => {
    switch (node.type) {
      case 'VariableDeclaration':
        varDecl(node, scope);
        return;
      case 'FunctionDeclaration': {
        const inBlock = scope.kind === 'block' || scope.kind === 'catch';
        if (node.id) declare(node.id, 'function', scope, null, inBlock);
        fn(node, scope);
        return;
      }
      case 'ClassDeclaration':
        if (node.id) declare(node.id, 'class', scope, null);
        cls(node, scope);
        return;
      case 'BlockStatement': {
        const s = newScope('block', node, scope);
        for (const st of node.body) stmt(st as Node, s);
        return;
      }
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement': {
        const s = newScope('block', node, scope);
        if (node.type === 'ForStatement') {
          if (node.init) node.init.type === 'VariableDeclaration' ? varDecl(node.init, s) : expr(node.init as Node, s);
          if (node.test) expr(node.test as Node, s);
          if (node.update) expr(node.update as Node, s);
        } else {
          expr(node.right as Node, s);
          if (node.left.type === 'VariableDeclaration') varDecl(node.left, s);
          else pattern(node.left as Node, s, (id) => ref(id, s, false, true));
        }
        stmt(node.body as Node, s);
        return;
      }
      case 'SwitchStatement': {
        expr(node.discriminant as Node, scope);
        const s = newScope('block', node, scope);
        for (const c of node.cases) {
          if (c.test) expr(c.test as Node, s);
          for (const st of c.consequent) stmt(st as Node, s);
        }
        return;
      }
      case 'TryStatement': {
        stmt(node.block, scope);
        if (node.handler) {
          const s = newScope('catch', node.handler, scope);
          if (node.handler.param) pattern(node.handler.param as Node, s, (id) => declare(id, 'catch', s, null));
          stmt(node.handler.body, s);
        }
        if (node.finalizer) stmt(node.finalizer, scope);
        return;
      }
      case 'WithStatement':
        expr(node.object as Node, scope);
        markDynamic(scope);
        withDepth++;
        stmt(node.body as Node, scope);
        withDepth--;
        return;
      case 'LabeledStatement':
        stmt(node.body as Node, scope);
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'EmptyStatement':
      case 'DebuggerStatement':
        return;
      default:
        generic(node, scope);
    }
  };

  const markDynamic = (scope: Scope): void => {
    for (let s: Scope | null = scope; s; s = s.parent) s.dynamic = true;
  };

  const expr = (node: Node, scope: Scope): void => {
    switch (node.type) {
      case 'Identifier':
        ref(node, scope, true, false);
        return;
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        fn(node, scope);
        return;
      case 'ClassExpression':
        cls(node, scope);
        return;
      case 'MemberExpression':
        expr(node.object as Node, scope);
        if (node.computed) expr(node.property as Node, scope);
        return;
      case 'Property':
        if (node.computed) expr(node.key as Node, scope);
        if (node.shorthand && node.value.type === 'Identifier') shorthand.add(node.value);
        expr(node.value as Node, scope);
        return;
      case 'AssignmentExpression':
        if (node.left.type === 'Identifier') ref(node.left, scope, node.operator !== '=', true);
        else pattern(node.left as Node, scope, (id) => ref(id, scope, false, true));
        expr(node.right as Node, scope);
        return;
      case 'UpdateExpression':
        if (node.argument.type === 'Identifier') ref(node.argument, scope, true, true);
        else expr(node.argument as Node, scope);
        return;
      case 'CallExpression':
        if (node.callee.type === 'Identifier' && node.callee.name === 'eval') markDynamic(scope);
        generic(node, scope);
        return;
      case 'MetaProperty':
      case 'PrivateIdentifier':
      case 'Literal':
      case 'ThisExpression':
      case 'Super':
        return;
      default:
        generic(node, scope);
    }
  };

  // Statements and expressions not handled above have only expression or statement children.
  const generic = (node: Node, scope: Scope): void => {
    for (const child of childrenOf(node)) {
      if (isStatement(child)) stmt(child, scope);
      else expr(child, scope);
    }
  };

  const root = newScope('program', program, null);
  for (const s of program.body) stmt(s as Node, root);

  const refOf = new Map<acorn.Identifier, Ref>();
  for (const r of refs) {
    refOf.set(r.id, r);
    for (let s: Scope | null = r.scope; s; s = s.parent) {
      const b = s.bindings.get(r.id.name);
      if (b) {
        r.binding = b;
        b.refs.push(r);
        bindingOf.set(r.id, b);
        break;
      }
    }
  }
  return { root, bindings, refs, shorthand, bindingOf, refOf };
}

function isStatement(node: Node): boolean {
  return node.type.endsWith('Statement') || node.type.endsWith('Declaration') || node.type === 'SwitchCase' || node.type === 'CatchClause';
}

/** The nearest enclosing function (or program) scope. */
export function functionScopeOf(scope: Scope): Scope {
  let cur = scope;
  while (cur.kind !== 'function' && cur.kind !== 'program' && cur.parent) cur = cur.parent;
  return cur;
}
