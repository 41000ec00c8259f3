// What a pass is: one analysis of one document version (static rules, the sandbox, model
// verification, …) that the document owner (engine/documents.ts) starts on an event, cancels when
// the version moves on, and whose findings and notices it keeps in the document's slot for that pass.
// A new pass is one file implementing `Pass` and one line in engine/passes/registry.ts.
import type { Settings } from '../../config/schema';
import type { Finding } from '../../core/types';
import type { DocumentSnapshot, Notice } from '../document-analysis';

/**
 * What starts a run: the document was opened, edited, saved, a command asked for this pass, or
 * the settings changed. An edit also aborts every running pass of the document, whatever it is.
 */
export type PassEvent = 'open' | 'change' | 'save' | 'command' | 'settings';

/** What the user sees from a pass: merged with the other passes' output of the same version. */
export interface PassOutput {
  findings: readonly Finding[];
  notices: readonly Notice[];
}

/**
 * What a run yields: the output to show (none when the pass decided not to run, e.g. disabled by
 * settings), and the pass's own detail for commands and hovers (a summary, counts, scores).
 */
export interface PassYield<D> {
  output?: PassOutput;
  detail: D;
}

export interface PassContext {
  doc: DocumentSnapshot;
  settings: Settings;
  /** Aborted by an edit, a close, a newer run of this pass, the caller of a command, or shutdown. */
  signal: AbortSignal;
  event: PassEvent;
  /** A command about one function: the offset of the cursor in `doc`. */
  at?: number;
  /** Another pass's output for this same version, once there is one; undefined if the run is aborted first. */
  outputOf(passId: string): Promise<PassOutput | undefined>;
}

/** What a pass may ask of the owner outside a run (e.g. run again documents a missing model skipped). */
export interface PassHost {
  run(uri: string, event: PassEvent): void;
  /** The pass's detail for the document's current version. */
  detail(uri: string): unknown;
  uris(): string[];
}

export interface Pass<D = unknown> {
  readonly id: string;
  /** How the log names it when a run fails unexpectedly ("the sandbox pass of file:///… failed …"). */
  readonly label: string;
  /** Base passes: a document's merged report exists once each has output for the current version. */
  readonly base?: boolean;
  /** False when its findings honour no suppression comment and carry no fixes: no code actions are offered for them. */
  readonly codeActions?: boolean;
  /** Whether `event` starts a run with these settings; `ran` says whether the document has output or a run of this pass. */
  runsOn(event: PassEvent, settings: Settings, ran: boolean): boolean;
  /** A quiet time before the run (debounce, idle), restarted by every edit. */
  delayMs?(event: PassEvent, settings: Settings): number;
  /** Never resolves with output for a version it was not given; undefined when cancelled. */
  run(ctx: PassContext): Promise<PassYield<D> | undefined>;
  attach?(host: PassHost): void;
  /** Work that outlives documents, started once the server is initialized (a model's health check). */
  start?(): Promise<void>;
  /** The document closed: forget what the pass keeps for it. */
  closed?(uri: string): void;
  /** Settings changed: rebuild what the pass keeps across documents (a model backend, …). */
  configurationChanged?(): void;
  dispose?(): void;
}
