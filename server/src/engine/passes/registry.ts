// The passes an editor session runs, in merge order. A new pass is one file in this folder and one
// line here.
import type { Settings } from '../../config/schema';
import type { ImportedModule } from '../../core/static-analysis';
import { analyzeSnapshot, type DocumentSnapshot } from '../document-analysis';
import type { ImportSource } from '../imports';
import type { AnalysisPool } from '../pool';
import type { Pass } from './pass';
import { sandboxPass } from './sandbox';
import { staticPass } from './static';
import { verificationPass } from './verify';
import type { Progress } from '../progress';
import type { ModelService } from '../model-service';

/** What the passes of a session share: the pool, the workspace settings, and the ways to tell the user. */
export interface PassDeps {
  pool(): Promise<AnalysisPool>;
  workspaceSettings(signal: AbortSignal): Promise<Settings>;
  log(message: string): void;
  notify(message: string): void;
  startProgress(title: string): Promise<Progress>;
  env: Record<string, string | undefined>;
  /** Where the static pass gets a document's imports (open buffers first); else the worker reads the disk. */
  imports?: ImportSource;
  /** The session's model service, shared with regeneration; verification builds one of its own when not given. */
  models?: ModelService;
}

/** Preparing a file's changed functions runs the sandbox on each; a generous bound, not a target. */
const PREPARE_TIMEOUT_MS = 120_000;

export const PASSES: readonly ((deps: PassDeps) => Pass)[] = [
  (d) => staticPass({ analyze: async (doc, settings, signal) => analyzeSnapshot(await d.pool(), doc, settings, signal, await importsOf(d, doc, settings)), log: d.log }),
  (d) => verificationPass({ ...d, prepare: async (input, signal) => prepare(d, input, signal) }),
  (d) => sandboxPass(d),
];

export function editorPasses(deps: PassDeps): Pass[] {
  return PASSES.map((create) => create(deps));
}

function importsOf(d: PassDeps, doc: DocumentSnapshot, settings: Settings): Promise<Record<string, ImportedModule> | undefined> {
  // A document the static pass will not analyse needs none.
  if (!d.imports || doc.language === undefined || doc.text.length > settings.maxFileSize) return Promise.resolve(undefined);
  return d.imports.importsOf(doc, settings.maxFileSize);
}

async function prepare(d: PassDeps, input: Parameters<Parameters<typeof verificationPass>[0]['prepare']>[0], signal: AbortSignal) {
  const outcome = await (await d.pool()).run('verifyPrepare', input, { signal, timeoutMs: PREPARE_TIMEOUT_MS });
  if (outcome.kind === 'failed') d.log(`orbit-ls: preparing ${input.document.fileName} for verification failed: ${outcome.message}`);
  return outcome.kind === 'done' ? outcome.value : undefined;
}
