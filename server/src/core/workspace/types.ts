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
  /** How this module wires an app: sessions, CSRF protection, what it mounts and where (policy.ts). */
  policy?: PolicyFacts;
}

/** A middleware in front of a mount or a route, as written: `requireAuth`, `passport.authenticate`. */
export type Guard = string;

/**
 * What one module does to the app it builds or is handed, read from its syntax alone. The
 * workspace index turns the facts of a module's importers into its `MountedAs`.
 */
export interface PolicyFacts {
  /** A cookie session set up here (`app.use(session({…}))`), and whether its cookie is SameSite=Lax/Strict. */
  session?: { line: number; sameSite: boolean };
  /** CSRF protection named here: a CSRF package, or a hand-written token check. */
  csrf: boolean;
  /**
   * Relative modules this one mounts: `app.use('/admin', requireAuth, require('./admin'))`, or
   * hands its app to (`require('./routes')(app)`), with the middleware in front of them, including
   * earlier app-wide `app.use(auth)`.
   */
  mounts: { specifier: string; line: number; prefix: string; guards: Guard[] }[];
  /** Exports of relative modules used as route handlers here: `router.get('/notes/:id', auth, notes.show)`. */
  handlers: { specifier: string; export: string; line: number; method: string; path: string; guards: Guard[] }[];
  /**
   * State-changing routes registered here or in the modules mounted here (a few), for the CSRF
   * rule at the session's setup: `fileName` when the route is in a mounted module, `csrf` when the
   * module it is in (or one mounting it on the way) names CSRF protection.
   */
  changing: { method: string; path: string; line: number; span: { start: number; end: number }; fileName?: string; csrf: boolean }[];
}

/**
 * How the rest of the app uses one module, gathered by the workspace index from the modules that
 * import it (and theirs, up to DEPTH_BUDGET): where its routes are mounted, which of its exports
 * are route handlers, and whether the app keeps a cookie session and has CSRF protection.
 */
export interface MountedAs {
  mounts: { by: string; line: number; prefix: string; guards: Guard[] }[];
  handlers: { export: string; by: string; line: number; method: string; path: string; guards: Guard[] }[];
  /** The app's cookie session, where it is set up. */
  session?: { by: string; line: number; sameSite: boolean };
  /** CSRF protection is named in a module that mounts this one (or theirs). */
  csrf: boolean;
}

/** The key under which a document's `imports` carry what the workspace index knows of the document itself. */
export const MOUNTED_AS = '#mounted-as';

/** An imported module's text, keyed in `DocumentInput.imports` by the specifier as written ('./db'). */
export interface ImportedModule {
  fileName: string;
  text: string;
  /** The workspace index's summary of this text, when it has one; otherwise core summarises the text alone. */
  summary?: ModuleSummary;
  /** Only on the MOUNTED_AS entry: how the rest of the app uses this document. */
  mountedAs?: MountedAs;
}

/** How many modules deep a sink is followed through summaries of summaries. */
export const DEPTH_BUDGET = 6;
/** At most this many sinks are kept per exported function, so a summary stays small. */
export const MAX_SINKS_PER_FUNCTION = 16;
