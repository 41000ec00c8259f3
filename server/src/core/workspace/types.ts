// The workspace index's plain data: what one module exports and, per exported function, which
// parameters reach which sinks and which come back out. Structured-clone-safe, so summaries cross
// into worker threads with the document that imports them.
import type { FlowStep, Span } from '../types';
import type { ModuleRef } from '../security/facts';
import type { SinkKind } from '../security/taint';

/** A parameter that reaches a sink inside the exported function's module (or deeper). */
export interface ParamSink {
  param: number;
  ruleId: string;
  kind: SinkKind;
  /** The first point in this module on the way to the sink: the sink, or the call that leads to it. */
  span: Span;
  /** 1-based line of `span` in the module, for messages. */
  line: number;
  /** Where the sink is when it lies in a module further down ("./db.js:8"); absent when it is here. */
  via?: string;
  /** How many modules deep the sink lies: 1 when it is in this module. */
  depth: number;
  /** The path inside this module, from the parameter to the sink or the call leading to it. */
  steps: FlowStep[];
}

/** A parameter whose value the function returns, and the sink kinds it is cleansed for on the way. */
export interface ParamReturn {
  param: number;
  cleansed: number;
}

export interface FunctionSummary {
  /** The export's key: 'findUser', 'default', 'UserDAO.add', or 'add' on a default-exported constructor. */
  name: string;
  sinks: ParamSink[];
  returns: ParamReturn[];
}

export interface ModuleSummary {
  fileName: string;
  /** Hash of the text the summary was computed from: a summary is only used for that text. */
  hash: string;
  /** Exported functions by key (see FunctionSummary.name). */
  functions: Record<string, FunctionSummary>;
  /**
   * Exported values that are handles of a package, by key: `export const sequelize = new
   * Sequelize(…)` gives sequelize → { module: 'sequelize', path: ['Sequelize', '()'] }, so
   * `models.sequelize.query(…)` in an importer is a call on a Sequelize instance.
   */
  handles: Record<string, ModuleRef>;
}

/** An imported module's text, keyed in `DocumentInput.imports` by the specifier as written ('./db'). */
export interface ImportedModule {
  fileName: string;
  text: string;
  /** The workspace index's summary of this text, when it has one; otherwise core summarises the text alone. */
  summary?: ModuleSummary;
}

/** How many modules deep a sink is followed through summaries of summaries. */
export const DEPTH_BUDGET = 6;
/** At most this many sinks are kept per exported function, so a summary stays small. */
export const MAX_SINKS_PER_FUNCTION = 16;
