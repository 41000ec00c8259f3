// `orbit-ls [--stdio | --node-ipc | --socket=N | --pipe=NAME]`: runs the language server on the
// transport vscode-languageserver picks from the command line (stdio when none is given).
import { format } from 'node:util';
import { createConnection, type Connection } from 'vscode-languageserver/node';
import { startServer } from '../protocol/server';
import { framingGuard } from '../protocol/framing';

const TRANSPORTS = /^--(stdio|node-ipc|socket|pipe)(=|$)/;

export function serve(argv: readonly string[]): void {
  const stdio = !argv.some((a) => TRANSPORTS.test(a)) || argv.includes('--stdio');
  const connection = stdio ? stdioConnection() : createConnection();
  // Nothing may reach stdout but the protocol, and no stray error may end the session: log it to
  // the client and carry on (the session survives any input).
  process.on('uncaughtException', (err) => connection.console.error(`orbit-ls: unexpected error: ${err.stack ?? String(err)}`));
  process.on('unhandledRejection', (err) => connection.console.error(`orbit-ls: unexpected rejection: ${String(err)}`));
  startServer(connection);
}

/**
 * stdio with the framing checked first: a client that breaks the base protocol ends the session
 * with a sentence on stderr and exit code 1, instead of leaving a server that neither reads nor
 * answers (and that would buffer any announced length).
 */
function stdioConnection(): Connection {
  const guard = framingGuard({
    onError(message) {
      process.stderr.write(`orbit-ls: the client broke the LSP base protocol: ${message}. Ending the session.\n`);
      process.exit(1);
    },
  });
  process.stdin.pipe(guard);
  // With explicit streams vscode-languageserver does not redirect console output, and stdout is
  // the protocol: anything a dependency prints goes to stderr instead.
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) console[level] = (...args: unknown[]) => void process.stderr.write(`${format(...args)}\n`);
  return createConnection(guard, process.stdout);
}
