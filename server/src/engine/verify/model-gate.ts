// Whether the model may be asked right now. Checks Ollama's health at start-up; when Ollama is
// down or the model is missing it logs why, tells the user once (when a verification needs the
// model) with the fix, keeps probing with backoff, and reports when the model is back. Static and
// sandbox features never wait on it.
import { DEFAULT_BACKOFF, reconnectWithBackoff, type BackoffOptions, type HealthReport } from '../../external/llm/ollama/availability';
import type { ModelFailure, TracePredictor } from '../../external/llm/types';

export interface GateDeps {
  model: TracePredictor & { health(signal: AbortSignal): Promise<HealthReport> };
  /** One window/showMessage per outage, sent when a verification first needs the model. */
  notify(message: string): void;
  log(message: string): void;
  /** The model is usable again after an outage: verify what was skipped. */
  onRecovered(): void;
  backoff?: BackoffOptions;
}

export type GateState = 'unknown' | 'up' | 'down';

export interface ModelGate {
  readonly state: GateState;
  /** The predictor while the model is usable (or not yet checked); undefined while it is down. */
  current(): TracePredictor | undefined;
  /** Health check at start-up; resolves with the report, never throws. */
  start(signal: AbortSignal): Promise<HealthReport | undefined>;
  /** A call failed in a way that means the model is gone (unavailable, model missing). */
  failed(failure: ModelFailure): void;
  /** Tells the user (once per outage) that verification is paused and how to fix it. */
  announce(): void;
  /** Why the model is not used, for logs and reports; empty while it is up. */
  readonly reason: string;
  dispose(): void;
}

export function createModelGate(deps: GateDeps): ModelGate {
  let state: GateState = 'unknown';
  let reason = '';
  let reconnecting: AbortController | undefined;
  let announced = false;
  const lifetime = new AbortController();

  const down = (message: string): void => {
    if (state === 'down') return;
    state = 'down';
    reason = message;
    announced = false;
    deps.log(`orbit-ls: model verification is paused: ${message}`);
    reconnect();
  };

  const reconnect = (): void => {
    reconnecting?.abort();
    const controller = new AbortController();
    reconnecting = controller;
    const onRetry = (report: HealthReport, attempt: number, delayMs: number): void =>
      deps.log(`orbit-ls: Ollama still unusable (${report.detail}); probe ${attempt + 2} in ${Math.round(delayMs / 1000)} s`);
    reconnectWithBackoff((s) => deps.model.health(s), { ...(deps.backoff ?? DEFAULT_BACKOFF), onRetry }, linked(controller.signal, lifetime.signal))
      .then((report) => {
        if (reconnecting !== controller) return;
        state = 'up';
        reason = '';
        deps.log(`orbit-ls: ${report.detail} Model verification resumes.`);
        deps.onRecovered();
      })
      .catch(() => undefined);
  };

  return {
    get state() {
      return state;
    },
    get reason() {
      return reason;
    },
    current: () => (state === 'down' ? undefined : deps.model),
    announce() {
      if (state !== 'down' || announced) return;
      announced = true;
      deps.notify(`orbit-ls: model verification is paused. ${reason} Static and sandbox checks go on.`);
    },
    async start(signal) {
      const report = await deps.model.health(linked(signal, lifetime.signal)).catch(() => undefined);
      if (!report || report.kind === 'cancelled') return report;
      if (report.ok) {
        state = 'up';
        deps.log(`orbit-ls: ${report.detail}`);
      } else {
        down(report.message.endsWith('.') ? report.message : `${report.message}.`);
      }
      return report;
    },
    failed(failure) {
      if (failure.kind === 'unavailable' || failure.kind === 'model-missing') {
        down(`${failure.detail.replace(/\.$/, '')} — ${failure.fix.charAt(0).toLowerCase()}${failure.fix.slice(1)}`);
      }
    },
    dispose() {
      lifetime.abort();
      reconnecting?.abort();
    },
  };
}

function linked(a: AbortSignal, b: AbortSignal): AbortSignal {
  const c = new AbortController();
  const abort = (): void => c.abort();
  if (a.aborted || b.aborted) c.abort();
  a.addEventListener('abort', abort, { once: true });
  b.addEventListener('abort', abort, { once: true });
  return c.signal;
}
