// "Regenerate securely (orbit-ls)": the code action on a finding or a selection, and the
// orbit-ls.regenerate command (in the command registry) that generates with cancellable
// work-done progress and applies the edit through workspace/applyEdit. codeAction/resolve answers
// at once with that command for clients that resolve `command`; a client that can only resolve
// `edit` gets the edit from resolve, generated under the same progress. Edits apply only to the
// version they were generated for.
import {
  CodeActionKind,
  TextDocumentEdit,
  type CodeAction,
  type CodeActionParams,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { languageFromId, type Span } from '../core/types';
import type { Settings } from '../config/schema';
import type { Progress } from '../engine/progress';
import { regenerationTitle, type RegenerateRequest, type RegenerateResult } from '../engine/regenerate/index';
import type { RegenerationService } from '../engine/regenerate/service';
import type { LspClient } from './client';
import { SOURCE } from './diagnostics';

export const REGENERATE_COMMAND = 'orbit-ls.regenerate';
/** The id the command path's actions carry: the one earlier releases used, for as long as it is an
 *  alias, so client-side handlers keyed on the id (e.g. Neovim's vim.lsp.commands) keep working. */
export const ACTION_COMMAND = 'orbit.regenerate';

/** What an action carries, in `data` (resolve path) or as the command's one argument. */
export interface RegenerateArgs {
  orbit: 'regenerate';
  uri: string;
  version: number;
  span: Span;
  finding?: { ruleId: string; message: string };
}

export interface RegenerationFeatures {
  /** The client resolves code actions lazily and accepts an `edit` from codeAction/resolve. */
  codeActionResolve: boolean;
  /** It also accepts a `command` from codeAction/resolve: resolve then never waits on the model. */
  codeActionResolveCommand: boolean;
  documentChanges: boolean;
  workDoneProgress: boolean;
}

export interface RegenerationHost {
  client: LspClient;
  features: RegenerationFeatures;
  service: RegenerationService;
  document(uri: string): TextDocument | undefined;
  settingsFor(uri: string): Promise<Settings>;
  /**
   * The function around each span (parsed in a worker, never on the main thread); an empty list
   * when the document is above orbit.maxFileSize or the request was cancelled.
   */
  targets(doc: TextDocument, spans: Span[], signal: AbortSignal): Promise<({ name: string; bodyStart: number } | null)[]>;
}

/** The actions for a code action request: one per orbit-ls finding, or one for a selection. They
 *  are listed without asking Ollama (a handler never waits on the model); a missing model is
 *  reported when the action runs. */
export async function regenerationActions(params: CodeActionParams, doc: TextDocument | undefined, host: RegenerationHost, signal: AbortSignal): Promise<CodeAction[]> {
  const language = doc && languageFromId(doc.languageId);
  if (!doc || !language) return [];
  const only = params.context.only;
  if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
  const requests: { span: Span; finding?: RegenerateArgs['finding']; diagnostics?: CodeAction['diagnostics'] }[] = [];
  for (const d of params.context.diagnostics) {
    if (d.source !== SOURCE || typeof d.code !== 'string' || d.code === 'analysis-incomplete' || d.code === 'sandbox-incomplete') continue;
    requests.push({ span: { start: doc.offsetAt(d.range.start), end: doc.offsetAt(d.range.end) }, finding: { ruleId: d.code, message: typeof d.message === 'string' ? d.message : d.message.value }, diagnostics: [d] });
  }
  const selection = { start: doc.offsetAt(params.range.start), end: doc.offsetAt(params.range.end) };
  if (requests.length === 0 && selection.end > selection.start) requests.push({ span: selection });
  if (requests.length === 0) return [];
  const version = doc.version;
  const targets = await host.targets(doc, requests.map((r) => r.span), signal);
  if (host.document(doc.uri)?.version !== version) return [];
  const seen = new Set<number>();
  const actions: CodeAction[] = [];
  for (const [i, r] of requests.entries()) {
    const found = targets[i];
    if (!found || seen.has(found.bodyStart)) continue;
    const target = { unit: { name: found.name }, bodyStart: found.bodyStart };
    seen.add(target.bodyStart);
    const args: RegenerateArgs = { orbit: 'regenerate', uri: doc.uri, version, span: r.span, ...(r.finding ? { finding: r.finding } : {}) };
    const title = regenerationTitle(target, r.finding);
    const action: CodeAction = { title, kind: CodeActionKind.QuickFix, ...(r.diagnostics ? { diagnostics: r.diagnostics } : {}) };
    if (host.features.codeActionResolve) action.data = args;
    else action.command = { title, command: ACTION_COMMAND, arguments: [args] };
    actions.push(action);
  }
  if (actions.length > 0) void host.settingsFor(doc.uri).then((s) => host.service.offered(s), () => undefined);
  return actions;
}

/**
 * codeAction/resolve. A client that resolves `command` gets the orbit-ls.regenerate command at
 * once (the model runs when the client executes it, under progress). A client that resolves only
 * `edit` has no other way to receive the change, so the edit is generated here, under the same
 * cancellable progress as the command, and $/cancelRequest stops it too.
 */
export async function resolveRegeneration(action: CodeAction, host: RegenerationHost, signal: AbortSignal): Promise<CodeAction> {
  if (!isRegenerateArgs(action.data)) return action;
  if (host.features.codeActionResolveCommand) {
    return { ...action, data: undefined, command: { title: action.title, command: REGENERATE_COMMAND, arguments: [action.data] } };
  }
  const args = action.data;
  const result = await withProgress(host, signal, (s) => generate(args, host, s));
  if (result.kind !== 'edit') {
    report(result, host);
    return { ...action, data: undefined };
  }
  host.client.log(`orbit-ls: ${result.title}: resolved; ${describeCuts(result)}`);
  return { ...action, title: result.title, edit: workspaceEdit(result, host) };
}

/** The orbit-ls.regenerate command: generates with work-done progress (cancellable where the
 *  client supports it) and applies the edit through workspace/applyEdit. */
export async function executeRegeneration(rawArgs: readonly unknown[], host: RegenerationHost, signal: AbortSignal): Promise<{ applied: boolean; message?: string }> {
  const args = rawArgs[0];
  if (!isRegenerateArgs(args)) return { applied: false, message: 'orbit-ls.regenerate expects the arguments of its code action.' };
  return withProgress(host, signal, async (local, progress) => {
    const result = await generate(args, host, local);
    if (result.kind !== 'edit') return { applied: false, message: report(result, host) };
    progress.report('applying the verified edit');
    const applied = await host.client.applyEdit(result.title, workspaceEdit(result, host));
    host.client.log(`orbit-ls: ${result.title}: ${applied ? 'applied' : 'the editor did not apply it'}; ${describeCuts(result)}`);
    return { applied };
  });
}

/** Runs `work` under cancellable work-done progress; the request's cancellation and the user's
 *  cancel of the progress both abort it. */
async function withProgress<T>(host: RegenerationHost, signal: AbortSignal, work: (signal: AbortSignal, progress: Progress) => Promise<T>): Promise<T> {
  const local = new AbortController();
  const onAbort = (): void => local.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) local.abort();
  const progress = await host.client.startProgress('orbit-ls: regenerating securely', local);
  try {
    progress.report('writing and checking each statement');
    return await work(local.signal, progress);
  } finally {
    progress.done();
    signal.removeEventListener('abort', onAbort);
  }
}

async function generate(args: RegenerateArgs, host: RegenerationHost, signal: AbortSignal): Promise<RegenerateResult> {
  const base = { uri: args.uri, version: args.version };
  const doc = host.document(args.uri);
  const language = doc && languageFromId(doc.languageId);
  if (!doc || !language || doc.version !== args.version) return { kind: 'failed', ...base, message: staleMessage, cuts: [] };
  const settings = await host.settingsFor(args.uri);
  if (doc.getText().length > settings.maxFileSize) return { kind: 'failed', ...base, message: `Regenerate securely skips files longer than orbit.maxFileSize (${settings.maxFileSize} characters), as every analysis does.`, cuts: [] };
  const req: RegenerateRequest = { uri: args.uri, version: args.version, fileName: args.uri, text: doc.getText(), language, span: args.span, finding: args.finding };
  const result = await host.service.run(req, settings, signal);
  // The document may have changed while the model wrote: an edit for an older version is dropped.
  if (result.kind === 'edit' && host.document(args.uri)?.version !== args.version) return { kind: 'failed', ...base, message: staleMessage, cuts: [] };
  return result;
}

const staleMessage = 'The file changed while the function was being regenerated, so nothing was applied; run "Regenerate securely" again.';

function report(result: Exclude<RegenerateResult, { kind: 'edit' }>, host: RegenerationHost): string {
  const message = result.kind === 'cancelled' ? 'Regenerate securely was cancelled; nothing was changed.' : `orbit-ls: ${result.message}`;
  if (result.kind === 'failed') {
    host.client.showWarning(message);
    if (result.cuts.length > 0) host.client.log(`orbit-ls: rejected while regenerating: ${result.cuts.map((c) => `${c.violations[0]?.constraint}: ${c.statement.replace(/\s+/g, ' ')}`).join(' | ')}`);
  }
  return message;
}

function describeCuts(result: Extract<RegenerateResult, { kind: 'edit' }>): string {
  const cuts = result.cuts.map((c) => `cut "${c.statement.replace(/\s+/g, ' ')}" (${c.violations.map((v) => v.constraint).join(', ')})`);
  return `${result.attempts} call(s), ${result.tokens} tokens${cuts.length ? `; ${cuts.join('; ')}` : ''}; sandbox: behaviour ${result.verification.behaviour}, attack ${result.verification.attack}`;
}

/** The body edit as ranges of the current document, which the caller checked is still the version
 *  the edit was made for; versioned where the client applies versioned edits. */
function workspaceEdit(result: Extract<RegenerateResult, { kind: 'edit' }>, host: RegenerationHost): WorkspaceEdit {
  const doc = host.document(result.uri);
  if (!doc) return {};
  const edits = [{ range: { start: doc.positionAt(result.edit.span.start), end: doc.positionAt(result.edit.span.end) }, newText: result.edit.newText }];
  return host.features.documentChanges
    ? { documentChanges: [TextDocumentEdit.create({ uri: result.uri, version: result.version }, edits)] }
    : { changes: { [result.uri]: edits } };
}

function isRegenerateArgs(value: unknown): value is RegenerateArgs {
  const v = value as RegenerateArgs | undefined;
  return typeof v === 'object' && v !== null && v.orbit === 'regenerate' && typeof v.uri === 'string' && typeof v.version === 'number' && typeof v.span?.start === 'number';
}

