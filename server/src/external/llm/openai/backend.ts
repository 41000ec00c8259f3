// The OpenAI-compatible backend (vLLM, llama.cpp's server, LM Studio, several Ollama behind a
// proxy, …) through the official `openai` client: chat completions streamed as server-sent events,
// traces constrained by response_format json_schema (json_object for servers without it), the
// same validation, retry, cache, queue and failure messages as the Ollama backend. The API key
// comes from OPENAI_API_KEY in the environment only.

import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Trace } from '../../../core/trace/schema.js';
import { cacheKey, createAnswerCache, type AnswerCache } from '../ollama/cache.js';
import { createLimiter } from '../ollama/limiter.js';
import { answerSchema, readTraces, traceMessages } from '../ollama/prompt.js';
import { predictWithRetry } from '../trace-call.js';
import { DEFAULT_OLLAMA_SETTINGS } from '../ollama/settings.js';
import { cancelled, linkSignals } from '../ollama/stream.js';
import { callWatchdog } from '../call-watchdog.js';
import {
  ModelCallError,
  type CallOptions,
  type GenerateRequest,
  type GenerationStream,
  type HealthReport,
  type JsonSchema,
  type ModelFailure,
  type ModelBackend,
  type ModelUsage,
  type PredictOutcome,
  type TraceRequest,
} from '../types.js';

export interface OpenAiBackendConfig {
  /** e.g. http://127.0.0.1:8000/v1 */
  baseUrl: string;
  model: string;
  /** OPENAI_API_KEY from the environment; local servers usually need none. */
  apiKey?: string;
  concurrency?: number;
  idleTimeoutMs?: number;
  firstChunkTimeoutMs?: number;
  seed?: number;
  maxTraceTokens?: number;
  cacheDir?: string;
  cache?: AnswerCache<Trace[]>;
  fetch?: typeof fetch;
}

export interface OpenAiBackend extends ModelBackend {
  /** Whether the server took response_format json_schema ('unknown' before the first trace call). */
  structuredOutput(): 'json_schema' | 'json_object' | 'unknown';
}

const GENERATION_SYSTEM =
  'You complete JavaScript and TypeScript functions. Continue the code exactly where the prompt ends, following every rule it states. Answer with code only.';

export function createOpenAiBackend(config: OpenAiBackendConfig): OpenAiBackend {
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const model = config.model;
  const idleTimeoutMs = config.idleTimeoutMs ?? DEFAULT_OLLAMA_SETTINGS.idleTimeoutMs;
  const firstChunkTimeoutMs = config.firstChunkTimeoutMs ?? DEFAULT_OLLAMA_SETTINGS.firstChunkTimeoutMs;
  const client = new OpenAI({
    baseURL: baseUrl,
    // The client refuses to start without a key; servers that need none ignore this one.
    apiKey: config.apiKey || 'no-key',
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: firstChunkTimeoutMs + 5000,
    ...(config.fetch ? { fetch: config.fetch } : {}),
  });
  const limiter = createLimiter(config.concurrency ?? 1);
  const cache =
    config.cache ??
    createAnswerCache<Trace[]>({
      memoryEntries: DEFAULT_OLLAMA_SETTINGS.memoryCacheEntries,
      dir: config.cacheDir,
      maxDiskBytes: DEFAULT_OLLAMA_SETTINGS.diskCacheMaxBytes,
      accept: (value): value is Trace[] => Array.isArray(value),
    });
  let lifetime = new AbortController();
  let structured: 'json_schema' | 'json_object' | 'unknown' = 'unknown';
  const where = `the OpenAI-compatible server at ${baseUrl}`;

  /** One streamed chat completion; yields content deltas, sets usage and finish reason. */
  async function* chat(
    body: Omit<ChatCompletionCreateParamsStreaming, 'stream' | 'model'>,
    signal: AbortSignal,
    out: { usage?: ModelUsage; finish?: string },
  ): AsyncGenerator<string, void, undefined> {
    const started = performance.now();
    if (signal.aborted) throw new ModelCallError(cancelled());
    const watch = callWatchdog(signal);
    watch.arm(firstChunkTimeoutMs, `${where} sent nothing for ${seconds(firstChunkTimeoutMs)} after the request for ${model}`);
    let responded = false;
    try {
      const stream = await client.chat.completions.create(
        { ...body, model, stream: true, stream_options: { include_usage: true } },
        { signal: watch.signal },
      );
      responded = true;
      for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
        watch.pause();
        const choice = chunk.choices[0];
        if (choice?.finish_reason) out.finish = choice.finish_reason;
        if (chunk.usage) {
          out.usage = {
            promptTokens: chunk.usage.prompt_tokens ?? 0,
            outputTokens: chunk.usage.completion_tokens ?? 0,
            totalMs: 0,
            loadMs: 0,
            promptEvalMs: 0,
            evalMs: 0,
            wallMs: 0,
            requests: 1,
          };
        }
        const text = choice?.delta?.content;
        if (text) yield text;
        watch.arm(idleTimeoutMs, `The answer of ${where} stalled: nothing for ${seconds(idleTimeoutMs)} from ${model}`);
      }
      // The client ends the iteration quietly when its request is aborted; a cut answer is not one.
      if (watch.signal.aborted) throw new Error('the request was aborted');
      const wallMs = Math.round(performance.now() - started);
      out.usage = { ...(out.usage ?? zeroUsage(1)), totalMs: wallMs, wallMs, requests: 1 };
    } catch (error) {
      if (error instanceof ModelCallError) throw error;
      throw new ModelCallError(classifyOpenAi(error, { where, model, responded, timedOut: watch.timedOut(), signal }));
    } finally {
      watch.dispose();
    }
  }

  async function chatText(messages: ChatCompletionMessageParam[], format: JsonSchema, options: TraceOptions, signal: AbortSignal) {
    const out: { usage?: ModelUsage; finish?: string } = {};
    let text = '';
    const body = { messages, temperature: options.temperature, seed: options.seed, max_tokens: options.maxTokens };
    const withFormat = (kind: 'json_schema' | 'json_object') => ({
      ...body,
      response_format:
        kind === 'json_schema'
          ? { type: 'json_schema' as const, json_schema: { name: 'traces', schema: format as Record<string, unknown>, strict: false } }
          : { type: 'json_object' as const },
    });
    try {
      for await (const part of chat(withFormat(structured === 'json_object' ? 'json_object' : 'json_schema'), signal, out)) text += part;
      if (structured === 'unknown') structured = 'json_schema';
    } catch (error) {
      // Servers without JSON-schema output refuse the request (400/422 naming response_format);
      // they still get JSON mode, and the schema is checked here as always.
      if (structured !== 'unknown' || !(error instanceof ModelCallError) || !refusesJsonSchema(error.failure)) throw error;
      structured = 'json_object';
      for await (const part of chat(withFormat('json_object'), signal, out)) text += part;
    }
    return { text, finish: out.finish, usage: out.usage ?? zeroUsage(1) };
  }

  async function predictTrace(request: TraceRequest, options: CallOptions, signal: AbortSignal): Promise<PredictOutcome> {
    const started = performance.now();
    const link = linkSignals([signal, lifetime.signal]);
    const callSignal = link.signal;
    const format = answerSchema(request);
    const traceOptions: TraceOptions = {
      temperature: options.temperature ?? 0,
      seed: options.seed ?? DEFAULT_OLLAMA_SETTINGS.seed,
      maxTokens: options.maxTokens ?? config.maxTraceTokens ?? DEFAULT_OLLAMA_SETTINGS.maxTraceTokens,
    };
    const messages = traceMessages(request) as ChatCompletionMessageParam[];
    try {
      return await predictWithRetry({
        request,
        options,
        signal: callSignal,
        started,
        messages,
        key: () => cacheKey({ backend: 'openai', model, messages, format, options: traceOptions }),
        cache,
        limiter,
        noUsage: () => zeroUsage(0),
        turn: async (turn) => {
          const answer = await chatText(turn, format, traceOptions, callSignal);
          const read = answer.finish === 'length' ? 'the answer was cut off at the token limit' : readTraces(answer.text, format);
          return { text: answer.text, usage: answer.usage, answer: read };
        },
      });
    } finally {
      link.dispose();
    }
  }

  function generateStream(request: GenerateRequest, signal: AbortSignal): GenerationStream {
    const out: { usage?: ModelUsage; finish?: string } = {};
    async function* run(): AsyncGenerator<string, void, undefined> {
      const link = linkSignals([signal, lifetime.signal]);
      const opts = request.options ?? {};
      let release: () => void;
      try {
        release = await limiter.acquire(opts.priorityKey, link.signal);
      } catch {
        link.dispose();
        throw new ModelCallError(cancelled());
      }
      try {
        // Chat is what every OpenAI-compatible server offers; the completion prompt becomes the
        // user's message and the caller strips the wrapping instruct models put around code.
        const messages: ChatCompletionMessageParam[] = [
          { role: 'system', content: request.system ?? GENERATION_SYSTEM },
          { role: 'user', content: request.prompt },
        ];
        yield* chat({ messages, temperature: opts.temperature, seed: opts.seed, max_tokens: opts.maxTokens, stop: opts.stop }, link.signal, out);
      } finally {
        release();
        link.dispose();
      }
    }
    let iterator: AsyncGenerator<string, void, undefined> | undefined;
    return {
      [Symbol.asyncIterator]: () => (iterator ??= run()),
      get usage() {
        return out.usage;
      },
      get doneReason() {
        return out.finish;
      },
    };
  }

  async function health(signal: AbortSignal): Promise<HealthReport> {
    const link = linkSignals([signal, AbortSignal.timeout(5000)]);
    let models: string[] | undefined;
    try {
      const list = await client.models.list({ signal: link.signal });
      models = list.data.map((m) => m.id);
      if (!models.includes(model)) {
        const detail = `Model ${model} is not served by ${where}${models.length > 0 ? ` (served: ${models.join(', ')})` : ''}.`;
        const fix = 'Set orbit.openai.model to a served model, or start the server with this one.';
        return { ok: false, kind: 'model-missing', detail, fix, message: `${detail.replace(/\.$/, '')} — ${lowerFirst(fix)}`, models };
      }
      const detail = `${capitalise(where)} is up and serves ${model}.`;
      return { ok: true, kind: 'ok', detail, fix: '', message: detail, models };
    } catch (error) {
      const failure = classifyOpenAi(error, { where, model, responded: false, signal });
      if (failure.kind === 'cancelled') return { ok: false, kind: 'cancelled', detail: failure.detail, fix: '', message: failure.detail };
      return { ok: false, kind: failure.kind, detail: failure.detail, fix: failure.fix, message: `${failure.detail.replace(/\.$/, '')} — ${lowerFirst(failure.fix)}` };
    } finally {
      link.dispose();
    }
  }

  return {
    host: baseUrl,
    model,
    predictTrace,
    generateStream,
    health,
    setPreferredKey: (key) => limiter.setPreferredKey(key),
    setConcurrency: (limit) => limiter.setConcurrency(limit),
    abortAll() {
      lifetime.abort(new Error('The model backend was shut down.'));
      lifetime = new AbortController();
    },
    load: () => ({ active: limiter.active, waiting: limiter.waiting }),
    structuredOutput: () => structured,
  };
}

interface TraceOptions {
  temperature: number;
  seed: number;
  maxTokens: number;
}

function refusesJsonSchema(failure: ModelFailure): boolean {
  return failure.kind === 'error' && (failure.status === 400 || failure.status === 422) && /response_format|json_schema|schema/i.test(failure.detail);
}

/** The same failure kinds as the Ollama backend, worded for an OpenAI-compatible server. */
export function classifyOpenAi(
  error: unknown,
  ctx: { where: string; model: string; responded: boolean; timedOut?: string; signal: AbortSignal },
): ModelFailure {
  if (ctx.signal.aborted) return cancelled();
  if (ctx.timedOut) {
    return { kind: 'timeout', detail: `${ctx.timedOut}.`, fix: 'Check that the server is not overloaded, or raise the orbit.ollama time-outs for a slow machine.' };
  }
  const status = error instanceof OpenAI.APIError ? error.status : undefined;
  const message = messageOf(error);
  if (status === 404) {
    return { kind: 'model-missing', model: ctx.model, detail: `${capitalise(ctx.where)} answered 404 for ${ctx.model} (${message}).`, fix: 'Check orbit.openai.baseUrl (it usually ends in /v1) and orbit.openai.model.' };
  }
  if (status === 401 || status === 403) {
    return { kind: 'error', status, detail: `${capitalise(ctx.where)} refused the request (${status}: ${message}).`, fix: 'Set OPENAI_API_KEY in the environment of the editor or CI job to a key this server accepts.' };
  }
  if (status === 429 || status === 503) {
    return { kind: 'busy', detail: `${capitalise(ctx.where)} is busy (${status}: ${message}).`, fix: 'Wait and try again, or lower orbit.ollama.concurrency.' };
  }
  if (status !== undefined) {
    return { kind: 'error', status, detail: `${capitalise(ctx.where)} answered ${status} for ${ctx.model}: ${message}.`, fix: 'See the server\'s log for the cause.' };
  }
  if (!ctx.responded) {
    return { kind: 'unavailable', detail: `${capitalise(ctx.where)} is not reachable (${message}).`, fix: 'Start the server, or set orbit.openai.baseUrl.' };
  }
  return { kind: 'error', detail: `${capitalise(ctx.where)} stopped answering for ${ctx.model}: ${message}.`, fix: 'See the server\'s log; the request is retried on the next save.' };
}

function messageOf(error: unknown): string {
  if (error instanceof OpenAI.APIError) {
    const inner = (error.error as { message?: unknown } | undefined)?.message;
    if (typeof inner === 'string' && inner) return inner;
  }
  if (!(error instanceof Error)) return String(error);
  let cause: unknown = (error as Error & { cause?: unknown }).cause;
  while (cause && typeof cause === 'object') {
    const code = (cause as { code?: unknown }).code;
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code === 'ENOTFOUND') return 'host not found';
    if (typeof code === 'string') return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return error.message;
}

function zeroUsage(requests: number): ModelUsage {
  return { promptTokens: 0, outputTokens: 0, totalMs: 0, loadMs: 0, promptEvalMs: 0, evalMs: 0, wallMs: 0, requests };
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
