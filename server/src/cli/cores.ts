// How many worker threads `check` runs: every core by default. The server keeps one core for the
// editor and itself (orbit.pool.size defaults to cores − 1), but a `check` run has nothing else to
// do; an orbit.pool.size given in the --config file still wins.
import { availableParallelism } from 'node:os';
import type { Settings } from '../config/schema';
import { unwrapSection } from './settings';

export function checkPoolSize(settings: Settings, rawConfig: unknown, cores = availableParallelism()): number {
  const raw = unwrapSection(rawConfig);
  const pool = raw && typeof raw === 'object' ? (raw as { pool?: unknown }).pool : undefined;
  const given = pool && typeof pool === 'object' && (pool as { size?: unknown }).size !== undefined;
  return given ? settings.pool.size : Math.max(1, Math.min(64, cores));
}
