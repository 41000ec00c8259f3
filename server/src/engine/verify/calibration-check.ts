// The doctor's calibration of the model against the sandbox: a few small benign functions that the
// sandbox runs completely (a request to a fixed host, a file read, a pure computation) are shown
// to the model, and every security-relevant effect it omits or invents is a measured error. A
// model that contradicts the sandbox here is named unreliable. The editor and `check --verify` make
// the same measurement on the user's own functions (engine/verify/verifier.ts, calibration) and
// turn an unreliable model's disagreements into information.
import type { HealthCheck, HealthResult } from '../doctor-checks';
import { chooseModelBackend } from '../model-backend';
import type { VerifyPrepareOutput } from '../../workers/contracts';
import { verifyUnit } from './unit';

/** Benign, fully covered by the sandbox's runs, with and without security-relevant effects. */
export const CALIBRATION_FUNCTIONS: ReadonlyArray<{ fileName: string; text: string }> = [
  {
    fileName: 'calibration/notify.js',
    text: `async function notifyShipped(order) {
  const body = JSON.stringify({ id: order.id, status: 'shipped' });
  await fetch('https://hooks.example.com/orders/shipped', { method: 'POST', body });
  return { sent: true, id: order.id };
}
module.exports = notifyShipped;
`,
  },
  {
    fileName: 'calibration/total.js',
    text: `function orderTotal(items) {
  let total = 0;
  for (const item of items) total += item.price * item.quantity;
  return Math.round(total * 100) / 100;
}
module.exports = orderTotal;
`,
  },
  {
    fileName: 'calibration/archive.js',
    text: `const { execFile } = require('child_process');

function archiveLogs(day) {
  const name = 'logs-' + String(day).replace(/[^0-9-]/g, '') + '.tar.gz';
  execFile('tar', ['-czf', '/var/backups/' + name, '/var/log/app'], () => {});
  return name;
}
module.exports = archiveLogs;
`,
  },
];

const NAME = 'model calibration against the sandbox (optional)';

export const checkCalibration: HealthCheck = async ({ settings, pool, signal }) => {
  const choice = chooseModelBackend(settings, process.env, { purpose: 'verify' });
  if (choice.refused.length > 0 && choice.refused.length === choice.hosts.length) {
    return { name: NAME, ok: true, detail: 'skipped: no model host may be contacted (see model verification above).' };
  }
  const health = await choice.backend.health(signal);
  if (!health.ok) return { name: NAME, ok: true, detail: 'skipped: the model is not reachable (see model verification above).' };
  let covered = 0;
  const wrong: string[] = [];
  const failed: string[] = [];
  for (const fn of CALIBRATION_FUNCTIONS) {
    const outcome = await pool.run('verifyPrepare', {
      document: fn, maxOrbit: 0, deltaMin: settings.verify.deltaMin, maxInputs: 2, sandboxTimeMs: settings.sandbox.timeMs,
    }, { signal, timeoutMs: settings.analysisTimeoutMs * 4 });
    if (outcome.kind !== 'done') continue;
    const unit = (outcome.value as VerifyPrepareOutput).units[0];
    if (!unit?.truth || !unit.sandboxCovered) continue;
    const result = await verifyUnit(unit, choice.backend, { maxOrbit: 0, adaptive: false, staticFindings: 0 }, signal);
    if (result.kind !== 'verified' || result.incomplete) {
      failed.push(unit.unit.name);
      continue;
    }
    covered++;
    if (result.contradictions.length > 0) wrong.push(`${unit.unit.name}: ${result.contradictions[0].message}`);
  }
  return verdictOf(choice.model, covered, wrong, failed);
};

export function verdictOf(model: string, covered: number, wrong: string[], failed: string[]): HealthResult {
  const failures = failed.length > 0 ? ` It gave no usable answer for ${failed.join(', ')}.` : '';
  if (covered === 0) {
    return { name: NAME, ok: true, detail: `not measured: ${model} answered none of the ${CALIBRATION_FUNCTIONS.length} calibration functions usably.${failures}` };
  }
  if (wrong.length === 0) {
    return { name: NAME, ok: true, detail: `${model} agrees with the sandbox on ${covered} of ${covered} benign calibration functions.${failures}` };
  }
  return {
    name: NAME,
    ok: false,
    detail: `${model} is unreliable: it contradicted the sandbox on ${wrong.length} of ${covered} benign functions the sandbox runs completely (${wrong.join('; ')}). ` +
      'In the editor and in check --verify, orbit-ls measures it the same way on your own functions and, from its first such contradiction, shows its disagreements as information, not warnings; static and sandbox findings are unaffected.',
    fix: 'Use a larger or code-specialised model (orbit.ollama.model) and run the doctor again.',
  };
}
