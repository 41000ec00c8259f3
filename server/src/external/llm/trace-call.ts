// What both model backends do around one trace prediction: the answer cache, the queue, one retry
// that tells the model what was wrong with its first answer, and the failures a call can end in.
// Each backend supplies only how one chat turn is sent and read.

import type { Trace } from '../../core/trace/schema.js';
import type { AnswerCache } from './ollama/cache.js';
import type { Limiter } from './ollama/limiter.js';
import { retryMessages } from './ollama/prompt.js';
import { addUsage, cancelled } from './ollama/stream.js';
import { ModelCallError, type CallOptions, type ModelUsage, type PredictOutcome, type TraceRequest } from './types.js';

/** One chat turn: the model's text and what it came to (the traces, or why they cannot be used). */
export interface TraceTurn {
  text: string;
  usage: ModelUsage;
  answer: Trace[] | string;
}

export interface TraceCall<M> {
  request: TraceRequest;
  options: CallOptions;
  /** The call's signal (the caller's and the backend's lifetime, linked). */
  signal: AbortSignal;
  /** performance.now() when the call began. */
  started: number;
  /** The conversation that asks for the traces. */
  messages: M[];
  /** The cache key; computed only when there is something to ask. */
  key: () => Promise<string> | string;
  cache: AnswerCache<Trace[]>;
  limiter: Limiter;
  /** A usage with no tokens, for answers that cost no request. */
  noUsage: () => ModelUsage;
  /** Sends one chat turn and reads its answer. */
  turn: (messages: M[]) => Promise<TraceTurn>;
}

export async function predictWithRetry<M>(call: TraceCall<M>): Promise<PredictOutcome> {
  const { request, options, signal, cache } = call;
  let release: (() => void) | undefined;
  try {
    if (request.inputs.length === 0) return { kind: 'ok', traces: [], usage: call.noUsage(), cached: false };
    const key = await call.key();
    if (!options.bypassCache) {
      const hit = await quietly(() => cache.get(key, signal));
      if (hit && hit.length === request.inputs.length) return { kind: 'ok', traces: hit, usage: call.noUsage(), cached: true };
    }
    release = await call.limiter.acquire(options.priorityKey, signal);
    const first = await call.turn(call.messages);
    let { answer, usage, text: raw } = first;
    if (typeof answer === 'string') {
      // One retry, telling the model what was wrong; small models often fix it.
      const second = await call.turn(retryMessages(call.messages as never[], first.text, answer) as M[]);
      answer = second.answer;
      usage = addUsage(usage, second.usage);
      raw = second.text;
    }
    usage = { ...usage, wallMs: Math.round(performance.now() - call.started) };
    if (typeof answer === 'string') return { kind: 'unparseable', detail: answer, raw, usage };
    const traces = answer;
    await quietly(() => cache.set(key, traces, signal));
    return { kind: 'ok', traces, usage, cached: false };
  } catch (error) {
    if (error instanceof ModelCallError) return error.failure;
    if (signal.aborted) return cancelled();
    throw error;
  } finally {
    release?.();
  }
}

/** Cache trouble (a full disk, a permission) must never cost the answer; aborts still count. */
export async function quietly<T>(op: () => Promise<T>): Promise<T | undefined> {
  try {
    return await op();
  } catch (error) {
    if (error instanceof Error && error.name === 'AbortError') throw error;
    return undefined;
  }
}
