// Settings of the model servers: which backend, the OpenAI-compatible server, a host list for
// Ollama, and how generation talks to the model. Spread into the schema in schema.ts. Hosts that
// are not loopback are only contacted when the environment allows them (see external/llm/trust.ts);
// the API key of an OpenAI-compatible server is read from OPENAI_API_KEY, never from settings.
import { oneOf, string, type Parsed, type SettingSpec } from './spec';

export const backendSetting = oneOf(['ollama', 'openai'] as const, {
  default: 'ollama',
  description:
    'Which kind of model server verification and regeneration use: "ollama" (orbit.ollama.*) or "openai", any OpenAI-compatible server such as vLLM, llama.cpp\'s server or LM Studio (orbit.openai.*).',
});

export const openaiSchema = {
  baseUrl: string({
    default: 'http://127.0.0.1:8000/v1',
    description:
      'Base URL of the OpenAI-compatible server, usually ending in /v1. A host that is not loopback is used only when allowed by ORBIT_LS_MODEL_HOSTS in the environment. The API key, if the server needs one, comes from OPENAI_API_KEY in the environment, never from settings.',
  }),
  model: string({
    default: 'qwen2.5-coder:7b',
    description: 'Model name as the server lists it under /v1/models.',
  }),
};

/** One URL or a list of URLs (blank entries dropped). */
export function hostList(o: { description: string }): SettingSpec<string[]> {
  return {
    kind: 'setting',
    type: 'string | string[]',
    default: [],
    defaultLabel: '[] (OLLAMA_HOST, else http://127.0.0.1:11434)',
    description: o.description,
    parse(raw: unknown): Parsed<string[]> {
      if (typeof raw === 'string') return { value: raw.trim() ? [raw.trim()] : [], issues: [] };
      if (!Array.isArray(raw)) return { issues: [`expected a URL or a list of URLs, got ${JSON.stringify(raw)}`] };
      const value = raw.filter((h): h is string => typeof h === 'string' && h.trim() !== '').map((h) => h.trim());
      const issues = raw.filter((h) => typeof h !== 'string').map((h) => `ignored non-string entry ${JSON.stringify(h)}`);
      return { value, issues };
    },
  };
}

export const ollamaHostSetting = hostList({
  description:
    'URL of the Ollama server, or a list of URLs of servers with the same model: calls go to the one with the least outstanding work, and one that fails is left out for a while. Empty means the OLLAMA_HOST environment variable of the server process, else http://127.0.0.1:11434. Hosts that are not loopback are used only when allowed by ORBIT_LS_MODEL_HOSTS (or named by OLLAMA_HOST) in the environment.',
});

export const generationModeSetting = oneOf(['auto', 'generate', 'fim', 'chat'] as const, {
  default: 'auto',
  description:
    'How "Regenerate securely" talks to an Ollama model: "generate" (raw completion, for base and code-completion models), "fim" (fill-in-the-middle with a suffix), "chat" (/api/chat with a system message, for instruct models), or "auto": decided from the model\'s template in /api/show.',
});
