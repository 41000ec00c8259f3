// Entry point of the orbit-ls command: dispatches to the language server or a CLI tool.
import { orbitVersion } from '../config/version';
import { CHECK_HELP, DOCTOR_HELP, HELP } from './help';
import { processIO, UsageError, type CliIO } from './io';

type Subcommand = (args: string[], io: CliIO, signal: AbortSignal) => Promise<number>;

// To add a subcommand: write cli/<name>.ts exporting (args, io, signal) => Promise<exit code>
// and add it here, its help text to help.ts and SUBCOMMAND_HELP. Each is loaded only when it runs:
// `check` must not pay for loading the language server, nor the server for `doctor`.
const SUBCOMMANDS: Record<string, Subcommand> = {
  check: (args, io, signal) => (require('./check') as typeof import('./check')).runCheck(args, io, signal),
  doctor: (args, io, signal) => (require('./doctor') as typeof import('./doctor')).runDoctor(args, io, signal),
  orbit: runOrbit,
};

const SUBCOMMAND_HELP: Record<string, string> = { check: CHECK_HELP, doctor: DOCTOR_HELP };

export function main(argv: string[]): void {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') return void process.stdout.write(`${orbitVersion()}\n`);
  if (first === '--help' || first === '-h' || first === 'help') return void process.stdout.write(HELP);
  const subcommand = first === undefined ? undefined : SUBCOMMANDS[first];
  if (!subcommand) {
    if (first !== undefined && !first.startsWith('-')) return fail(`unknown command "${first}"; run \`orbit-ls --help\` for the list`);
    if (process.stdin.isTTY) process.stderr.write('orbit-ls: language server waiting for LSP messages on stdin (run `orbit-ls --help` for the CLI)\n');
    return (require('./serve') as typeof import('./serve')).serve(argv);
  }
  // `<command> --help` answers before any option is parsed (orbit prints its own help).
  const help = first === 'orbit' ? undefined : SUBCOMMAND_HELP[first as string];
  if (help && rest.some((a) => a === '--help' || a === '-h')) return void process.stdout.write(help);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  subcommand(rest, processIO(), controller.signal).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => fail(err instanceof UsageError || isParseArgsError(err) ? (err as Error).message : `internal error: ${(err as Error).stack ?? String(err)}`),
  );
}

async function runOrbit(args: string[]): Promise<number> {
  let mod: { runOrbitCommand(args: string[]): Promise<number> };
  try {
    mod = require('./orbit') as typeof mod;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !String(err).includes("'./orbit'")) throw err;
    throw new UsageError('the `orbit` command is not part of this build of orbit-ls; rebuild with `npm run build`, or use `orbit-ls check`');
  }
  return mod.runOrbitCommand(args);
}

function fail(message: string): void {
  process.stderr.write(`orbit-ls: ${message}\n`);
  process.exitCode = 2;
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
