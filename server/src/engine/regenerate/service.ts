// The editor's regeneration service: one Ollama backend per (host, model), built from the
// settings of the document being fixed, and one regeneration at a time per document.
import type { Settings } from '../../config/schema';
import { createOllamaBackend, resolveOllamaHost, type OllamaBackend } from '../../model/ollama/index';
import { regenerate, type RegenerateRequest, type RegenerateResult } from './index';

export interface RegenerationService {
  run(req: RegenerateRequest, settings: Settings, signal: AbortSignal): Promise<RegenerateResult>;
  /** Where the model is looked for, for messages. */
  hostFor(settings: Settings): string;
  dispose(): void;
}

export function createRegenerationService(env: Record<string, string | undefined>): RegenerationService {
  const backends = new Map<string, OllamaBackend>();
  const running = new Map<string, AbortController>();
  const hostFor = (s: Settings): string => resolveOllamaHost(s.ollama.host, env);
  const backendFor = (s: Settings): OllamaBackend => {
    const host = hostFor(s);
    const model = s.regenerate.model || s.ollama.model;
    const key = `${host}\n${model}\n${s.ollama.firstChunkTimeoutMs}\n${s.ollama.idleTimeoutMs}`;
    let backend = backends.get(key);
    if (!backend) {
      backend = createOllamaBackend({ host, model, firstChunkTimeoutMs: s.ollama.firstChunkTimeoutMs, idleTimeoutMs: s.ollama.idleTimeoutMs });
      backends.set(key, backend);
    }
    return backend;
  };
  return {
    hostFor,
    async run(req, settings, signal) {
      // A second request for the same document replaces the first: its answer would be stale.
      running.get(req.uri)?.abort();
      const own = new AbortController();
      running.set(req.uri, own);
      const onAbort = (): void => own.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) own.abort();
      try {
        return await regenerate(req, { settings, generator: backendFor(settings), seed: 1 }, own.signal);
      } finally {
        signal.removeEventListener('abort', onAbort);
        if (running.get(req.uri) === own) running.delete(req.uri);
      }
    },
    dispose() {
      for (const c of running.values()) c.abort();
      for (const b of backends.values()) b.abortAll();
      backends.clear();
    },
  };
}
