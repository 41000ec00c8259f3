// The editor's regeneration service: one model backend per model configuration, built from the
// settings of the document being fixed, and one regeneration at a time per document.
import type { Settings } from '../../config/schema';
import { chooseModelBackend, type ModelBackend } from '../model-backend';
import { regenerate, type RegenerateRequest, type RegenerateResult } from './index';

export interface RegenerationService {
  run(req: RegenerateRequest, settings: Settings, signal: AbortSignal): Promise<RegenerateResult>;
  /** Where the model is looked for, for messages. */
  hostFor(settings: Settings): string;
  dispose(): void;
}

export function createRegenerationService(env: Record<string, string | undefined>): RegenerationService {
  const backends = new Map<string, ModelBackend>();
  const running = new Map<string, AbortController>();
  const hostFor = (s: Settings): string => chooseModelBackend(s, env, { purpose: 'regenerate' }).backend.host;
  const backendFor = (s: Settings): ModelBackend => {
    // One backend per distinct model configuration, reused across regenerations.
    const key = JSON.stringify([s.backend, s.ollama.host, s.ollama.mode, s.openai, s.regenerate.model || s.ollama.model, s.ollama.firstChunkTimeoutMs, s.ollama.idleTimeoutMs]);
    let backend = backends.get(key);
    if (!backend) {
      backend = chooseModelBackend(s, env, { purpose: 'regenerate' }).backend;
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
