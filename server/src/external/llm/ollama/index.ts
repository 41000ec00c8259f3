// The Ollama backend's public surface: settings and host resolution, the backend, health checks.

export { createOllamaBackend, type OllamaBackend, type OllamaBackendConfig } from './backend.js';
export { createHostPool, DEFAULT_HOST_BACKOFF, type HostPool, type HostPoolConfig, type HostState } from './hosts.js';
export { fetchModelInfo, type ModelInfo } from './model-info.js';
export { chooseGenerationMode, type GenerationMode, type GenerationModeSetting } from './mode.js';
export {
  backoffDelay,
  checkOllamaHealth,
  DEFAULT_BACKOFF,
  reconnectWithBackoff,
  type BackoffOptions,
  type HealthOptions,
  type HealthReport,
} from './availability.js';
export {
  DEFAULT_OLLAMA_HOST,
  DEFAULT_OLLAMA_MODEL,
  DEFAULT_OLLAMA_PULL,
  DEFAULT_OLLAMA_SETTINGS,
  resolveOllamaHost,
  type OllamaSettings,
} from './settings.js';
export { validateJson, describeSchemaErrors, type SchemaError } from './json-schema.js';
export { cacheKey, createAnswerCache, type AnswerCache, type CacheOptions } from './cache.js';
export { createLimiter, type Limiter } from './limiter.js';
export { answerSchema, traceMessages } from './prompt.js';
