// The shape of one `orbit-ls doctor` check: what it is given and what it reports. Kept apart from
// the list of checks (doctor-checks.ts) so that each check can be written against it without a cycle.
import type { Settings } from '../config/schema';
import type { AnalysisPool } from './pool';

export interface HealthResult {
  name: string;
  ok: boolean;
  /** What was found, e.g. "2 threads, first analysis in 180 ms". */
  detail: string;
  /** What to do when not ok, as a command or a setting to change. */
  fix?: string;
}

export interface HealthContext {
  settings: Settings;
  pool: AnalysisPool;
  signal: AbortSignal;
}

export type HealthCheck = (ctx: HealthContext) => Promise<HealthResult>;
