// One streamed Ollama request: a client bound to the call's abort signal, first-chunk and idle
// time-outs, and every way it can fail turned into a ModelFailure with a message for the user.

import { Ollama } from 'ollama';
import { ModelCallError, type ModelFailure, type ModelUsage } from '../types.js';
import { callWatchdog } from '../call-watchdog.js';

export interface Connection {
  host: string;
  model: string;
  /** Replaces global fetch, e.g. in tests; the call's signal is still applied. */
  fetch?: typeof fetch;
  firstChunkTimeoutMs: number;
  idleTimeoutMs: number;
}

/** The timing fields of Ollama's final chunk (durations in nanoseconds). */
export interface FinalStats {
  done: boolean;
  done_reason?: string;
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
}

/** A client whose every request follows `signal`. The library only wires its own controller into
 *  streamed requests (not /api/tags or /api/show), so the signal goes in through fetch. */
export function clientFor(host: string, signal: AbortSignal, fetchImpl: typeof fetch = fetch): Ollama {
  const bound: typeof fetch = async (input, init) => {
    // Both signals live only as long as this call, so the link is left for the collector.
    const linked = init?.signal ? linkSignals([signal, init.signal]).signal : signal;
    return jsonErrors(await fetchImpl(input, { ...init, signal: linked }));
  };
  return new Ollama({ host, fetch: bound });
}

/** Runs `start` and yields its parts, aborting the HTTP request when the caller's signal aborts,
 *  when a time-out fires, or when the consumer stops early. Throws ModelCallError. */
export async function* streamParts<T extends FinalStats>(
  conn: Connection,
  start: (client: Ollama) => Promise<AsyncIterable<T>>,
  signal: AbortSignal,
): AsyncGenerator<T, void, undefined> {
  if (signal.aborted) throw new ModelCallError(cancelled());
  const watch = callWatchdog(signal);
  watch.arm(
    conn.firstChunkTimeoutMs,
    `Ollama at ${conn.host} sent nothing for ${seconds(conn.firstChunkTimeoutMs)} after the request for ${conn.model}`,
  );
  let responded = false;
  try {
    const stream = await start(clientFor(conn.host, watch.signal, conn.fetch));
    responded = true;
    for await (const part of stream) {
      // The consumer's own time between chunks is not the server's silence.
      watch.pause();
      yield part;
      watch.arm(conn.idleTimeoutMs, `Ollama's answer stalled: nothing for ${seconds(conn.idleTimeoutMs)} from ${conn.model}`);
    }
  } catch (error) {
    if (error instanceof ModelCallError) throw error;
    throw new ModelCallError(classify(error, { conn, responded, timedOut: watch.timedOut(), signal }));
  } finally {
    // Ends the HTTP request if the stream did not finish, so Ollama stops generating.
    watch.dispose();
  }
}

/** A signal that aborts when any of `signals` does. Unlike AbortSignal.any, its listeners come
 *  off the long-lived signals (the backend's lifetime) as soon as the call is disposed. */
export function linkSignals(signals: AbortSignal[]): { signal: AbortSignal; dispose: () => void } {
  const ctl = new AbortController();
  const links: Array<[AbortSignal, () => void]> = [];
  const dispose = (): void => {
    for (const [source, listener] of links) source.removeEventListener('abort', listener);
    links.length = 0;
  };
  for (const source of signals) {
    if (source.aborted) {
      ctl.abort(source.reason);
      break;
    }
    const listener = (): void => {
      dispose();
      ctl.abort(source.reason);
    };
    source.addEventListener('abort', listener, { once: true });
    links.push([source, listener]);
  }
  if (ctl.signal.aborted) dispose();
  return { signal: ctl.signal, dispose };
}

export function usageFrom(final: FinalStats | undefined, wallMs: number, requests: number): ModelUsage {
  const ms = (ns: number | undefined): number => Math.round((ns ?? 0) / 1e6);
  return {
    promptTokens: final?.prompt_eval_count ?? 0,
    outputTokens: final?.eval_count ?? 0,
    totalMs: ms(final?.total_duration),
    loadMs: ms(final?.load_duration),
    promptEvalMs: ms(final?.prompt_eval_duration),
    evalMs: ms(final?.eval_duration),
    wallMs: Math.round(wallMs),
    requests,
  };
}

export function addUsage(a: ModelUsage, b: ModelUsage): ModelUsage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalMs: a.totalMs + b.totalMs,
    loadMs: a.loadMs + b.loadMs,
    promptEvalMs: a.promptEvalMs + b.promptEvalMs,
    evalMs: a.evalMs + b.evalMs,
    wallMs: a.wallMs + b.wallMs,
    requests: a.requests + b.requests,
  };
}

export function cancelled(): ModelFailure {
  return { kind: 'cancelled', detail: 'The model call was cancelled.' };
}

/** The same failure kinds for any request, streamed or not (health checks use it too). */
export function classify(
  error: unknown,
  ctx: { conn: Pick<Connection, 'host' | 'model'>; responded: boolean; timedOut?: string; signal: AbortSignal },
): ModelFailure {
  const { host, model } = ctx.conn;
  if (ctx.signal.aborted) return cancelled();
  if (ctx.timedOut) {
    return {
      kind: 'timeout',
      detail: `${ctx.timedOut}.`,
      fix: 'Check that Ollama is not overloaded (`ollama ps`), or raise the orbit.ollama time-outs for a slow machine.',
    };
  }
  const status = statusOf(error);
  const message = messageOf(error);
  if (status === 404) {
    return {
      kind: 'model-missing',
      model,
      detail: `Model ${model} is not pulled in Ollama at ${host} (${message}).`,
      fix: `Run \`ollama pull ${model}\`, or set orbit.ollama.model to a model you have.`,
    };
  }
  if (status === 503) {
    return {
      kind: 'busy',
      detail: `Ollama at ${host} is busy (${message}).`,
      fix: 'Wait and try again, or lower orbit.ollama.concurrency; OLLAMA_MAX_QUEUE sets the server-side queue.',
    };
  }
  if (status !== undefined) {
    return {
      kind: 'error',
      status,
      detail: `Ollama at ${host} answered ${status} for ${model}: ${message}.`,
      fix: 'See the Ollama server log (`journalctl -u ollama`, or ~/.ollama/logs/server.log) for the cause.',
    };
  }
  if (!ctx.responded) {
    return {
      kind: 'unavailable',
      detail: `Ollama is not reachable at ${host} (${message}).`,
      fix: 'Start it with `ollama serve`, or set orbit.ollama.host.',
    };
  }
  return {
    kind: 'error',
    detail: `Ollama stopped answering for ${model} with an error: ${message}.`,
    fix: 'See the Ollama server log (`journalctl -u ollama`, or ~/.ollama/logs/server.log); the request is retried on the next save.',
  };
}

/** The library throws a ResponseError (not exported) with a numeric status_code. */
function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status_code' in error) {
    const code = (error as { status_code: unknown }).status_code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
};

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  if (cause && typeof cause === 'object') {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return CAUSES[code] ?? code;
  }
  if (error.message === 'terminated') return 'connection closed mid-answer';
  if (error.message.startsWith('Did not receive done')) return 'the answer ended before Ollama said it was done';
  return error.message;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** Error bodies that are not JSON (a proxy's HTML page, a bare "404 page not found") would make
 *  the library print to stdout, which is our LSP transport; hand it a JSON body instead. */
async function jsonErrors(response: Response): Promise<Response> {
  if (response.ok || (response.headers.get('content-type') ?? '').includes('application/json')) return response;
  const text = (await response.text().catch(() => '')).trim().slice(0, 300);
  return new Response(JSON.stringify({ error: text || `${response.status} ${response.statusText}` }), {
    status: response.status,
    statusText: response.statusText,
    headers: { 'content-type': 'application/json' },
  });
}
