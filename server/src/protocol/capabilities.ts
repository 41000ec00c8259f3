// Server capabilities chosen from the client's: we only promise what the client can use, and we
// remember which optional client features (pull diagnostics, progress, …) we may rely on.
import { CodeActionKind, TextDocumentSyncKind, type ClientCapabilities, type ServerCapabilities } from 'vscode-languageserver/node';
import type { ClientFeatures } from './client';
import { COMMAND_IDS } from './commands';

export interface NegotiatedFeatures extends ClientFeatures {
  pullDiagnostics: boolean;
  relatedInformation: boolean;
  codeDescription: boolean;
  codeActionLiterals: boolean;
  /** The client applies versioned TextDocumentEdits, so a fix never lands on a changed document. */
  documentChanges: boolean;
  /** codeAction/resolve may fill in `edit`: Regenerate securely runs the model there. */
  codeActionResolve: boolean;
  /** codeAction/resolve may return a `command`: resolve then answers without waiting on the model. */
  codeActionResolveCommand: boolean;
  didChangeConfigurationDynamic: boolean;
}

export function negotiate(client: ClientCapabilities): { capabilities: ServerCapabilities; features: NegotiatedFeatures } {
  const td = client.textDocument;
  const features: NegotiatedFeatures = {
    workspaceConfiguration: client.workspace?.configuration === true,
    workDoneProgress: client.window?.workDoneProgress === true,
    pullDiagnostics: td?.diagnostic !== undefined,
    relatedInformation: td?.publishDiagnostics?.relatedInformation === true,
    codeDescription: td?.publishDiagnostics?.codeDescriptionSupport === true,
    codeActionLiterals: td?.codeAction?.codeActionLiteralSupport !== undefined,
    documentChanges: client.workspace?.workspaceEdit?.documentChanges === true,
    codeActionResolve: td?.codeAction?.dataSupport === true && td.codeAction.resolveSupport?.properties.includes('edit') === true,
    codeActionResolveCommand: td?.codeAction?.dataSupport === true && td.codeAction.resolveSupport?.properties.includes('command') === true,
    didChangeConfigurationDynamic: client.workspace?.didChangeConfiguration?.dynamicRegistration === true,
  };
  const capabilities: ServerCapabilities = {
    // didSave starts the sandbox pass and model verification (orbit.verify.trigger "onSave").
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
    codeActionProvider: features.codeActionLiterals ? { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: features.codeActionResolve } : true,
    executeCommandProvider: { commands: [...COMMAND_IDS] },
  };
  // The hover shows a verified function's consistency score and orbit size.
  if (td?.hover) capabilities.hoverProvider = true;
  // Push diagnostics are always sent; pull is offered in addition, only to clients that ask for it.
  if (features.pullDiagnostics) {
    capabilities.diagnosticProvider = { identifier: 'orbit-ls', interFileDependencies: false, workspaceDiagnostics: false };
  }
  return { capabilities, features };
}
