// What a CLI command may touch: its output streams and whether they are terminals. Passed in, so
// tests can run commands in-process and capture everything.
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Colour on stdout: only on a terminal, and never when NO_COLOR is set. */
  color: boolean;
  /** A live progress line on stderr: only on a terminal. */
  progress: boolean;
}

export function processIO(): CliIO {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    color: process.stdout.isTTY === true && !process.env.NO_COLOR,
    progress: process.stderr.isTTY === true,
  };
}

/** Thrown for mistakes on the command line; main prints the message and exits with 2. */
export class UsageError extends Error {}
