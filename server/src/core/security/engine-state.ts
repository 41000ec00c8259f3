// What one run of the taint engine over a file shares between its parts: what it has learnt so far
// (taints, variable uses, call sites, writes), the walk's limits, and the parts' entry points.
import type ts from 'typescript';
import type { AnalysisError } from '../types';
import type { FunctionLike } from './ast';
import type { CallSite, PropertyAssignment, PropertyWrite } from './facts';
import type { ParamRole } from './sources';
import type { ExtraSources } from './sources';
import type { Taint } from './taint';
import type { Scope, Val, VarInfo, WalkState } from './engine-values';

/** Nesting deeper than this is not followed; the rest of the file is still analysed. */
export const MAX_DEPTH = 400;
/** How many same-file calls deep a tainted argument is followed. */
export const MAX_CALL_DEPTH = 4;

/** The mutable state of one walk over one file. */
export interface EngineState {
  taints: Map<ts.Node, Taint>;
  uses: Map<ts.Identifier, VarInfo>;
  calls: CallSite[];
  seenCalls: Set<ts.Node>;
  writes: PropertyWrite[];
  assignments: PropertyAssignment[];
  seenAssignments: Set<ts.Node>;
  modules: Set<string>;
  errors: AnalysisError[];
  extras: ExtraSources;
  /** The file imports a web framework, so `request` parameters are HTTP requests. */
  webFile: boolean;
  /** The file is an executable script (shebang), so its argv is its own user's. */
  executable: boolean;
  thisFields: Map<string, Val>;
  methods: Map<string, FunctionLike>;
  /** Return taints of the functions being walked, innermost last. */
  frames: { returns?: Taint }[];
  walk: WalkState;
}

/**
 * The engine's parts call each other (an expression walks the function it defines, a function
 * body evaluates expressions), so each part reaches the others through this table, filled in
 * once every part exists and before the walk starts.
 */
export interface EngineParts {
  ev(node: ts.Expression, scope: Scope): Val;
  member(base: Val, name: string, node: ts.Node): Val;
  evalCall(node: ts.CallExpression, scope: Scope): Val;
  evalNew(node: ts.NewExpression, scope: Scope): Val;
  walkBlock(statements: readonly ts.Statement[], scope: Scope): void;
  bindPattern(name: ts.BindingName, v: Val, scope: Scope, dflt: ts.Expression | undefined, init: ts.Expression | undefined): void;
  walkOnce(fn: FunctionLike, scope: Scope): void;
  walkInContext(fn: FunctionLike, scope: Scope, args: Val[], roles: ReadonlyArray<ParamRole | undefined>): void;
  callLocal(fn: FunctionLike, fnScope: Scope, args: Val[], call: ts.CallExpression): Taint | undefined;
  walkClass(cls: ts.ClassLikeDeclaration, scope: Scope): void;
  record(node: ts.Node, t: Taint): void;
  tooDeep(node: ts.Node): boolean;
}
