// What the taint engine hands to rules: every call site, every computed property write, and the
// taint of any expression, all from one walk over the file.
import type ts from 'typescript';
import type { AnalysisError } from '../types';
import type { Taint } from './taint';
import type { ModuleTraits } from './model-hooks';

/** Where a value comes from when it comes from a module: `cp.exec` → child_process ['exec']. */
export interface ModuleRef {
  module: string;
  /** Member names and '()' for calls/instantiation, from the module object to the value. */
  path: readonly string[];
}

export interface CallSite {
  node: ts.CallExpression | ts.NewExpression;
  /** The callee's last name: "all" for db.all(…), "exec" for exec(…), "import" for import(…). */
  name: string;
  /** The receiver's dotted text when it is a plain chain: "db", "this.pool", "child_process". */
  qualifier?: string;
  receiver?: ts.Expression;
  args: readonly ts.Expression[];
  /** The callee traced back to a module, when the file imports it. */
  callee?: ModuleRef;
}

/** `target[key] = value`, the shape prototype pollution needs. */
export interface PropertyWrite {
  node: ts.BinaryExpression;
  object: ts.Expression;
  key: ts.Expression;
}

/** `target.name = value`: ctx.body, el.innerHTML, res.statusMessage and the like. */
export interface PropertyAssignment {
  node: ts.BinaryExpression;
  target: ts.PropertyAccessExpression;
}

export interface TaintFacts {
  sourceFile: ts.SourceFile;
  calls: readonly CallSite[];
  writes: readonly PropertyWrite[];
  assignments: readonly PropertyAssignment[];
  /** Modules the file imports or requires, by specifier. */
  modules: ReadonlySet<string>;
  /** The taint of an expression in any context it was evaluated in; undefined when clean. */
  taintOf(node: ts.Node): Taint | undefined;
  /** For an identifier bound exactly once (no later assignment), the expression that bound it. */
  definitionOf(id: ts.Identifier): ts.Expression | undefined;
  /** What is known about the modules the file imports by relative specifier, when they were read. */
  importedTraits?: ReadonlyMap<string, ModuleTraits>;
  /** Errors met while walking (a nesting limit). */
  errors: AnalysisError[];
}
