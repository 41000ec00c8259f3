// The seam between the server's logic and the JSON-RPC connection: everything the server asks of
// the client goes through LspClient, so tests can drive the logic with a plain object.
import {
  MessageType,
  ShowMessageNotification,
  type Connection,
  type PublishDiagnosticsParams,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Progress } from '../engine/progress';

export interface LspClient {
  publishDiagnostics(params: PublishDiagnosticsParams): void;
  /** A window/showMessage warning: for things the user must fix, e.g. an invalid setting. */
  showWarning(message: string): void;
  /** A line in the client's log (window/logMessage); the only way the server logs. */
  log(message: string): void;
  /** One workspace/configuration item; null or undefined when the client has nothing. */
  configuration(scopeUri: string | undefined, section: string): Promise<unknown>;
  applyEdit(label: string, edit: WorkspaceEdit): Promise<boolean>;
  /** Work-done progress when the client supports it, otherwise a reporter that does nothing.
   *  With `cancel`, the progress is cancellable and the user's cancel aborts it. */
  startProgress(title: string, cancel?: AbortController): Promise<Progress>;
}

export interface ClientFeatures {
  workspaceConfiguration: boolean;
  workDoneProgress: boolean;
}

const silentProgress: Progress = { report: () => undefined, done: () => undefined };

export function connectionClient(connection: Connection, features: () => ClientFeatures): LspClient {
  return {
    publishDiagnostics: (params) => void connection.sendDiagnostics(params).catch(() => undefined),
    showWarning: (message) => void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message }).catch(() => undefined),
    log: (message) => connection.console.log(message),
    async configuration(scopeUri, section) {
      if (!features().workspaceConfiguration) return undefined;
      const [answer] = (await connection.workspace.getConfiguration([{ scopeUri, section }])) as unknown[];
      return answer;
    },
    async applyEdit(label, edit) {
      const result = await connection.workspace.applyEdit({ label, edit });
      return result.applied;
    },
    async startProgress(title, cancel) {
      if (!features().workDoneProgress) return silentProgress;
      if (!cancel) {
        const reporter = await connection.window.createWorkDoneProgress();
        reporter.begin(title, 0, undefined, false);
        return { report: (message, percentage) => reporter.report(percentage ?? 0, message), done: () => reporter.done() };
      }
      // A client that refuses the progress token still gets the work done, without progress.
      try {
        const reporter = await connection.window.createWorkDoneProgress();
        reporter.begin(title, undefined, undefined, true);
        reporter.token.onCancellationRequested(() => cancel.abort());
        return { report: (message) => reporter.report(message), done: () => reporter.done() };
      } catch {
        return silentProgress;
      }
    },
  };
}
