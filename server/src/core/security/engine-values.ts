// The values the taint engine computes and the scopes it binds them in.
import type ts from 'typescript';
import type { ModuleRef } from './facts';
import type { FunctionLike } from './ast';
import { merge, type Taint } from './taint';

/** What evaluating an expression yields: its taint, and what it is when that matters. */
export interface Val {
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
export const NONE: Val = {};

export interface VarInfo {
  val: Val;
  init?: ts.Expression;
  writes: number;
}
export interface Scope {
  vars: Map<string, VarInfo>;
  parent?: Scope;
}

/** Mutable walk state shared by the expression and statement walkers. */
export interface WalkState {
  /** Current nesting depth, bounded so deep code cannot overflow the stack. */
  depth: number;
  /** How many conditional branches enclose the current statement: assignments there are weak. */
  branch: number;
}

export function lookup(name: string, scope: Scope): VarInfo | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const v = s.vars.get(name);
    if (v) return v;
  }
  return undefined;
}

/** Either value: taint merged, other facts from whichever side has them. */
export function joinVals(a: Val, b: Val): Val {
  if (a === NONE) return b;
  if (b === NONE) return a;
  return { ...b, ...a, taint: merge(a.taint, b.taint) };
}

/** How a property read is written in a source label: `.id`, or `['x-user']` for other names. */
export function propertySuffix(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `['${name}']`;
}
