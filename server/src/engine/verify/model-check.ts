// The doctor's check of the model: which hosts the settings name and whether each may be
// contacted (the trust rule), whether the server answers and has the model, and for Ollama what
// the model can do (capabilities, context length, how regeneration will prompt it). The model is
// optional, so its absence is reported with the fix but fails nothing.
import type { Settings } from '../../config/schema';
import type { OllamaBackend } from '../../external/llm/ollama/index';
import type { HealthCheck } from '../doctor-check';
import { chooseModelBackend } from '../model-backend';

/** Tokens a trace call needs for a 200-line function (about 2,000 prompt tokens) and its answer. */
export function contextNeeded(settings: Settings): number {
  return 2048 + 4096 + 256 * Math.min(settings.verify.maxInputs, 4);
}

export const checkOllama: HealthCheck = async ({ settings, signal }) => {
  const choice = chooseModelBackend(settings, process.env, { purpose: 'verify' });
  const name = `model verification (${choice.kind === 'openai' ? 'OpenAI-compatible server' : 'Ollama'}, optional)`;
  const trust = `Hosts: ${choice.hosts
    .map((h) => (h.trusted ? `${h.url} (${h.why === 'loopback' ? 'loopback' : `allowed by ${h.why === 'allowed' ? 'ORBIT_LS_MODEL_HOSTS' : 'OLLAMA_HOST'}`}, used)` : `${h.url} (refused, not contacted)`))
    .join('; ')}.`;
  if (choice.refused.length > 0 && choice.refused.length === choice.hosts.length) {
    return { name, ok: true, detail: `off: ${trust} ${choice.refused.join(' ')} Static and sandbox checks work without it.` };
  }
  const report = await choice.backend.health(signal);
  const refusedNote = choice.refused.length > 0 ? ` ${choice.refused.join(' ')}` : '';
  if (!report.ok) return { name, ok: true, detail: `off: ${report.message.replace(/\.?$/, '.')} ${trust}${refusedNote} Static and sandbox checks work without it.` };
  const model = choice.kind === 'ollama' ? await describeOllamaModel(choice.backend as OllamaBackend, settings, signal) : '';
  return { name, ok: true, detail: `on: ${report.detail} ${trust}${refusedNote}${model}` };
};

async function describeOllamaModel(backend: OllamaBackend, settings: Settings, signal: AbortSignal): Promise<string> {
  try {
    const info = await backend.info(signal);
    const mode = await backend.generationMode(signal);
    const needed = contextNeeded(settings);
    const context = info.contextLength !== undefined ? `context ${info.contextLength} tokens` : 'context length not reported';
    const small =
      info.contextLength !== undefined && info.contextLength < needed
        ? ` Warning: a context of ${info.contextLength} tokens is too small for a 200-line function and its traces (about ${needed} tokens); long functions will be cut off. Use a model with a longer context.`
        : '';
    return ` Model: capabilities ${info.capabilities.join(', ') || 'not reported'}; ${context}; regeneration uses ${MODE_NAMES[mode.mode]} (${mode.why}).${small}`;
  } catch {
    return '';
  }
}

const MODE_NAMES = { generate: 'raw completion', fim: 'fill-in-the-middle', chat: 'chat' } as const;
