// `orbit-ls [--stdio | --node-ipc | --socket=N | --pipe=NAME]`: runs the language server on the
// transport vscode-languageserver picks from the command line (stdio when none is given).
import { createConnection } from 'vscode-languageserver/node';
import { startServer } from '../protocol/server';

const TRANSPORTS = /^--(stdio|node-ipc|socket|pipe)(=|$)/;

export function serve(argv: readonly string[]): void {
  // createConnection reads the transport from process.argv; with none given we default to stdio,
  // which is what every editor configuration in clients/ uses.
  if (!argv.some((a) => TRANSPORTS.test(a))) process.argv.push('--stdio');
  const connection = createConnection();
  // Nothing may reach stdout but the protocol, and no stray error may end the session: log it to
  // the client and carry on (the session survives any input).
  process.on('uncaughtException', (err) => connection.console.error(`orbit-ls: unexpected error: ${err.stack ?? String(err)}`));
  process.on('unhandledRejection', (err) => connection.console.error(`orbit-ls: unexpected rejection: ${String(err)}`));
  startServer(connection);
}
