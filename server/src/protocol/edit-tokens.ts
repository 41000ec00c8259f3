// Edits the server produced, held for clients that run a quick fix as a Command
// (`orbit-ls.applyEdit`): the command carries a token, never the edit, so a client (or anything
// that can put a command in front of one) cannot make orbit-ls forward an edit it did not make.
// A token applies only while its document is open at the version the edit was made for.
import { randomUUID } from 'node:crypto';
import type { WorkspaceEdit } from 'vscode-languageserver/node';

export interface HeldEdit {
  uri: string;
  version: number;
  title: string;
  edit: WorkspaceEdit;
}

export interface EditTokens {
  /** Keeps an edit the server made for `uri` at `version`; returns the token that stands for it. */
  issue(held: HeldEdit): string;
  /** The edit for a token, if the token is known and its document is still at that version. */
  redeem(token: unknown, currentVersion: (uri: string) => number | undefined): { edit: HeldEdit } | { refused: string };
}

/** Editors ask for code actions on every cursor move; only the most recent tokens are kept. */
const MAX_HELD = 1000;

export function createEditTokens(): EditTokens {
  const held = new Map<string, HeldEdit>();
  return {
    issue(edit) {
      const token = randomUUID();
      held.set(token, edit);
      if (held.size > MAX_HELD) held.delete(held.keys().next().value as string);
      return token;
    },
    redeem(token, currentVersion) {
      const edit = typeof token === 'string' ? held.get(token) : undefined;
      if (!edit) return { refused: 'orbit-ls.applyEdit takes the token of a quick fix orbit-ls offered; this one is unknown or expired, so nothing was applied. Ask for the quick fix again.' };
      const version = currentVersion(edit.uri);
      if (version !== edit.version) {
        held.delete(token as string);
        return { refused: `${edit.uri} is ${version === undefined ? 'no longer open' : `at version ${version}, not ${edit.version}`}, so the quick fix "${edit.title}" was not applied. Ask for the quick fix again.` };
      }
      held.delete(token as string);
      return { edit };
    },
  };
}
