// Code actions for orbit-ls diagnostics, built from `diagnostic.data` alone (stateless): the rule's
// fixes (the first one preferred) and a comment that suppresses the rule on that line.
import {
  CodeActionKind,
  TextDocumentEdit,
  type CodeAction,
  type CodeActionParams,
  type Command,
  type Diagnostic,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isFindingData, SOURCE, type FindingData } from './diagnostics';

export interface CodeActionOptions {
  documentChanges: boolean;
  /** Finds the data of a published diagnostic when the client sent it back without `data`. */
  recover(diagnostic: Diagnostic): FindingData | undefined;
}

export function codeActionsFor(params: CodeActionParams, doc: TextDocument | undefined, options: CodeActionOptions): CodeAction[] {
  if (!doc) return [];
  const only = params.context.only;
  if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
  const actions: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== SOURCE) continue;
    const data = isFindingData(diagnostic.data) ? diagnostic.data : options.recover(diagnostic);
    // Edits are ranges in the version the diagnostic was computed for; on any other version they
    // could land in the wrong place, and fresh diagnostics with fresh edits are on their way.
    if (!data || data.version !== doc.version) continue;
    data.fixes.forEach((fix, i) => {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: i === 0,
        edit: workspaceEdit(doc, fix.edits, options.documentChanges),
      });
    });
    if (data.suppress) {
      actions.push({
        title: `Ignore ${data.ruleId} on this line (orbit-ls)`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: workspaceEdit(doc, [data.suppress], options.documentChanges),
      });
    }
  }
  return actions;
}

/** The same action as a Command, for clients that predate code action literals. */
export function asCommand(action: CodeAction): Command {
  return { title: action.title, command: 'orbit-ls.applyEdit', arguments: [action.title, action.edit] };
}

function workspaceEdit(doc: TextDocument, edits: LspTextEdit[], documentChanges: boolean): WorkspaceEdit {
  return documentChanges
    ? { documentChanges: [TextDocumentEdit.create({ uri: doc.uri, version: doc.version }, edits)] }
    : { changes: { [doc.uri]: edits } };
}
