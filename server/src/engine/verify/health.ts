// The doctor's check of the model: is Ollama reachable at the configured host and the model
// pulled? The model is optional, so its absence is reported with the fix but fails nothing.
import { checkOllamaHealth, resolveOllamaHost } from '../../model/ollama/index';
import type { HealthCheck } from '../health';

export const checkOllama: HealthCheck = async ({ settings, signal }) => {
  const host = resolveOllamaHost(settings.ollama.host, process.env);
  const report = await checkOllamaHealth(host, settings.ollama.model, signal);
  const name = 'model verification (Ollama, optional)';
  if (report.ok) return { name, ok: true, detail: `on: ${report.detail}` };
  return { name, ok: true, detail: `off: ${report.message.replace(/\.?$/, '.')} Static and sandbox checks work without it.` };
};
