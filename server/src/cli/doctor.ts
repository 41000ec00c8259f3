// `orbit-ls doctor [--config file] [--json]`: the resolved configuration and the health of each
// component. Exit code 0 when every check passes, 1 otherwise.
import { parseArgs } from 'node:util';
import { listSettings } from '../config/docs';
import { orbitVersion } from '../config/version';
import type { Settings } from '../config/schema';
import { healthChecks, runHealthChecks, type HealthCheck } from '../engine/health';
import { createPool } from '../engine/pool';
import type { CliIO } from './io';
import { loadSettings } from './settings';

export async function runDoctor(args: string[], io: CliIO, signal: AbortSignal, checks: readonly HealthCheck[] = healthChecks): Promise<number> {
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
  for (const p of problems) lines.push(`  ! ${p.message}`);
  lines.push('', 'Components:');
  for (const r of results) {
    lines.push(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}: ${r.detail}`);
    if (!r.ok && r.fix) lines.push(`       fix: ${r.fix}`);
  }
  lines.push('', ok ? 'Everything orbit-ls needs is working.' : 'Some components need attention; see the fixes above.');
  io.out(`${lines.join('\n')}\n`);
  return ok ? 0 : 1;
}

function valueAt(settings: Settings, key: string): unknown {
  return key
    .split('.')
    .slice(1)
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], settings);
}
