// The editor's regeneration service: one regeneration at a time per document (a second one for
// the same document replaces the first, through the same per-document runs as the other long
// passes), the model from the session's shared model service, and every parse, rule check and
// sandbox run in the pool.
import type { Settings } from '../../config/schema';
import { createDocumentRuns } from '../document-runs';
import type { ModelService } from '../model-service';
import type { RegenerationChecks } from './checks';
import { regenerate, type RegenerateRequest, type RegenerateResult } from './index';

export interface RegenerationService {
  run(req: RegenerateRequest, settings: Settings, signal: AbortSignal): Promise<RegenerateResult>;
  /** A regeneration was offered: get its sandbox threads ready without waiting for them. */
  offered(settings: Settings): void;
  dispose(): void;
}

export interface RegenerationServiceDeps {
  models: ModelService;
  /** Where a regeneration with these settings parses, checks and runs the sandbox. */
  checks(settings: Settings): RegenerationChecks;
}

export function createRegenerationService(deps: RegenerationServiceDeps): RegenerationService {
  const lifetime = new AbortController();
  const runs = createDocumentRuns(lifetime.signal);
  let warmed = false;
  return {
    async run(req, settings, signal) {
      const current = runs.start(req.uri, signal);
      try {
        const { generator, failed } = await deps.models.generatorFor(settings);
        const result = await regenerate(req, { settings, generator, seed: 1, checks: deps.checks(settings) }, current.signal);
        // An outage seen here pauses verification too (one health gate for the model).
        if (result.kind === 'failed' && result.failure) failed(result.failure);
        return result;
      } finally {
        current.finish();
      }
    },
    offered(settings) {
      // Once per session: the lane's threads stay up once started.
      if (warmed) return;
      warmed = true;
      deps.checks(settings).warm();
    },
    dispose: () => lifetime.abort(),
  };
}
