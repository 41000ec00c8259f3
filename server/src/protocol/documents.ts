// The document store's view of the connection, with the client's claims checked first: a didChange
// whose version does not move forward (a replayed, reordered or forged change) is dropped with a
// log line, so diagnostics are never computed and published for a version older than one we have.
// Each accepted change is also recorded, as offsets, in the edit log the static pass sends workers.
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { EditLog } from './edit-log';

type DocumentConnection = Parameters<TextDocuments<TextDocument>['listen']>[0];

export function listenGuarded(documents: TextDocuments<TextDocument>, connection: Connection, log: (message: string) => void, edits?: EditLog): void {
  const guarded: DocumentConnection = {
    onDidOpenTextDocument: (handler) =>
      connection.onDidOpenTextDocument((params) => {
        edits?.opened(params.textDocument.uri);
        return handler(params);
      }),
    onDidChangeTextDocument: (handler) =>
      connection.onDidChangeTextDocument((params) => {
        const current = documents.get(params.textDocument.uri);
        const version = params.textDocument.version;
        if (current && !(typeof version === 'number' && version > current.version)) {
          log(`orbit-ls: ignored a change to ${params.textDocument.uri} with version ${String(version)}: the document is already at version ${current.version}, and versions only go forward`);
          return;
        }
        if (current) edits?.record(current, version, params.contentChanges);
        return handler(params);
      }),
    onDidCloseTextDocument: (handler) =>
      connection.onDidCloseTextDocument((params) => {
        edits?.forget(params.textDocument.uri);
        return handler(params);
      }),
    onWillSaveTextDocument: (handler) => connection.onWillSaveTextDocument(handler),
    onWillSaveTextDocumentWaitUntil: (handler) => connection.onWillSaveTextDocumentWaitUntil(handler),
    onDidSaveTextDocument: (handler) => connection.onDidSaveTextDocument(handler),
  };
  documents.listen(guarded);
}
