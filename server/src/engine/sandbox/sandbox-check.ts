// The doctor's check of the sandbox: does QuickJS load and run a test function with its recording
// stubs? The sandbox pass is on by default, so a broken sandbox fails the check unless it is off.
import { sandboxHealth } from '../../external/sandbox/self-test';
import type { HealthCheck } from '../doctor-check';

export const checkSandbox: HealthCheck = async ({ settings }) => {
  const health = await sandboxHealth();
  const name = 'sandbox';
  const off = settings.sandbox.enabled ? '' : ' (orbit.sandbox.enabled is false: not run on save)';
  if (health.ok) return { name, ok: true, detail: `QuickJS ready (${health.detail.replace(/^QuickJS \(WebAssembly\) /, 'WebAssembly; ')})${off}` };
  if (!settings.sandbox.enabled) return { name, ok: true, detail: `off${off}; when turned on: ${health.detail}`, fix: health.fix };
  return { name, ok: false, detail: health.detail, fix: health.fix };
};
