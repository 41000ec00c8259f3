// The Ollama backend: trace prediction (schema-constrained, validated, retried once, cached) and
// streamed code generation, both behind one bounded, priority-aware queue.

import type { ChatResponse, Message } from 'ollama';
import type { Trace } from '../../../core/trace/schema.js';
import {
  ModelCallError,
  type CallOptions,
  type GenerateRequest,
  type GenerationStream,
  type JsonSchema,
  type ModelBackend,
  type ModelUsage,
  type PredictOutcome,
  type TraceRequest,
} from '../types.js';
import { cacheKey, createAnswerCache, type AnswerCache } from './cache.js';
import { checkOllamaHealth, type HealthReport } from './availability.js';
import { fetchModelInfo, type ModelInfo } from './model-info.js';
import { chooseGenerationMode, type GenerationMode, type GenerationModeSetting } from './mode.js';
import { createLimiter } from './limiter.js';
import { answerSchema, readTraces, traceMessages } from './prompt.js';
import { predictWithRetry } from '../trace-call.js';
import { DEFAULT_OLLAMA_SETTINGS, type OllamaSettings } from './settings.js';
import { cancelled, linkSignals, streamParts, usageFrom, type Connection } from './stream.js';

export interface OllamaBackendConfig extends Partial<OllamaSettings> {
  host: string;
  model: string;
  /** Replaces global fetch (the call's abort signal is still applied). */
  fetch?: typeof fetch;
  /** An answer cache shared with other backends (the hosts of one model); else one of its own. */
  cache?: AnswerCache<Trace[]>;
  /** How generation talks to the model: decided from /api/show ("auto") or forced. */
  mode?: GenerationModeSetting;
}

export interface OllamaBackend extends ModelBackend {
  /** The model as this host has it (digest, capabilities, context length); fetched once. */
  info(signal: AbortSignal): Promise<ModelInfo>;
  /** The endpoint generation uses with this model, and why. */
  generationMode(signal: AbortSignal): Promise<{ mode: GenerationMode; why: string }>;
}

export function createOllamaBackend(config: OllamaBackendConfig): OllamaBackend {
  const settings: OllamaSettings = { ...DEFAULT_OLLAMA_SETTINGS, ...definedOnly(config) };
  const conn: Connection = {
    host: settings.host,
    model: settings.model,
    fetch: config.fetch,
    firstChunkTimeoutMs: settings.firstChunkTimeoutMs,
    idleTimeoutMs: settings.idleTimeoutMs,
  };
  const limiter = createLimiter(settings.concurrency);
  const cache =
    config.cache ??
    createAnswerCache<Trace[]>({
      memoryEntries: settings.memoryCacheEntries,
      dir: settings.cacheDir,
      maxDiskBytes: settings.diskCacheMaxBytes,
      accept: (value): value is Trace[] => Array.isArray(value),
    });
  let lifetime = new AbortController();
  let known: Promise<ModelInfo> | undefined;

  /** Fetched once per backend; a failure is forgotten so the next call asks again. */
  function info(signal: AbortSignal): Promise<ModelInfo> {
    known ??= fetchModelInfo(conn.host, conn.model, lifetime.signal, { fetch: config.fetch }).catch((error: unknown) => {
      known = undefined;
      throw error;
    });
    return abortable(known, signal);
  }

  /** The model's digest, so a model pulled again does not reuse answers of the old one. */
  async function digestOf(signal: AbortSignal): Promise<string> {
    try {
      return (await info(signal)).digest ?? 'unlisted';
    } catch {
      signal.throwIfAborted();
      return 'unknown';
    }
  }

  async function generationMode(signal: AbortSignal): Promise<{ mode: GenerationMode; why: string }> {
    const chosen = config.mode ?? 'auto';
    if (chosen !== 'auto') return { mode: chosen, why: 'set by orbit.ollama.mode' };
    try {
      return chooseGenerationMode(await info(signal));
    } catch {
      signal.throwIfAborted();
      return { mode: 'generate', why: 'the model could not be described; raw completion' };
    }
  }

  /** One streamed chat request, collected. */
  async function chatOnce(messages: Message[], format: JsonSchema, options: Record<string, number>, signal: AbortSignal) {
    const started = performance.now();
    let text = '';
    let final: ChatResponse | undefined;
    const parts = streamParts(
      conn,
      (client) => client.chat({ model: conn.model, messages, format, options, stream: true }),
      signal,
    );
    for await (const part of parts) {
      text += part.message?.content ?? '';
      if (part.done) final = part;
    }
    return { text, final, usage: usageFrom(final, performance.now() - started, 1) };
  }

  async function predictTrace(request: TraceRequest, options: CallOptions, signal: AbortSignal): Promise<PredictOutcome> {
    const started = performance.now();
    const link = linkSignals([signal, lifetime.signal]);
    const callSignal = link.signal;
    const format = answerSchema(request);
    const modelOptions = {
      temperature: options.temperature ?? 0,
      seed: options.seed ?? settings.seed,
      num_predict: options.maxTokens ?? settings.maxTraceTokens,
    };
    const messages = traceMessages(request);
    try {
      return await predictWithRetry({
        request,
        options,
        signal: callSignal,
        started,
        messages,
        key: async () => cacheKey({ model: conn.model, digest: await digestOf(callSignal), messages, format, options: modelOptions }),
        cache,
        limiter,
        noUsage: () => zeroUsage(started),
        turn: async (turn) => {
          const answer = await chatOnce(turn, format, modelOptions, callSignal);
          return { text: answer.text, usage: answer.usage, answer: readAnswer(answer.text, answer.final, format) };
        },
      });
    } finally {
      link.dispose();
    }
  }

  function generateStream(request: GenerateRequest, signal: AbortSignal): GenerationStream {
    let usage: ModelUsage | undefined;
    let doneReason: string | undefined;
    async function* run(): AsyncGenerator<string, void, undefined> {
      const started = performance.now();
      const link = linkSignals([signal, lifetime.signal]);
      const callSignal = link.signal;
      const opts = request.options ?? {};
      let release: () => void;
      try {
        release = await limiter.acquire(opts.priorityKey, callSignal);
      } catch {
        link.dispose();
        throw new ModelCallError(cancelled());
      }
      try {
        const options = definedOnly({
          temperature: opts.temperature,
          seed: opts.seed,
          num_predict: opts.maxTokens,
          stop: opts.stop,
        });
        const mode = request.raw ? (await generationMode(callSignal)).mode : 'generate';
        const suffix = request.suffix ?? '\n}\n';
        if (mode === 'chat') {
          // Instruct models: the completion prompt becomes the user's message; the answer comes
          // back wrapped (fenced, restated), which the caller's normaliser strips.
          const messages: Message[] = [
            { role: 'system', content: request.system ?? CHAT_SYSTEM },
            { role: 'user', content: request.prompt },
          ];
          const parts = streamParts(conn, (client) => client.chat({ model: conn.model, messages, options, stream: true }), callSignal);
          for await (const part of parts) {
            if (part.message?.content) yield part.message.content;
            if (part.done) {
              usage = usageFrom(part, performance.now() - started, 1);
              doneReason = part.done_reason;
            }
          }
          return;
        }
        const parts = streamParts(
          conn,
          (client) =>
            client.generate({
              model: conn.model,
              prompt: request.prompt,
              system: request.system,
              // Fill-in-the-middle: the model's template places the prompt before the suffix.
              ...(mode === 'fim' ? { suffix } : { raw: request.raw }),
              options,
              stream: true,
            }),
          callSignal,
        );
        for await (const part of parts) {
          if (part.response) yield part.response;
          if (part.done) {
            usage = usageFrom(part, performance.now() - started, 1);
            doneReason = part.done_reason;
          }
        }
        if (mode === 'fim' && doneReason === 'stop') yield suffix;
      } finally {
        release();
        link.dispose();
      }
    }
    // One request per stream: iterating again continues the same generator.
    let iterator: AsyncGenerator<string, void, undefined> | undefined;
    return {
      [Symbol.asyncIterator]: () => (iterator ??= run()),
      get usage() {
        return usage;
      },
      get doneReason() {
        return doneReason;
      },
    };
  }

  return {
    host: conn.host,
    model: conn.model,
    predictTrace,
    generateStream,
    setPreferredKey: (key) => limiter.setPreferredKey(key),
    setConcurrency: (limit) => limiter.setConcurrency(limit),
    abortAll() {
      lifetime.abort(new Error('The Ollama backend was shut down.'));
      lifetime = new AbortController();
    },
    health: (signal) => checkOllamaHealth(conn.host, conn.model, signal, { fetch: config.fetch }),
    load: () => ({ active: limiter.active, waiting: limiter.waiting }),
    info,
    generationMode,
  };
}

/** The traces, or a sentence saying why the answer cannot be used. */
function readAnswer(text: string, final: ChatResponse | undefined, format: JsonSchema): Trace[] | string {
  if (final?.done_reason === 'length') return 'the answer was cut off at the token limit';
  return readTraces(text, format);
}

const CHAT_SYSTEM =
  'You complete JavaScript and TypeScript functions. Continue the code exactly where the prompt ends, following every rule it states. Answer with code only.';

/** Settles with `promise`, or rejects as soon as `signal` aborts (the shared fetch goes on). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

function zeroUsage(started: number): ModelUsage {
  return usageFrom(undefined, performance.now() - started, 0);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
