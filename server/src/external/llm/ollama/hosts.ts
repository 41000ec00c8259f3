// Several Ollama hosts serving one model, used as one backend. Each call goes to the host with
// the least outstanding work (calls running and queued there); a host that fails to answer is
// taken out for a backoff that doubles with each failure, the call moves on to the next host, and
// once its backoff has passed the host gets calls again and is back as soon as one succeeds.
// All hosts share one answer cache keyed by the model's digest, so an answer does not depend on
// which host gave it.

import type { Trace } from '../../../core/trace/schema.js';
import { ModelCallError, type GenerationStream, type ModelFailure, type ModelUsage, type PredictOutcome } from '../types.js';
import { createOllamaBackend, type OllamaBackend, type OllamaBackendConfig } from './backend.js';
import { createAnswerCache } from './cache.js';
import { backoffDelay, type HealthReport } from './availability.js';
import type { ModelInfo } from './model-info.js';
import { DEFAULT_OLLAMA_SETTINGS } from './settings.js';

export interface HostPoolConfig extends Omit<OllamaBackendConfig, 'host' | 'cache'> {
  hosts: string[];
  /** Backoff of a failed host; the clock is injectable for tests. */
  backoff?: { initialDelayMs: number; maxDelayMs: number; factor: number };
  now?: () => number;
  /** Told when a host goes out or comes back, for logs. */
  onHostChange?: (host: string, state: 'out' | 'back', detail: string) => void;
}

export interface HostState {
  host: string;
  /** Calls running and waiting there now. */
  outstanding: number;
  /** Consecutive failures; 0 while the host is healthy. */
  failures: number;
  /** Until when the host gets no calls (epoch ms); 0 when it is in. */
  outUntil: number;
  lastError?: string;
}

export interface HostPool extends OllamaBackend {
  hostStates(): HostState[];
}

/** Failures that say the host, not the request, is the problem (down, overloaded, or without
 *  the model pulled): try another host. */
const HOST_FAILURES = new Set<ModelFailure['kind']>(['unavailable', 'timeout', 'busy', 'error', 'model-missing']);

export const DEFAULT_HOST_BACKOFF = { initialDelayMs: 2000, maxDelayMs: 60_000, factor: 2 };

export function createHostPool(config: HostPoolConfig): HostPool {
  if (config.hosts.length === 0) throw new Error('createHostPool needs at least one host');
  const now = config.now ?? Date.now;
  const backoff = config.backoff ?? DEFAULT_HOST_BACKOFF;
  const cache = createAnswerCache<Trace[]>({
    memoryEntries: config.memoryCacheEntries ?? DEFAULT_OLLAMA_SETTINGS.memoryCacheEntries,
    dir: config.cacheDir,
    maxDiskBytes: config.diskCacheMaxBytes ?? DEFAULT_OLLAMA_SETTINGS.diskCacheMaxBytes,
    accept: (value): value is Trace[] => Array.isArray(value),
  });
  const members = config.hosts.map((host) => ({
    backend: createOllamaBackend({ ...config, host, cache }),
    state: { host, outstanding: 0, failures: 0, outUntil: 0 } as HostState,
  }));
  type Member = (typeof members)[number];

  /** Hosts in the order to try: those in service by least outstanding work (list order breaks
   *  ties), then those out, soonest back first, so a call still has somewhere to go. */
  function order(): Member[] {
    const t = now();
    // Counted here, synchronously, so a burst of calls spreads before any of them reaches a queue.
    const inService = members.filter((m) => m.state.outUntil <= t).sort((a, b) => a.state.outstanding - b.state.outstanding);
    const out = members.filter((m) => m.state.outUntil > t).sort((a, b) => a.state.outUntil - b.state.outUntil);
    return [...inService, ...out];
  }

  function succeeded(m: Member): void {
    if (m.state.failures > 0) config.onHostChange?.(m.state.host, 'back', 'answered again');
    m.state.failures = 0;
    m.state.outUntil = 0;
    m.state.lastError = undefined;
  }

  function failed(m: Member, failure: ModelFailure): void {
    const delay = backoffDelay(m.state.failures, backoff);
    m.state.failures++;
    m.state.outUntil = now() + delay;
    m.state.lastError = failure.detail;
    config.onHostChange?.(m.state.host, 'out', `${failure.detail} Retried in ${Math.round(delay / 1000)} s.`);
  }

  async function predictTrace(...args: Parameters<OllamaBackend['predictTrace']>): Promise<PredictOutcome> {
    const [, , signal] = args;
    let last: PredictOutcome | undefined;
    let usage: ModelUsage | undefined;
    for (const m of order()) {
      if (signal.aborted) break;
      m.state.outstanding++;
      const outcome = await m.backend.predictTrace(...args).finally(() => m.state.outstanding--);
      if (outcome.kind === 'ok' || outcome.kind === 'unparseable') {
        succeeded(m);
        if (usage && outcome.kind === 'ok') outcome.usage = { ...outcome.usage, requests: outcome.usage.requests + usage.requests };
        return outcome;
      }
      if (outcome.kind === 'cancelled' || !HOST_FAILURES.has(outcome.kind)) return outcome;
      failed(m, outcome);
      usage = { ...(usage ?? emptyUsage()), requests: (usage?.requests ?? 0) + 1 };
      last = outcome;
    }
    return last ?? { kind: 'cancelled', detail: 'The model call was cancelled.' };
  }

  function generateStream(...args: Parameters<OllamaBackend['generateStream']>): GenerationStream {
    const [request, signal] = args;
    let current: GenerationStream | undefined;
    async function* run(): AsyncGenerator<string, void, undefined> {
      let lastError: unknown;
      for (const m of order()) {
        if (signal.aborted) break;
        const stream = m.backend.generateStream(request, signal);
        current = stream;
        let started = false;
        m.state.outstanding++;
        try {
          for await (const chunk of stream) {
            if (!started) succeeded(m);
            started = true;
            yield chunk;
          }
          if (!started) succeeded(m);
          return;
        } catch (error) {
          // A stream that already sent text cannot move to another host without repeating it.
          if (started || !(error instanceof ModelCallError) || !HOST_FAILURES.has(error.failure.kind)) throw error;
          failed(m, error.failure);
          lastError = error;
        } finally {
          m.state.outstanding--;
        }
      }
      if (lastError) throw lastError;
      throw new ModelCallError({ kind: 'cancelled', detail: 'The model call was cancelled.' });
    }
    let iterator: AsyncGenerator<string, void, undefined> | undefined;
    return {
      [Symbol.asyncIterator]: () => (iterator ??= run()),
      get usage() {
        return current?.usage;
      },
      get doneReason() {
        return current?.doneReason;
      },
    };
  }

  /** Healthy when any host is; the report names the hosts that are not. */
  async function health(signal: AbortSignal): Promise<HealthReport> {
    const reports = await Promise.all(members.map((m) => m.backend.health(signal)));
    reports.forEach((r, i) => {
      const m = members[i];
      if (!m) return;
      if (r.ok) succeeded(m);
      else if (r.kind !== 'cancelled' && m.state.outUntil <= now()) failed(m, { kind: 'unavailable', detail: r.detail, fix: r.fix });
    });
    const good = reports.find((r) => r.ok);
    const bad = reports.map((r, i) => ({ r, host: config.hosts[i] })).filter(({ r }) => !r.ok);
    if (!good) {
      const first = reports[0] as HealthReport;
      if (reports.length === 1) return first;
      const detail = `None of the ${reports.length} Ollama hosts is usable: ${bad.map(({ r }) => r.detail.replace(/\.$/, '')).join('; ')}.`;
      return { ...first, detail, message: `${detail.replace(/\.$/, '')} — ${first.fix.charAt(0).toLowerCase()}${first.fix.slice(1)}` };
    }
    const note = bad.length > 0 ? ` ${bad.length} of ${reports.length} hosts are out for now: ${bad.map(({ host, r }) => `${host} (${r.detail.replace(/\.$/, '')})`).join('; ')}.` : '';
    const detail = `${good.detail}${reports.length > 1 ? ` ${reports.length - bad.length} of ${reports.length} hosts answer.` : ''}${note}`;
    return { ...good, detail, message: detail };
  }

  async function info(signal: AbortSignal): Promise<ModelInfo> {
    let lastError: unknown;
    for (const m of order()) {
      try {
        return await m.backend.info(signal);
      } catch (error) {
        signal.throwIfAborted();
        lastError = error;
      }
    }
    throw lastError;
  }

  return {
    host: config.hosts.join(', '),
    model: config.model,
    predictTrace,
    generateStream,
    health,
    info,
    generationMode: (signal) => (order()[0] as Member).backend.generationMode(signal),
    setPreferredKey: (key) => members.forEach((m) => m.backend.setPreferredKey(key)),
    setConcurrency: (limit) => members.forEach((m) => m.backend.setConcurrency(limit)),
    abortAll: () => members.forEach((m) => m.backend.abortAll()),
    load: () =>
      members.reduce(
        (sum, m) => {
          const l = m.backend.load();
          return { active: sum.active + l.active, waiting: sum.waiting + l.waiting };
        },
        { active: 0, waiting: 0 },
      ),
    hostStates: () => members.map((m) => ({ ...m.state })),
  };
}

function emptyUsage(): ModelUsage {
  return { promptTokens: 0, outputTokens: 0, totalMs: 0, loadMs: 0, promptEvalMs: 0, evalMs: 0, wallMs: 0, requests: 0 };
}
