// The one place that turns settings into a model backend: Ollama (one host, or a list of hosts as
// one pool) or an OpenAI-compatible server. Every host URL passes the trust rule of external/llm/trust.ts
// first; a refused host is never contacted, and the backend built without it says why on every
// call, so verification pauses with that message and regeneration fails with it.
import type { Settings } from '../config/schema';
import { createHostPool, createOllamaBackend, resolveOllamaHost } from '../external/llm/ollama/index';
import { createOpenAiBackend } from '../external/llm/openai/backend';
import { decideHostTrust, type HostTrust } from '../external/llm/trust';
import { ModelCallError, type HealthReport, type ModelBackend, type ModelFailure } from '../external/llm/types';

export type { ModelBackend };

export interface ModelChoice {
  kind: 'ollama' | 'openai';
  model: string;
  /** Every host the settings name, with the trust decision for each. */
  hosts: HostTrust[];
  /** Messages for refused hosts: what was not contacted and how to allow it. */
  refused: string[];
  backend: ModelBackend;
}

export interface ModelChoiceOptions {
  purpose: 'verify' | 'regenerate';
  /** Overrides orbit.ollama.cacheDir (the CLI keeps a cache by default). */
  cacheDir?: string;
  /** Overrides orbit.ollama.concurrency, per host. */
  concurrency?: number;
  log?: (message: string) => void;
}

export function chooseModelBackend(s: Settings, env: Record<string, string | undefined>, options: ModelChoiceOptions): ModelChoice {
  const common = {
    concurrency: options.concurrency ?? s.ollama.concurrency,
    idleTimeoutMs: s.ollama.idleTimeoutMs,
    firstChunkTimeoutMs: s.ollama.firstChunkTimeoutMs,
    cacheDir: options.cacheDir ?? (s.ollama.cacheDir || undefined),
  };
  if (s.backend === 'openai') {
    const url = s.openai.baseUrl.trim().replace(/\/+$/, '');
    const trust = decideHostTrust(url, env);
    const model = s.openai.model;
    const backend: ModelBackend = trust.trusted
      ? createOpenAiBackend({ ...common, baseUrl: url, model, apiKey: env.OPENAI_API_KEY })
      : refusedBackend(url, model, [trust.trusted ? '' : trust.message]);
    return { kind: 'openai', model, hosts: [trust], refused: trust.trusted ? [] : [trust.message], backend };
  }
  const listed = hostsOf(s.ollama.host);
  const urls = listed.length > 0 ? listed.map((h) => resolveOllamaHost(h, {})) : [resolveOllamaHost(undefined, env)];
  const hosts = [...new Set(urls)].map((url) => decideHostTrust(url, env));
  const trusted = hosts.filter((h) => h.trusted).map((h) => h.url);
  const refused = hosts.flatMap((h) => (h.trusted ? [] : [h.message]));
  const model = options.purpose === 'regenerate' ? s.regenerate.model || s.ollama.model : s.ollama.model;
  const config = { ...common, model, mode: s.ollama.mode };
  let backend: ModelBackend;
  if (trusted.length === 0) backend = refusedBackend(urls.join(', '), model, refused);
  else if (trusted.length === 1) backend = createOllamaBackend({ ...config, host: trusted[0] as string });
  else {
    backend = createHostPool({
      ...config,
      hosts: trusted,
      onHostChange: (host, state, detail) => options.log?.(`orbit-ls: Ollama host ${host} ${state === 'out' ? `left out: ${detail}` : 'is back'}`),
    });
  }
  return { kind: 'ollama', model, hosts, refused, backend };
}

/** The validated setting is a list; a settings object built in code may still hold one string. */
function hostsOf(value: readonly string[] | string): string[] {
  return (typeof value === 'string' ? [value] : [...value]).map((h) => h.trim()).filter(Boolean);
}

/** A backend for hosts the trust rule refused: it never connects and every call says why. */
function refusedBackend(host: string, model: string, messages: string[]): ModelBackend {
  const failure: ModelFailure = {
    kind: 'unavailable',
    detail: messages.join(' '),
    fix: 'Use a model server on this machine (localhost), or allow the host in the environment with ORBIT_LS_MODEL_HOSTS.',
  };
  const report: HealthReport = { ok: false, kind: 'unavailable', detail: failure.detail, fix: failure.fix, message: failure.detail };
  return {
    host,
    model,
    predictTrace: async () => failure,
    generateStream() {
      return {
        // eslint-disable-next-line require-yield
        [Symbol.asyncIterator]: async function* (): AsyncGenerator<string, void, undefined> {
          throw new ModelCallError(failure);
        },
        usage: undefined,
        doneReason: undefined,
      };
    },
    health: async () => report,
    setPreferredKey: () => undefined,
    setConcurrency: () => undefined,
    abortAll: () => undefined,
    load: () => ({ active: 0, waiting: 0 }),
  };
}
