// Code actions for orbit-ls diagnostics: the rule's fixes (the first one preferred) and a comment
// that suppresses the rule on that line. The edits come from the server's own report for the
// document's current version, found again by rule and range; what the client sends back in
// `diagnostic.data` only tells which version the diagnostic was seen for, and is never applied.
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
import type { EditTokens } from './edit-tokens';

export interface CodeActionOptions {
  documentChanges: boolean;
  /** The data the server itself published for this diagnostic at the document's current version. */
  recover(diagnostic: Diagnostic): FindingData | undefined;
}

export function codeActionsFor(params: CodeActionParams, doc: TextDocument | undefined, options: CodeActionOptions): CodeAction[] {
  if (!doc) return [];
  const only = params.context.only;
  if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
  const actions: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== SOURCE) continue;
    // Edits are ranges in the version the diagnostic was computed for; on any other version they
    // could land in the wrong place, and fresh diagnostics with fresh edits are on their way.
    if (isFindingData(diagnostic.data) && diagnostic.data.version !== doc.version) continue;
    const data = options.recover(diagnostic);
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

export const APPLY_EDIT_COMMAND = 'orbit-ls.applyEdit';

/**
 * The same action as a Command, for clients that predate code action literals. The command carries
 * a token for the edit, which stays with the server (see edit-tokens.ts).
 */
export function asCommand(action: CodeAction, doc: TextDocument, tokens: EditTokens): Command {
  const token = tokens.issue({ uri: doc.uri, version: doc.version, title: action.title, edit: action.edit ?? {} });
  return { title: action.title, command: APPLY_EDIT_COMMAND, arguments: [token] };
}

function workspaceEdit(doc: TextDocument, edits: LspTextEdit[], documentChanges: boolean): WorkspaceEdit {
  return documentChanges
    ? { documentChanges: [TextDocumentEdit.create({ uri: doc.uri, version: doc.version }, edits)] }
    : { changes: { [doc.uri]: edits } };
}
