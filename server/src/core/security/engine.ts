// The taint engine: one walk over a file in program order that evaluates every expression's taint,
// binds variables per function scope, and re-walks same-file functions for tainted arguments.
// The parts live beside it: expressions.ts, calls.ts, statements.ts and functions.ts, sharing one
// EngineState (engine-state.ts) for the file.
import ts from 'typescript';
import type { TaintFacts } from './facts';
import { isExecutableScript, isWebServerFile, parseExtraSources } from './sources';
import { merge, type Taint } from './taint';
import type { Scope } from './engine-values';
import { statementWalker } from './statements';
import { callEvaluator, type ImportedCall } from './calls';
import { expressionEvaluator } from './expressions';
import { functionWalker } from './functions';
import { MAX_DEPTH, type EngineParts, type EngineState } from './engine-state';
import type { ModuleTraits } from './model-hooks';
import { spanOf } from './ast';

export interface EngineOptions {
  extraSources: readonly string[];
  /** What a call into another module returns, when that module was summarised (cross-file taint). */
  importedCall?: ImportedCall;
  /** Facts about the imported modules (models that hash passwords themselves). */
  importedTraits?: ReadonlyMap<string, ModuleTraits>;
}

export function buildTaintFacts(sourceFile: ts.SourceFile, options: EngineOptions): TaintFacts {
  const s = newState(sourceFile, options);
  const parts = {} as EngineParts;
  parts.record = (node, t) => {
    const old = s.taints.get(node);
    s.taints.set(node, old ? (merge(old, t) as Taint) : t);
  };
  parts.tooDeep = (node) => {
    if (s.walk.depth < MAX_DEPTH) return false;
    if (s.errors.length === 0) {
      s.errors.push({
        kind: 'limit',
        message: `Code nested more than ${MAX_DEPTH} levels deep was not analysed for security issues.`,
        span: spanOf(node),
      });
    }
    return true;
  };
  Object.assign(parts, expressionEvaluator(s, parts), functionWalker(s, parts));
  Object.assign(parts, callEvaluator({
    ev: parts.ev, member: parts.member, walkInContext: parts.walkInContext, walkOnce: parts.walkOnce, callLocal: parts.callLocal,
    methods: s.methods, modules: s.modules, extras: s.extras, calls: s.calls, seenCalls: s.seenCalls, importedCall: options.importedCall,
  }));
  Object.assign(parts, statementWalker({
    ev: parts.ev, member: parts.member, record: parts.record, tooDeep: parts.tooDeep, walkOnce: parts.walkOnce, walkClass: parts.walkClass,
    methods: s.methods, modules: s.modules, frames: s.frames, state: s.walk,
  }));

  const top: Scope = { vars: new Map() };
  s.frames.push({});
  parts.walkBlock(sourceFile.statements, top);

  return {
    sourceFile,
    calls: s.calls,
    writes: s.writes,
    assignments: s.assignments,
    modules: s.modules,
    errors: s.errors,
    ...(options.importedTraits ? { importedTraits: options.importedTraits } : {}),
    taintOf: (node) => s.taints.get(node),
    definitionOf: (id) => {
      const info = s.uses.get(id);
      return info && info.writes === 0 ? info.init : undefined;
    },
  };
}

function newState(sourceFile: ts.SourceFile, options: EngineOptions): EngineState {
  return {
    taints: new Map(),
    uses: new Map(),
    calls: [],
    seenCalls: new Set(),
    writes: [],
    assignments: [],
    seenAssignments: new Set(),
    modules: new Set(),
    errors: [],
    extras: parseExtraSources(options.extraSources),
    webFile: isWebServerFile(sourceFile.text),
    executable: isExecutableScript(sourceFile.text),
    thisFields: new Map(),
    methods: new Map(),
    frames: [],
    walk: { depth: 0, branch: 0 },
  };
}
