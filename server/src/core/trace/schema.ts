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
  /** What a request handler sent (status, the headers that matter, body), as a model states it;
   *  the sandbox's is read from its `interactions` (core/trace/response). */
  response?: SentResponse;
  /** Sandbox traces only: calls made on the framework objects the run was given (res.status,
   *  res.json, next, reply.code, ctx.body …), in order. */
  interactions?: Interaction[];
  /** Sandbox traces only: operand pairs of equality and ordering comparisons the unit evaluated
   *  on strings and numbers, bounded; input synthesis turns them into new probes. */
  comparisons?: Array<[JsonValue, JsonValue]>;
  /** Sandbox traces only: the branch conditions the unit evaluated, in order, bounded; the
   *  trigger search (core/inputs/search) solves them for inputs that take the other branch. */
  conditions?: Condition[];
}

/** One operand of a recorded condition: its value (dates as epoch milliseconds, undefined as
 *  "[undefined]"), how the code derived it when the shape shows it ("len", "date:getMonth",
 *  "env:KEY"), and the value it was derived from (the string measured, the date read). */
export interface ConditionOperand {
  v: JsonValue;
  h?: string;
  x?: JsonValue;
}

/** A branch condition evaluated at run time. `s` identifies the site: the comparison's offset in
 *  the program, or the kind of test ("m:startsWith", "re:<source>", "in", "miss", "json"). */
export interface Condition {
  s: number | string;
  /** A comparison operator, a string method (startsWith, endsWith, includes, indexOf), "test"
   *  for a pattern, "in" for list membership, "miss" for a read of a field the input lacks, and
   *  "json" for JSON text parsed from an input. */
  op: string;
  a?: ConditionOperand;
  b?: ConditionOperand;
  /** The list searched ("in"), the pattern's source and flags ("test"), the input path read or
   *  parsed ("miss", "json"). */
  list?: JsonValue[];
  re?: string;
  fl?: string;
  path?: string;
  /** What the test evaluated to. */
  r: boolean;
  line: number;
}

/** What a handler sent: its status, the headers that matter (lower-case names) and its body. */
export interface SentResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: JsonValue;
}

/** A call on a framework object handed to the function (the response, `next`, a callback). */
export interface Interaction {
  /** e.g. "res.status", "next", "ctx.body". */
  target: string;
  args: JsonValue[];
  line: number;
}
