// Is Ollama usable? Server up (/api/tags) and model pulled (/api/show), each failure with the
// command that fixes it; and a backoff loop that waits for Ollama to come back.

import { classify, clientFor, linkSignals } from './stream.js';
import type { HealthReport } from '../types.js';

export type { HealthReport };

export interface HealthOptions {
  fetch?: typeof fetch;
  /** A health check that hangs is as bad as a failed one. */
  timeoutMs?: number;
}

export async function checkOllamaHealth(
  host: string,
  model: string,
  signal: AbortSignal,
  options: HealthOptions = {},
): Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const link = linkSignals([signal, timeout]);
  const client = clientFor(host, link.signal, options.fetch);
  let models: string[] | undefined;
  try {
    const list = await client.list();
    models = list.models.map((m) => m.name);
    const shown = await client.show({ model });
    const size = [shown.details?.parameter_size, shown.details?.quantization_level].filter(Boolean).join(', ');
    const detail = `Ollama at ${host} is up and ${model}${size ? ` (${size})` : ''} is ready.`;
    return { ok: true, kind: 'ok', detail, fix: '', message: detail, models };
  } catch (error) {
    const timedOut = timeout.aborted && !signal.aborted ? `Ollama at ${host} did not answer within ${timeoutMs} ms` : undefined;
    const failure = classify(error, { conn: { host, model }, responded: models !== undefined, timedOut, signal });
    if (failure.kind === 'cancelled') {
      return { ok: false, kind: 'cancelled', detail: failure.detail, fix: '', message: failure.detail, models };
    }
    let { detail, fix } = failure;
    let kind: HealthReport['kind'] = failure.kind;
    if (failure.kind === 'model-missing' && models === undefined) {
      // A 404 for /api/tags is not a missing model: whatever answers is not Ollama.
      kind = 'error';
      detail = `The server at ${host} answered 404 for /api/tags, so it does not look like Ollama.`;
      fix = 'Check orbit.ollama.host (Ollama listens on http://127.0.0.1:11434 by default).';
    } else if (failure.kind === 'model-missing') {
      const others = models && models.length > 0 ? ` (pulled here: ${models.join(', ')})` : '';
      detail = `Model ${model} is not pulled${others}.`;
      fix = `Run \`ollama pull ${model}\`, or set orbit.ollama.model to a pulled model.`;
    }
    return { ok: false, kind, detail, fix, message: `${detail.replace(/\.$/, '')} — ${lowerFirst(fix)}`, models };
  } finally {
    link.dispose();
  }
}

export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** Called after each failed probe with the report and the delay before the next one. */
  onRetry?: (report: HealthReport, attempt: number, delayMs: number) => void;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 2000, maxDelayMs: 60_000, factor: 2 };

/** The wait before retry number `attempt` (0-based): exponential, capped. */
export function backoffDelay(attempt: number, options: Pick<BackoffOptions, 'initialDelayMs' | 'maxDelayMs' | 'factor'>): number {
  return Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** attempt);
}

/** Probes until Ollama is healthy, waiting longer after each failure; resolves with the first
 *  healthy report. Rejects with the signal's reason when aborted. For the engine: start it when
 *  a call comes back 'unavailable', and re-enable model features when it resolves. */
export async function reconnectWithBackoff(
  probe: (signal: AbortSignal) => Promise<HealthReport>,
  options: BackoffOptions,
  signal: AbortSignal,
): Promise<HealthReport> {
  for (let attempt = 0; ; attempt++) {
    signal.throwIfAborted();
    const report = await probe(signal);
    if (report.ok) return report;
    signal.throwIfAborted();
    const delay = backoffDelay(attempt, options);
    options.onRetry?.(report, attempt, delay);
    await sleep(delay, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
