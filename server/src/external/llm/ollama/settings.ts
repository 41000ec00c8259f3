// Where to find Ollama and which model to ask, with every default in one place.
// The environment is read only here, and only with the env object the caller hands in.

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

/** A 7B code model that follows JSON schemas well and runs on a laptop GPU or a recent CPU.
 *  Install it with DEFAULT_OLLAMA_PULL. */
export const DEFAULT_OLLAMA_MODEL = 'qwen2.5-coder:7b';
export const DEFAULT_OLLAMA_PULL = `ollama pull ${DEFAULT_OLLAMA_MODEL}`;

export interface OllamaSettings {
  host: string;
  model: string;
  /** Requests in flight at once; 1 matches Ollama's default of one request per loaded model. */
  concurrency: number;
  /** Abort a stream that sends nothing for this long once the first chunk has arrived. */
  idleTimeoutMs: number;
  /** Allow this long for the first chunk: it includes loading the model into memory. */
  firstChunkTimeoutMs: number;
  /** Fixed sampling seed for trace prediction, so the same prompt gives the same answer. */
  seed: number;
  /** Bound on tokens per trace answer, so a rambling model cannot run forever. */
  maxTraceTokens: number;
  /** Entries kept in the in-memory cache. */
  memoryCacheEntries: number;
  /** Directory for the on-disk cache; undefined keeps the cache in memory only. */
  cacheDir?: string;
  /** Size cap of the on-disk cache in bytes; the oldest entries go first. */
  diskCacheMaxBytes: number;
}

export const DEFAULT_OLLAMA_SETTINGS: OllamaSettings = {
  host: DEFAULT_OLLAMA_HOST,
  model: DEFAULT_OLLAMA_MODEL,
  concurrency: 1,
  idleTimeoutMs: 30_000,
  // Below fetch's five-minute header time-out, above the load time of a 7B model from disk.
  firstChunkTimeoutMs: 120_000,
  seed: 42,
  maxTraceTokens: 4096,
  memoryCacheEntries: 2000,
  diskCacheMaxBytes: 64 * 1024 * 1024,
};

/** The host from settings, else OLLAMA_HOST, else the local default. The ollama client library
 *  does not read OLLAMA_HOST itself, so this is the one place that does. Accepts Ollama's own
 *  spellings ("0.0.0.0", "host:port", ":port") and returns a URL without a trailing slash. */
export function resolveOllamaHost(settingHost: string | undefined, env: Record<string, string | undefined>): string {
  const raw = nonEmpty(settingHost) ?? nonEmpty(env.OLLAMA_HOST) ?? DEFAULT_OLLAMA_HOST;
  return normaliseHost(raw);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function normaliseHost(raw: string): string {
  let host = raw;
  if (host.startsWith(':')) host = `127.0.0.1${host}`;
  const explicitScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host);
  if (!explicitScheme) host = `http://${host}`;
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return DEFAULT_OLLAMA_HOST;
  }
  // OLLAMA_HOST=0.0.0.0 tells the server to listen everywhere; a client reaches it on loopback.
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (!url.port && !explicitScheme) url.port = '11434';
  return url.toString().replace(/\/+$/, '');
}
