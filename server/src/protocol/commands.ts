// workspace/executeCommand: a small registry of commands. To add one, append a ServerCommand to
// `commands`; its id (and any alias) is advertised in the capabilities automatically. Every id
// starts with `orbit-ls.`; the `orbit.` ids of earlier releases are aliases for one release. A
// command gets the request's cancellation as `signal` and reports long work through
// `client.startProgress` (cancellable where it passes its AbortController).
import type { ServerCommand } from './command-context';
import { verifyDocumentCommand, verifyFunctionCommand } from './verify';
import { executeRegeneration } from './regenerate';

export type { CommandContext, ServerCommand } from './command-context';

const reanalyze: ServerCommand = {
  id: 'orbit-ls.reanalyze',
  async run(_args, { scheduler, client }) {
    const count = scheduler.openDocuments().length;
    const progress = await client.startProgress(`orbit-ls: analysing ${count} open file(s)`);
    try {
      await scheduler.reanalyzeAll();
    } finally {
      progress.done();
    }
    return { analysed: count };
  },
};

/**
 * Applies a quick fix for clients without code action literals (they receive Commands instead).
 * The one argument is the token the code action carried; an edit passed in its place, an unknown
 * token, or a document that changed since is refused with a log line and nothing is applied.
 */
const applyEdit: ServerCommand = {
  id: 'orbit-ls.applyEdit',
  async run(args, { client, edits }) {
    const outcome = edits ? edits.tokens.redeem(args[0], edits.version) : { refused: 'no quick fixes are held' };
    if ('refused' in outcome) {
      client.log(`orbit-ls: ${outcome.refused}`);
      return { applied: false, message: outcome.refused };
    }
    return { applied: await client.applyEdit(outcome.edit.title, outcome.edit.edit) };
  },
};

/** Returns the settings in effect for a document (or the workspace), with any problems found. */
const showSettings: ServerCommand = {
  id: 'orbit-ls.settings',
  run: async (args, ctx) => ctx.resolvedSettings(typeof args[0] === 'string' ? args[0] : undefined),
};

/** Generates under the security constraints with cancellable work-done progress, then applies
 *  the verified edit through workspace/applyEdit. The one argument is what the action carried. */
const regenerate: ServerCommand = {
  id: 'orbit-ls.regenerate',
  aliases: ['orbit.regenerate'],
  run: async (args, ctx, signal) => (ctx.regeneration ? executeRegeneration(args, ctx.regeneration, signal) : null),
};

export const commands: readonly ServerCommand[] = [reanalyze, applyEdit, showSettings, verifyDocumentCommand, verifyFunctionCommand, regenerate];
export const COMMAND_IDS: readonly string[] = commands.flatMap((c) => [c.id, ...(c.aliases ?? [])]);

/** The command an id names, by its id or an alias. */
export function findCommand(id: string): ServerCommand | undefined {
  return commands.find((c) => c.id === id || c.aliases?.includes(id));
}
