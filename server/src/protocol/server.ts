// The language server: binds LSP handlers to the engine. Each handler converts params, calls the
// engine or a protocol helper, and converts the result back; the logic lives elsewhere.
import {
  DidChangeConfigurationNotification,
  ErrorCodes,
  ResponseError,
  TextDocuments,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type InitializeError,
  type InitializeParams,
  type InitializeResult,
  type Range,
  type ServerCapabilities,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { languageFromId } from '../core/types';
import { templateKind } from '../core/templates/template-files';
import { orbitVersion } from '../config/version';
import type { DocumentReport, DocumentSnapshot } from '../engine/document-analysis';
import { createPool, type AnalysisPool } from '../engine/pool';
import { createDocuments, type Documents } from '../engine/documents';
import { editorPasses } from '../engine/passes/registry';
import { createImportSource } from '../engine/imports';
import { STATIC_PASS } from '../engine/passes/static';
import { SANDBOX_PASS } from '../engine/passes/sandbox';
import { VERIFY_PASS } from '../engine/passes/verify';
import type { SandboxOutcome } from '../engine/sandbox/pass';
import type { VerifyReport } from '../engine/verify/verifier';
import { connectionClient, type LspClient } from './client';
import { negotiate, type NegotiatedFeatures } from './capabilities';
import { asCommand, codeActionsFor } from './code-actions';
import { findCommand, type CommandContext } from './commands';
import { createConfigurationStore, type ConfigurationStore } from './configuration';
import { isFindingData, toDiagnostics, type FindingData } from './diagnostics';
import { regenerationActions, resolveRegeneration, type RegenerationHost } from './regenerate';
import { createRegenerationService } from '../engine/regenerate/service';
import { poolChecks } from '../engine/regenerate/checks';
import { createModelService, type ModelService } from '../engine/model-service';
import { verificationHover } from './verify';
import { isManifest, manifestReport } from '../engine/supply/manifest';
import { createEditTokens, type EditTokens } from './edit-tokens';
import { listenGuarded } from './documents';
import { createEditLog, type EditLog } from './edit-log';
import { workspaceIndexHost, type WorkspaceIndexHost } from './workspace-index';

export interface ServerOptions {
  /** Worker module for the pool; tests substitute one that crashes or hangs. */
  workerFilename?: string;
}

interface Session {
  capabilities: ServerCapabilities;
  features: NegotiatedFeatures;
  client: LspClient;
  config: ConfigurationStore;
  /** The pool, started on first use. */
  pool(): Promise<AnalysisPool>;
  close(): Promise<void>;
  /** Every open document's results, pass by pass, and the merged report published from them. */
  documents: Documents;
  edits: EditTokens;
  /** The model backend, limiter, cache and health gate that verification and regeneration share. */
  models: ModelService;
  /** Module summaries of the workspace folders, for cross-file analysis. */
  workspace: WorkspaceIndexHost;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const edits = createEditLog();
  let session: Session | undefined;
  let regeneration: RegenerationHost | undefined;
  const scheduled = new Map<string, number>();


  connection.onInitialize((params): InitializeResult | ResponseError<InitializeError> => {
    // A second session in the same process would start a second pool and answer to two sets of
    // settings; the protocol allows one initialize, so the second is refused.
    if (session) return new ResponseError(ErrorCodes.InvalidRequest, 'orbit-ls is already initialized; initialize may be sent once per server process', { retry: false });
    session = createSession(connection, params, documents, options, edits);
    regeneration = regenerationHost(session, documents);
    return { capabilities: session.capabilities, serverInfo: { name: 'orbit-ls', version: orbitVersion() } };
  });

  connection.onInitialized(() => {
    if (session?.features.didChangeConfigurationDynamic) void connection.client.register(DidChangeConfigurationNotification.type, undefined);
    void session?.pool();
    void session?.documents.start();
    session?.workspace.start();
  });

  documents.onDidOpen(({ document }) => {
    if (session && isManifest(document.uri)) return void publishManifest(session, document);
    if (!session || !analysable(document)) return;
    scheduled.set(document.uri, document.version);
    session.documents.notify(document.uri, 'open');
  });

  documents.onDidChangeContent(({ document }) => {
    if (session && isManifest(document.uri)) return void publishManifest(session, document);
    // TextDocuments also reports the open as a change; that version is already scheduled.
    if (!session || !analysable(document) || scheduled.get(document.uri) === document.version) return;
    scheduled.set(document.uri, document.version);
    session.documents.notify(document.uri, 'change');
  });

  // Save starts the sandbox pass and, with orbit.verify.trigger "onSave", verification.
  documents.onDidSave(({ document }) => {
    if (session && analysable(document)) session.documents.notify(document.uri, 'save');
    session?.workspace.changed([document.uri]);
  });

  connection.onDidChangeWatchedFiles(({ changes }) => session?.workspace.changed(changes.map((c) => c.uri)));

  connection.onHover((params) => verificationHover(params, documents.get(params.textDocument.uri), (uri) => session?.documents.detail(uri, VERIFY_PASS) as VerifyReport | undefined));

  documents.onDidClose(({ document }) => {
    scheduled.delete(document.uri);
    session?.documents.close(document.uri);
    session?.config.forget(document.uri);
    session?.client.publishDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  connection.onCodeAction(async (params, token) => {
    if (!session) return [];
    const current = session;
    const doc = documents.get(params.textDocument.uri);
    // Nothing is offered for a document orbit-ls does not analyse (above orbit.maxFileSize).
    if (doc && doc.getText().length > (await current.config.settingsFor(doc.uri)).maxFileSize) return [];
    const actions = codeActionsFor(params, doc, { documentChanges: current.features.documentChanges, recover: (d) => recoverData(current, doc, d) });
    // Regeneration comes last: the deterministic fixes above are preferred whenever they apply.
    const regenerate = regeneration ? await regenerationActions(params, doc, regeneration, toSignal(token)) : [];
    if (current.features.codeActionLiterals) return [...actions, ...regenerate];
    return [...actions.map((a) => asCommand(a, doc as TextDocument, current.edits)), ...regenerate.flatMap((a) => (a.command ? [a.command] : []))];
  });

  connection.onCodeActionResolve((action, token) => (regeneration ? resolveRegeneration(action, regeneration, toSignal(token)) : action));

  connection.onExecuteCommand(async (params, token) => {
    const command = findCommand(params.command);
    if (!session || !command) return null;
    const { client, config } = session;
    const edits = { tokens: session.edits, version: (uri: string) => documents.get(uri)?.version };
    return command.run(params.arguments ?? [], { ...passCommands(session, documents), client, resolvedSettings: (uri) => config.resolvedFor(uri), edits, regeneration }, toSignal(token));
  });

  connection.languages.diagnostics.on(async (params, token) => {
    const doc = documents.get(params.textDocument.uri);
    if (session && doc && isManifest(doc.uri)) return { kind: 'full', items: await manifestDiagnostics(session, doc) };
    const items = session && doc && analysable(doc) ? await pullDiagnostics(session, documents, doc, toSignal(token)) : [];
    return { kind: 'full', items };
  });

  connection.onDidChangeConfiguration((params) => {
    session?.config.changed(params.settings);
    session?.models.configurationChanged();
    void session?.documents.settingsChanged();
  });

  connection.onShutdown(() => {
    regeneration?.service.dispose();
    return session?.close();
  });

  listenGuarded(documents, connection, (message) => (session ? session.client.log(message) : connection.console.log(message)), edits);
  connection.listen();
}

function createSession(connection: Connection, params: InitializeParams, documents: TextDocuments<TextDocument>, options: ServerOptions, edits: EditLog): Session {
  const { capabilities, features } = negotiate(params.capabilities);
  const client = connectionClient(connection, () => features);
  const config = createConfigurationStore(client, params.initializationOptions);
  // The pool is sized once from the workspace-level settings (initializationOptions, then the
  // client's answer), fetched once initialized; this also surfaces invalid settings at once.
  let started: Promise<AnalysisPool> | undefined;
  const pool = (): Promise<AnalysisPool> =>
    (started ??= config.settingsFor(undefined).then((settings) => {
      client.log(`orbit-ls ${orbitVersion()}: analysing with ${settings.pool.size} worker thread(s) (orbit.pool.size), and as many again for sandbox and verification passes once one runs`);
      return createPool({ size: settings.pool.size, filename: options.workerFilename, log: client.log });
    }));
  // The one place diagnostics are published from: the owner's merged report of the version the editor has.
  const publish = (report: DocumentReport): void => {
    const doc = documents.get(report.uri);
    if (!doc || doc.version !== report.version) return;
    client.publishDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: toDiagnostics(report, doc, features) });
  };
  const workspace = workspaceIndexHost(params, {
    pool,
    openText: (uri) => documents.get(uri)?.getText(),
    openUris: () => documents.keys(),
    recheck: (uri) => void owner.run(uri, STATIC_PASS),
    log: client.log,
  });
  const models = createModelService({ workspaceSettings: () => config.settingsFor(undefined), env: process.env, notify: (m) => client.showWarning(m), log: (m) => client.log(m) });
  const owner = createDocuments({
    passes: editorPasses({
      models,
      pool,
      workspaceSettings: () => config.settingsFor(undefined),
      log: client.log,
      notify: (message) => client.showWarning(message),
      startProgress: (title) => client.startProgress(title),
      env: process.env,
      imports: createImportSource({ openText: (uri) => documents.get(uri)?.getText(), summaryOf: (file, text) => workspace.index.summaryOf(file, text), mountedAs: (file) => workspace.index.mountedAs(file) }),
    }),
    snapshot(uri) {
      const doc = documents.get(uri);
      return doc && analysable(doc) ? snapshot(doc, edits) : undefined;
    },
    settingsFor: (uri) => config.settingsFor(uri),
    onChange: publish,
    log: client.log,
  });
  const close = async (): Promise<void> => {
    workspace.dispose();
    owner.dispose();
    models.dispose();
    await (await started)?.close();
  };
  return { capabilities, features, client, config, pool, close, documents: owner, edits: createEditTokens(), models, workspace };
}

function regenerationHost(session: Session, documents: TextDocuments<TextDocument>): RegenerationHost {
  return {
    client: session.client,
    features: session.features,
    service: createRegenerationService({
      models: session.models,
      checks: (s) => poolChecks(session.pool, { checkMs: s.analysisTimeoutMs, verifyMs: s.regenerate.timeoutMs }),
    }),
    document: (uri) => documents.get(uri),
    settingsFor: (uri) => session.config.settingsFor(uri),
    targets: regenerationTargets(session),
  };
}

/**
 * The regeneration targets of a code action request, found by the `regenerationTargets` task on
 * the static lane and remembered for the document's version, since editors ask on every cursor move.
 */
function regenerationTargets(session: Session): RegenerationHost['targets'] {
  const cache = new Map<string, { version: number; bySpan: Map<string, { name: string; bodyStart: number } | null> }>();
  return async (doc, spans, signal) => {
    const language = languageFromId(doc.languageId);
    const settings = await session.config.settingsFor(doc.uri);
    if (!language || doc.getText().length > settings.maxFileSize) return [];
    let entry = cache.get(doc.uri);
    if (!entry || entry.version !== doc.version) {
      entry = { version: doc.version, bySpan: new Map() };
      cache.set(doc.uri, entry);
    }
    const key = (span: { start: number; end: number }): string => `${span.start}:${span.end}`;
    const missing = spans.filter((span) => !entry.bySpan.has(key(span)));
    if (missing.length > 0) {
      const input = { fileName: doc.uri, text: doc.getText(), language, spans: missing };
      const outcome = await (await session.pool()).run('regenerationTargets', input, { signal, timeoutMs: settings.analysisTimeoutMs });
      if (outcome.kind !== 'done') return [];
      missing.forEach((span, i) => entry.bySpan.set(key(span), outcome.value[i] ?? null));
    }
    if (cache.size > 100) cache.delete(cache.keys().next().value as string);
    return spans.map((span) => entry.bySpan.get(key(span)) ?? null);
  };
}

/** A pull request waits for the analysis of the document's current version, then converts it. */
async function pullDiagnostics(session: Session, documents: TextDocuments<TextDocument>, doc: TextDocument, signal: AbortSignal): Promise<Diagnostic[]> {
  const report = await session.documents.whenReport(doc.uri, doc.version, signal);
  const current = documents.get(doc.uri);
  if (!report || !current || current.version !== report.version) return [];
  return toDiagnostics(report, current, session.features);
}

/**
 * The data the server published for a diagnostic the client sent back, found again in the last
 * report of the document's current version by rule and range. Fix edits are taken only from
 * here, never from the client's copy of `data`, which may be stale, altered or forged.
 */
function recoverData(session: Session, doc: TextDocument | undefined, d: { code?: number | string; range: Range }): FindingData | undefined {
  const report = doc && session.documents.actionable(doc.uri);
  if (!doc || !report || report.version !== doc.version) return undefined;
  let items = published.get(report);
  if (!items) {
    items = toDiagnostics(report, doc, { relatedInformation: false });
    published.set(report, items);
  }
  const same = (a: Range['start'], b: Range['start']): boolean => a.line === b.line && a.character === b.character;
  const match = items.find((item) => item.code === d.code && same(item.range.start, d.range.start) && same(item.range.end, d.range.end));
  return match && isFindingData(match.data) ? match.data : undefined;
}

/** The install-script findings of an open package.json. */
async function manifestDiagnostics(session: Session, doc: TextDocument): Promise<Diagnostic[]> {
  const settings = await session.config.settingsFor(doc.uri);
  return toDiagnostics(manifestReport({ uri: doc.uri, version: doc.version, text: doc.getText() }, settings), doc, session.features);
}

async function publishManifest(session: Session, doc: TextDocument): Promise<void> {
  const diagnostics = await manifestDiagnostics(session, doc);
  session.client.publishDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
}

const snapshot = (doc: TextDocument, edits: EditLog): DocumentSnapshot => {
  const text = doc.getText();
  const chain = edits.chain(doc.uri, doc.version, text.length);
  return { uri: doc.uri, version: doc.version, text, language: languageFromId(doc.languageId), ...(chain ? { edits: chain } : {}) };
};
// View templates are analysed by file name whatever language id the editor gives them;
// package.json is checked on its own terms (install scripts), whatever language id it comes with.
const analysable = (doc: TextDocument): boolean => (languageFromId(doc.languageId) !== undefined || templateKind(doc.uri) !== undefined) && !isManifest(doc.uri);

/** What the commands need of the passes: re-analysis, verification and the sandbox run now. */
function passCommands(session: Session, documents: TextDocuments<TextDocument>): Pick<CommandContext, 'scheduler' | 'verification' | 'sandbox'> {
  const owner = session.documents;
  return {
    scheduler: { openDocuments: () => owner.uris(), reanalyzeAll: () => owner.rerunAll(STATIC_PASS) },
    verification: {
      document: (uri) => documents.get(uri),
      service: {
        async verifyNow(uri, at, signal) {
          const outcome = await owner.run(uri, VERIFY_PASS, { signal, at });
          return outcome.kind === 'yielded' ? (outcome.detail as VerifyReport) : undefined;
        },
      },
    },
    sandbox: {
      async runNow(uri, signal) {
        const outcome = await owner.run(uri, SANDBOX_PASS, { signal });
        return outcome.kind === 'yielded' ? (outcome.detail as SandboxOutcome) : outcome;
      },
    },
  };
}

/** The diagnostics of a report, converted once for all the code action requests on that version. */
const published = new WeakMap<DocumentReport, Diagnostic[]>();

function toSignal(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
