// Swaps adjacent statements that are provably independent: disjoint reads and writes, and at
// most one of them able to throw or run user code.
import { allNodes, isDirective, statementList, walk, type Node } from '../ast';
import { functionScopeOf, type Binding, type Ref, type ScopeInfo } from '../scope';
import { text, type Transform } from '../transform';
import { classify } from './purity';

export const reorder: Transform = {
  id: 'reorder',
  summary: 'Swaps adjacent independent statements.',
  preconditions: [
    'neither statement writes a variable the other reads or writes (closures count as reads of what they capture)',
    'at least one statement is inert: it cannot throw, call user code or touch properties',
    'when only one is inert, it is a let/const declaration whose names no closure captures, so no other code can observe the order',
    'no declarations of functions or classes, no control transfer (return, break, continue, throw), no directives',
  ],
  apply(input) {
    const sites: Array<{ start: number; end: number; a: Node; b: Node }> = [];
    for (const { node } of allNodes(input.program as Node)) {
      const list = statementList(node);
      if (!list) continue;
      for (let i = 0; i + 1 < list.length; i++) {
        const a = list[i];
        const b = list[i + 1];
        if (independent(a, b, input.scopes)) sites.push({ start: a.start, end: b.end, a, b });
      }
    }
    if (sites.length === 0) return null;
    const site = input.rng.pick(sites);
    const between = input.source.slice(site.a.end, site.b.start);
    return { edits: [{ start: site.a.start, end: site.b.end, text: text(input, site.b) + between + text(input, site.a) }] };
  },
};

const MOVABLE = new Set(['VariableDeclaration', 'ExpressionStatement']);

function independent(a: Node, b: Node, scopes: ScopeInfo): boolean {
  if (!MOVABLE.has(a.type) || !MOVABLE.has(b.type) || isDirective(a) || isDirective(b)) return false;
  const ea = effectsOf(a, scopes);
  const eb = effectsOf(b, scopes);
  if (!ea || !eb) return false;
  for (const w of ea.writes) if (eb.reads.has(w) || eb.writes.has(w)) return false;
  for (const w of eb.writes) if (ea.reads.has(w)) return false;
  const pa = classify(a, scopes) === 'inert';
  const pb = classify(b, scopes) === 'inert';
  if (pa && pb) return true;
  if (pa) return privateDeclaration(a, scopes);
  if (pb) return privateDeclaration(b, scopes);
  return false;
}

interface Effects {
  reads: Set<Binding>;
  writes: Set<Binding>;
}

/** The bindings a statement reads and writes; null when it touches something unresolved. */
function effectsOf(st: Node, scopes: ScopeInfo): Effects | null {
  const reads = new Set<Binding>();
  const writes = new Set<Binding>();
  let ok = true;
  walk(st, (node) => {
    if (node.type === 'Identifier') {
      const b = scopes.bindingOf.get(node);
      const r = scopes.refOf.get(node);
      if (!b) {
        // An unresolved name is a global: reading it may throw or hit a getter.
        if (r) ok = ok && (node.name === 'undefined' || node.name === 'NaN' || node.name === 'Infinity');
        return;
      }
      if (b.decls.includes(node)) writes.add(b);
      if (r?.read) reads.add(b);
      if (r?.write) writes.add(b);
    }
    return true;
  });
  return ok ? { reads, writes } : null;
}

/** A let/const declaration whose bindings no nested function can see before it runs. */
function privateDeclaration(st: Node, scopes: ScopeInfo): boolean {
  if (st.type !== 'VariableDeclaration' || st.kind === 'var') return false;
  const bound: Binding[] = [];
  walk(st, (node) => {
    if (node.type === 'Identifier') {
      const b = scopes.bindingOf.get(node);
      if (b && b.decls.includes(node)) bound.push(b);
    }
  });
  return bound.every((b) => !b.scope.dynamic && b.refs.every((r) => !insideFunctionBetween(r, b)));
}

/** A reference from another function than the declaring one is a closure capture. */
function insideFunctionBetween(r: Ref, b: Binding): boolean {
  return functionScopeOf(r.scope) !== functionScopeOf(b.scope);
}
