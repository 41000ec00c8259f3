// `orbit-ls doctor [--config file] [--json]`: the resolved configuration and the health of each
// component. Exit code 0 when every check passes, 1 otherwise.
import { parseArgs } from 'node:util';
import { listSettings } from '../config/docs';
import { orbitVersion } from '../config/version';
import type { Settings } from '../config/schema';
import { healthChecks, runHealthChecks, type HealthCheck } from '../engine/doctor-checks';
import { checkCalibration } from '../engine/verify/calibration-check';
import { createPool } from '../engine/pool';
import type { CliIO } from './io';
import { loadSettings } from './settings';

export async function runDoctor(args: string[], io: CliIO, signal: AbortSignal, checks: readonly HealthCheck[] = [...healthChecks, checkCalibration]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const { settings, problems } = await loadSettings(values.config);
  const pool = createPool({ size: settings.pool.size, log: (m) => io.err(`${m}\n`) });
  const results = await runHealthChecks(checks, { settings, pool, signal }).finally(() => pool.close());
  const ok = results.every((r) => r.ok) && problems.length === 0;
  if (values.json) {
    io.out(`${JSON.stringify({ version: orbitVersion(), node: process.version, settings, problems, checks: results }, null, 2)}\n`);
    return ok ? 0 : 1;
  }
  const lines = [`orbit-ls ${orbitVersion()} on Node.js ${process.version}`, '', 'Configuration:'];
  for (const { key } of listSettings()) lines.push(`  ${key} = ${JSON.stringify(valueAt(settings, key))}`);
  for (const p of problems) {
    lines.push(`  ! ${p.message}`);
    lines.push(`       fix: ${values.config ? `correct or remove ${p.key} in ${values.config}` : `correct or remove ${p.key} in your settings`} (docs/configuration.md lists its values)`);
  }
  lines.push('', 'Components:');
  for (const r of results) {
    lines.push(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}: ${r.detail}`);
    if (!r.ok && r.fix) lines.push(`       fix: ${r.fix}`);
  }
  lines.push('', summary(results.filter((r) => !r.ok).length, problems.length));
  io.out(`${lines.join('\n')}\n`);
  return ok ? 0 : 1;
}

/** The closing line: what needs attention, components and settings told apart. */
function summary(failed: number, invalid: number): string {
  const settings = `${invalid} setting${invalid === 1 ? ' is' : 's are'} invalid and fall${invalid === 1 ? 's' : ''} back to ${invalid === 1 ? 'its default' : 'their defaults'}`;
  const components = `${failed} component${failed === 1 ? ' needs' : 's need'} attention`;
  if (failed === 0 && invalid === 0) return 'Everything orbit-ls needs is working.';
  if (failed === 0) return `Every component is working, but ${settings}; see the fix under each setting above.`;
  if (invalid === 0) return `${components}; see the fixes above.`;
  return `${components}, and ${settings}; see the fixes above.`;
}

function valueAt(settings: Settings, key: string): unknown {
  return key
    .split('.')
    .slice(1)
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], settings);
}
