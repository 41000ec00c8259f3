// The session's one model service: the backend built from the workspace settings (its limiter,
// so orbit.ollama.concurrency bounds every call, its answer cache, its host pool) and the health
// gate in front of it. Verification and regeneration both call the model through it. Rebuilt
// after a settings change; a regeneration whose folder names another model or host gets a backend
// of its own for that configuration.
import type { Settings } from '../config/schema';
import type { BackoffOptions } from '../external/llm/ollama/availability';
import type { CodeGenerator, ModelFailure } from '../external/llm/types';
import { chooseModelBackend, type ModelBackend } from './model-backend';
import { createModelGate, type ModelGate } from './verify/model-gate';

export interface ModelServiceDeps {
  workspaceSettings(signal: AbortSignal): Promise<Settings>;
  env: Record<string, string | undefined>;
  notify(message: string): void;
  log(message: string): void;
  backoff?: BackoffOptions;
}

export interface ModelParts {
  backend: ModelBackend;
  gate: ModelGate;
}

export interface ModelService {
  /** The shared backend and its health gate, built from the workspace settings on first use. */
  current(): Promise<ModelParts>;
  /** The generator a regeneration with these (document) settings uses, and where its failures go. */
  generatorFor(settings: Settings): Promise<{ generator: CodeGenerator; failed(failure: ModelFailure): void }>;
  /** Called when the model is usable again after an outage. */
  onRecovered(listener: () => void): void;
  /** Settings changed: the next call builds from the new ones; calls in flight are aborted. */
  configurationChanged(): void;
  dispose(): void;
}

export function createModelService(deps: ModelServiceDeps): ModelService {
  const lifetime = new AbortController();
  const listeners: (() => void)[] = [];
  let parts: Promise<ModelParts & { key: string }> | undefined;
  const own = new Map<string, ModelBackend>();

  const build = (): Promise<ModelParts & { key: string }> =>
    (parts ??= deps.workspaceSettings(lifetime.signal).then((s) => {
      const choice = chooseModelBackend(s, deps.env, { purpose: 'verify', log: deps.log });
      // A host the settings name but the environment does not allow is never contacted; say so.
      for (const message of choice.refused) deps.notify(message);
      const gate = createModelGate({
        model: choice.backend,
        notify: deps.notify,
        log: deps.log,
        backoff: deps.backoff,
        onRecovered: () => {
          for (const listener of listeners) listener();
        },
      });
      return { backend: choice.backend, gate, key: backendKey(s, s.ollama.model) };
    }));

  const release = (old: Promise<ModelParts> | undefined): void => {
    void old?.then(({ gate, backend }) => {
      gate.dispose();
      backend.abortAll();
    });
    for (const b of own.values()) b.abortAll();
    own.clear();
  };

  return {
    current: build,
    async generatorFor(settings) {
      const shared = await build();
      const key = backendKey(settings, settings.regenerate.model || settings.ollama.model);
      if (key === shared.key) return { generator: shared.backend, failed: (f) => shared.gate.failed(f) };
      let backend = own.get(key);
      if (!backend) {
        backend = chooseModelBackend(settings, deps.env, { purpose: 'regenerate', log: deps.log }).backend;
        own.set(key, backend);
      }
      return { generator: backend, failed: () => undefined };
    },
    onRecovered: (listener) => void listeners.push(listener),
    configurationChanged() {
      const old = parts;
      parts = undefined;
      release(old);
    },
    dispose() {
      lifetime.abort();
      release(parts);
    },
  };
}

/** What makes two model backends the same: backend kind, hosts, generation mode, the model
 *  (Ollama's; an OpenAI-compatible server has one model for both), limits and time-outs. */
function backendKey(s: Settings, ollamaModel: string): string {
  const model = s.backend === 'openai' ? s.openai.model : ollamaModel;
  return JSON.stringify([s.backend, s.ollama.host, s.ollama.mode, s.openai, model, s.ollama.firstChunkTimeoutMs, s.ollama.idleTimeoutMs, s.ollama.concurrency, s.ollama.cacheDir]);
}
