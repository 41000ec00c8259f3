// What a workspace/executeCommand command is and what it is given. Kept apart from the registry
// (commands.ts), which imports every command, so that a command's own file can import these types
// without a cycle.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ResolvedSettings } from '../config/validate';
import type { Scheduler } from '../engine/scheduler';
import type { SandboxService } from '../engine/sandbox/service';
import type { VerifyService } from '../engine/verify/service';
import type { LspClient } from './client';
import type { EditTokens } from './edit-tokens';
import type { RegenerationHost } from './regenerate';

/** What the verification commands need from the session. */
export interface VerificationHandle {
  service: Pick<VerifyService, 'verifyNow'>;
  document(uri: string): TextDocument | undefined;
}

export interface CommandContext {
  scheduler: Pick<Scheduler, 'openDocuments' | 'reanalyzeAll'>;
  client: LspClient;
  resolvedSettings(uri: string | undefined): Promise<ResolvedSettings>;
  /** Model verification (orbit-ls.verifyDocument, orbit-ls.verifyFunction). */
  verification?: VerificationHandle;
  /** The sandbox pass, which orbit-ls.verifyDocument runs beside the model. */
  sandbox?: Pick<SandboxService, 'runNow'>;
  /** Quick-fix edits the server handed out as tokens, and the open documents' versions. */
  edits?: { tokens: EditTokens; version(uri: string): number | undefined };
  /** "Regenerate securely" (orbit-ls.regenerate). */
  regeneration?: RegenerationHost;
}

export interface ServerCommand {
  id: string;
  /** Earlier ids that still run this command (kept for one release, then removed). */
  aliases?: readonly string[];
  run(args: readonly unknown[], ctx: CommandContext, signal: AbortSignal): Promise<unknown>;
}
