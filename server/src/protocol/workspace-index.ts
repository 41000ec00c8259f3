// The editor session's workspace index: built once the client is initialized over its workspace
// folders, updated when a file is saved or the client reports file-system changes, and after an
// update the open documents that import a changed module are analysed again.
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { InitializeParams } from 'vscode-languageserver/node';
import type { AnalysisPool } from '../engine/pool';
import { createWorkspaceIndex, type WorkspaceIndex } from '../engine/workspace-index';
import type { ModuleSummaryInput, ModuleSummaryResult } from '../workers/contracts';

export interface WorkspaceIndexHost {
  readonly index: WorkspaceIndex;
  /** Builds the index over the session's workspace folders (once). */
  start(): void;
  /** A document was saved, or the client reported changes under the workspace. */
  changed(uris: readonly string[]): void;
  dispose(): void;
}

export interface WorkspaceIndexHostDeps {
  pool(): Promise<AnalysisPool>;
  openText(uri: string): string | undefined;
  /** The open documents' URIs. */
  openUris(): string[];
  /** Runs the static pass of an open document again. */
  recheck(uri: string): void;
  log(message: string): void;
}

/** One batch's time limit: a module that stalls the analysis loses its summary, nothing else. */
const BATCH_TIMEOUT_MS = 20_000;

export function workspaceIndexHost(params: InitializeParams, deps: WorkspaceIndexHostDeps): WorkspaceIndexHost {
  const stop = new AbortController();
  const summarise = async (input: ModuleSummaryInput, signal: AbortSignal): Promise<ModuleSummaryResult | undefined> => {
    const outcome = await (await deps.pool()).run('moduleSummary', input, { signal, timeoutMs: BATCH_TIMEOUT_MS });
    if (outcome.kind === 'failed') deps.log(`orbit-ls: workspace index: ${input.modules.length} module(s) not summarised: ${outcome.message}`);
    return outcome.kind === 'done' ? outcome.value : undefined;
  };
  const index = createWorkspaceIndex({
    summarise,
    summarisePolicy: summarise,
    openText: (file) => deps.openText(pathToFileURL(file).href),
    log: deps.log,
  });
  let building: Promise<unknown> | undefined;
  let updates: Promise<unknown> = Promise.resolve();

  const recheckImporters = (changed: readonly string[]): void => {
    const affected = new Set(changed.flatMap((f) => index.importersOf(f)).map((f) => pathToFileURL(f).href));
    for (const uri of deps.openUris()) if (affected.has(uri)) deps.recheck(uri);
  };

  return {
    index,
    start() {
      const folders = foldersOf(params);
      if (building || folders.length === 0) return;
      building = index.build(folders, stop.signal).then(
        // Documents opened meanwhile were analysed with their imports' texts alone; those whose
        // imports now have summaries are checked again, the others are left alone.
        () => deps.openUris().forEach((uri) => {
          const file = localPath(uri);
          if (file && index.importsSummarised(file)) deps.recheck(uri);
        }),
        (err: unknown) => deps.log(`orbit-ls: workspace index not built: ${err instanceof Error ? err.message : String(err)}`),
      );
    },
    changed(uris) {
      const filesChanged = uris.flatMap((u) => localPath(u) ?? []);
      if (!building || filesChanged.length === 0) return;
      // Updates run one after another, after the build, so each sees the one before.
      updates = Promise.all([building, updates]).then(async () => {
        const changed = new Set<string>();
        for (const f of filesChanged) for (const c of await index.update(f, stop.signal)) changed.add(c);
        recheckImporters([...changed]);
        // What a saved file mounts, and behind which middleware, is how its routers are reached.
        const mounted = new Set(filesChanged.flatMap((f) => index.mountedDependents(f)).map((f) => pathToFileURL(f).href));
        for (const uri of deps.openUris()) if (mounted.has(uri)) deps.recheck(uri);
      }).catch((err: unknown) => deps.log(`orbit-ls: workspace index not updated: ${err instanceof Error ? err.message : String(err)}`));
    },
    dispose() {
      stop.abort();
    },
  };
}

function foldersOf(params: InitializeParams): string[] {
  const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  return uris.flatMap((u) => localPath(u) ?? []);
}

function localPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
