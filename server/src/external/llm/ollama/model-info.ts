// What one Ollama host knows about a model: its digest (from /api/tags, the manifest digest that
// changes when the model is pulled again), and from /api/show its capabilities, prompt template
// and context length. The digest goes into the answer cache's key; the rest decides how to prompt.

import { clientFor, linkSignals } from './stream.js';

export interface ModelInfo {
  /** The manifest digest; undefined when the host does not list the model. */
  digest?: string;
  /** Ollama's capability names, e.g. "completion", "tools", "insert" (fill-in-the-middle), "thinking". */
  capabilities: string[];
  /** The Go template the model's prompts go through; "{{ .Prompt }}" means none. */
  template: string;
  /** Trained context length in tokens, from model_info "<architecture>.context_length". */
  contextLength?: number;
  parameterSize?: string;
  quantization?: string;
}

export async function fetchModelInfo(
  host: string,
  model: string,
  signal: AbortSignal,
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<ModelInfo> {
  const link = linkSignals([signal, AbortSignal.timeout(options.timeoutMs ?? 10_000)]);
  try {
    const client = clientFor(host, link.signal, options.fetch);
    const [list, shown] = await Promise.all([client.list(), client.show({ model })]);
    const wanted = withTag(model);
    const listed = list.models.find((m) => withTag(m.name) === wanted || withTag(m.model) === wanted);
    const info = plain(shown.model_info);
    const arch = typeof info['general.architecture'] === 'string' ? info['general.architecture'] : undefined;
    const ctx = arch ? info[`${arch}.context_length`] : undefined;
    return {
      digest: listed?.digest,
      capabilities: Array.isArray(shown.capabilities) ? shown.capabilities.filter((c): c is string => typeof c === 'string') : [],
      template: typeof shown.template === 'string' ? shown.template : '',
      contextLength: typeof ctx === 'number' ? ctx : undefined,
      parameterSize: shown.details?.parameter_size || undefined,
      quantization: shown.details?.quantization_level || undefined,
    };
  } finally {
    link.dispose();
  }
}

function withTag(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}

/** The client types model_info as a Map; over JSON it is a plain object. */
function plain(value: unknown): Record<string, unknown> {
  if (value instanceof Map) return Object.fromEntries(value);
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}
