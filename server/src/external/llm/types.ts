// The small interfaces every model backend implements: predict an execution trace, and stream
// generated code. The Ollama backend implements both; the sandbox backend only predicts traces.

import type { JsonValue, Trace } from '../../core/trace/schema.js';

/** The subset of JSON Schema that trace schemas use and that external/llm/ollama validates. Kept
 *  structural, with readonly arrays, so a schema exported from core/trace (even `as const`)
 *  can be passed as it is. */
export interface JsonSchema {
  type?: JsonSchemaType | readonly JsonSchemaType[];
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: readonly JsonValue[];
  const?: JsonValue;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  anyOf?: readonly JsonSchema[];
  oneOf?: readonly JsonSchema[];
  allOf?: readonly JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  title?: string;
  description?: string;
}

export type JsonSchemaType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/** One program to trace on a batch of inputs; a single prompt covers the whole batch. */
export interface TraceRequest {
  /** The program text: a function unit, as plain JavaScript. */
  program: string;
  /** The function to call when the program holds more than one; omitted for a single unit. */
  entry?: string;
  /** One argument list per run. */
  inputs: JsonValue[][];
  /** The schema of one trace (from core/trace). */
  schema: JsonSchema;
}

/** Per-call choices; everything has a default. */
export interface CallOptions {
  /** Calls whose key equals the backend's preferred key (the active document) run first. */
  priorityKey?: string;
  /** Sampling seed; trace prediction defaults to a fixed one so answers are repeatable. */
  seed?: number;
  temperature?: number;
  /** Upper bound on generated tokens (Ollama's num_predict). */
  maxTokens?: number;
  /** Stop sequences for generation. */
  stop?: string[];
  /** Skip the cache lookup (the answer is still stored). */
  bypassCache?: boolean;
}

/** Token counts and durations as Ollama reports them, in milliseconds, summed over attempts. */
export interface ModelUsage {
  promptTokens: number;
  outputTokens: number;
  totalMs: number;
  loadMs: number;
  promptEvalMs: number;
  evalMs: number;
  /** Wall-clock time seen by the caller, queueing included. */
  wallMs: number;
  /** HTTP requests made (0 on a cache hit, 2 when the malformed first answer was retried). */
  requests: number;
}

/** Why a model call produced nothing usable; each kind carries a message for the user. */
export type ModelFailure =
  | { kind: 'unavailable'; detail: string; fix: string }
  | { kind: 'model-missing'; model: string; detail: string; fix: string }
  | { kind: 'busy'; detail: string; fix: string }
  | { kind: 'error'; status?: number; detail: string; fix: string }
  | { kind: 'timeout'; detail: string; fix: string }
  | { kind: 'cancelled'; detail: string };

export type PredictOutcome =
  | {
      kind: 'ok';
      /** One trace per input, in the order of the request's inputs. */
      traces: Trace[];
      usage: ModelUsage;
      cached: boolean;
    }
  | {
      kind: 'unparseable';
      /** What was wrong with the last answer, e.g. "traces[0].outcome: missing required property". */
      detail: string;
      /** The last raw answer, for logs. */
      raw: string;
      usage: ModelUsage;
    }
  | ModelFailure;

export interface TracePredictor {
  predictTrace(request: TraceRequest, options: CallOptions, signal: AbortSignal): Promise<PredictOutcome>;
}

export interface GenerateRequest {
  prompt: string;
  system?: string;
  /** Send the prompt without the model's template (Ollama's raw mode), e.g. to resume a prefix. */
  raw?: boolean;
  /** Text after the gap, for models that fill in the middle; a raw prompt's stream then ends
   *  with it, so the caller sees the same continuation as from a completion model. */
  suffix?: string;
  options?: CallOptions;
}

/** Streamed text chunks. Iteration throws a ModelCallError on failure or cancellation; breaking
 *  out of the loop aborts the HTTP request. */
export interface GenerationStream extends AsyncIterable<string> {
  /** Set once the model finished (Ollama's final chunk); undefined before or after a failure. */
  readonly usage: ModelUsage | undefined;
  /** Ollama's done_reason: "stop", "length", … once finished. */
  readonly doneReason: string | undefined;
}

export interface CodeGenerator {
  generateStream(request: GenerateRequest, signal: AbortSignal): GenerationStream;
}

/** Whether a model server is usable, with the fix when it is not. */
export interface HealthReport {
  ok: boolean;
  /** What we found, e.g. "Ollama is not reachable at http://127.0.0.1:11434 (connection refused)". */
  detail: string;
  /** What to do about it; empty when ok. */
  fix: string;
  /** detail and fix as one line for a window/showMessage or `orbit-ls doctor`. */
  message: string;
  kind: 'ok' | 'unavailable' | 'model-missing' | 'busy' | 'error' | 'timeout' | 'cancelled';
  /** Models the server has pulled, when it answered. */
  models?: string[];
}

/** What every model backend (Ollama, one host or a pool; an OpenAI-compatible server) offers the
 *  engine: traces, code, its health and the controls of its call queue. */
export interface ModelBackend extends TracePredictor, CodeGenerator {
  readonly host: string;
  readonly model: string;
  /** Queued calls with this priority key run first: the document in front of the user. */
  setPreferredKey(key: string | undefined): void;
  setConcurrency(limit: number): void;
  /** Cancels every call in flight or queued, e.g. at shutdown; later calls work normally. */
  abortAll(): void;
  health(signal: AbortSignal): Promise<HealthReport>;
  /** Calls running and waiting now, for progress reports. */
  load(): { active: number; waiting: number };
}

/** Thrown by generation streams; carries the same failure kinds as trace prediction. */
export class ModelCallError extends Error {
  constructor(readonly failure: ModelFailure) {
    super(failure.detail);
    this.name = 'ModelCallError';
  }
}
