// Entry point of the orbit-ls command: dispatches to the language server or a CLI tool.

export function main(argv: string[]): void {
  process.stderr.write(`orbit-ls: not yet wired (${argv.join(' ')})\n`);
  process.exitCode = 2;
}
