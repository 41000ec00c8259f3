// The execution-trace schema shared by the sandbox (ground truth) and model predictions.
// A trace is the method's sequence of states, the effects the code caused, and its outcome.

/** JSON-compatible values. Values that JSON cannot hold are written in a canonical string form
 *  chosen by trace/normalise (for example undefined, functions, NaN, bigints). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Security-relevant kinds first; 'log', 'crypto' and 'time' are incidental. */
export type EffectKind =
  | 'network'
  | 'process'
  | 'fs-write'
  | 'eval'
  | 'env'
  | 'fs-read'
  | 'db'
  | 'crypto'
  | 'time'
  | 'log';

export const SECURITY_EFFECT_KINDS: readonly EffectKind[] = ['network', 'process', 'fs-write', 'eval', 'env'];

export interface Effect {
  kind: EffectKind;
  /** What was touched: a URL or host, a path, a command, a module.function name, an env key. */
  target: string;
  args: JsonValue[];
  /** 1-based line in the program that was run (or predicted), mapped to the original where known. */
  line: number;
}

export interface TraceStep {
  /** 1-based line of the executed statement. */
  line: number;
  /** Variables written by this step and their values after it. */
  state: Record<string, JsonValue>;
}

export type TraceLimit = 'time' | 'instructions' | 'memory' | 'trace-size';

export type TraceOutcome =
  | { kind: 'return'; value: JsonValue }
  | { kind: 'throw'; error: string }
  | { kind: 'limit'; limit: TraceLimit };

export interface Trace {
  steps: TraceStep[];
  effects: Effect[];
  outcome: TraceOutcome;
  /** True when steps were dropped because the trace hit its size bound. */
  truncated?: boolean;
  /** Sandbox traces only: calls made on the framework objects the run was given (res.status,
   *  res.json, next, reply.code, ctx.body …), in order. */
  interactions?: Interaction[];
  /** Sandbox traces only: operand pairs of equality and ordering comparisons the unit evaluated
   *  on strings and numbers, bounded; input synthesis turns them into new probes. */
  comparisons?: Array<[JsonValue, JsonValue]>;
}

/** A call on a framework object handed to the function (the response, `next`, a callback). */
export interface Interaction {
  /** e.g. "res.status", "next", "ctx.body". */
  target: string;
  args: JsonValue[];
  line: number;
}
