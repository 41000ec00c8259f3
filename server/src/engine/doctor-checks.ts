// Health checks for `orbit-ls doctor`: a list of independent async checks, each saying whether one
// component works and, if not, what to do. To add one (Ollama, sandbox, …), write a function of
// HealthContext returning a HealthResult and append it to `healthChecks` (or pass your own list).
import type { HealthCheck, HealthContext, HealthResult } from './doctor-check';
import { checkOllama } from './verify/model-check';
import { checkSandbox } from './sandbox/sandbox-check';

export type { HealthCheck, HealthContext, HealthResult } from './doctor-check';

export const checkPool: HealthCheck = async ({ pool, signal, settings }) => {
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: pool.size }, () => pool.run('warmUp', {}, { signal, timeoutMs: settings.analysisTimeoutMs })),
  );
  const failed = outcomes.find((o) => o.kind !== 'done');
  if (failed) {
    const why = failed.kind === 'failed' ? failed.message : 'cancelled';
    return { name: 'worker pool', ok: false, detail: `a worker thread did not start: ${why}`, fix: 'Rebuild with `npm run build`, and check that Node.js is version 20 or newer.' };
  }
  return { name: 'worker pool', ok: true, detail: `${pool.size} thread(s) (orbit.pool.size), all started in ${Math.round(performance.now() - started)} ms` };
};

export const checkParser: HealthCheck = async ({ pool, signal, settings }) => {
  const outcome = await pool.run('warmUp', {}, { signal, timeoutMs: settings.analysisTimeoutMs });
  if (outcome.kind !== 'done') {
    const why = outcome.kind === 'failed' ? outcome.message : 'cancelled';
    return { name: 'parser and rules', ok: false, detail: `could not analyse a sample file: ${why}`, fix: 'Reinstall with `npm ci`; the typescript package may be missing.' };
  }
  const { errors, elapsedMs } = outcome.value;
  if (errors.length > 0) {
    return { name: 'parser and rules', ok: false, detail: `the sample file gave errors: ${errors.join('; ')}`, fix: 'Reinstall with `npm ci` and rebuild with `npm run build`.' };
  }
  return { name: 'parser and rules', ok: true, detail: `sample file analysed in ${elapsedMs.toFixed(1)} ms` };
};

export const healthChecks: HealthCheck[] = [checkPool, checkParser, checkSandbox, checkOllama];

/** Runs every check; a check that throws is reported as failed rather than stopping the others. */
export async function runHealthChecks(checks: readonly HealthCheck[], ctx: HealthContext): Promise<HealthResult[]> {
  return Promise.all(
    checks.map((check) =>
      check(ctx).catch((err: unknown) => ({ name: check.name || 'unnamed check', ok: false, detail: `the check itself failed: ${String(err)}` })),
    ),
  );
}
