// The texts of `orbit-ls --help` and of each subcommand's --help. The exit codes here are the
// table in README.md ("Exit codes"); a test keeps the two and the CLI's behaviour in step.

/** Exit codes of every subcommand: [code, meaning]. */
export const EXIT_CODES: ReadonlyArray<readonly [number, string]> = [
  [0, 'success: check found nothing at or above --fail-on; doctor found every component and setting healthy; orbit printed variants'],
  [1, 'a result to act on: check found findings at or above --fail-on; doctor found a component or a setting that needs attention; orbit could build no variant'],
  [2, 'usage or internal error: an unknown command or option, a bad value, a missing file, directory or function, an unreadable --config'],
  [3, 'check --verify: model verification was incomplete (the model was unavailable, or its answers failed for some functions) and no finding reached --fail-on'],
  [130, 'interrupted (Ctrl-C) before the report was written'],
];

const checkOptions = `  --format text|json|sarif           output format (default text; sarif is SARIF 2.1.0)
  --fail-on error|warning|information|hint|never
                                     lowest severity that makes the exit code 1 (default error)
  --config FILE                      JSON file with the settings, { "orbit": { … } } (the object
                                     an editor sends) or the bare object (see docs/configuration.md)
  --sandbox                          also run each function in the sandbox and report hidden
                                     triggers and magic values (backdoors); slower, no model needed
  --verify                           also verify every function with the model (Ollama or an
                                     OpenAI-compatible server); answers are cached on disk, so a
                                     re-run over unchanged functions makes no model calls
  --jobs N                           with --verify: files verified at once, across hosts (default 4)
  --shard i/n                        check only shard i of n, split by a hash of each path, for
                                     spreading a large tree over CI jobs
  --dependencies                     check every package installed under [project]/node_modules:
                                     install scripts, and with --sandbox what runs at load
  --no-cache                         analyse every file again; by default each file's findings are
                                     kept and reused while it, its imports, the settings and
                                     orbit-ls are unchanged
  --cache-dir DIR                    where findings are kept (default $ORBIT_LS_CACHE_DIR, else
                                     $XDG_CACHE_HOME/orbit-ls/findings, else ~/.cache/orbit-ls/findings);
                                     entries unused for 30 days, and the least recently used
                                     above 256 MiB, are removed once a day
  --include-vendored                 also check vendored, minified and bundled files (vendor/,
                                     bower_components/, dist/, *.min.js, files of very long lines),
                                     which a directory walk skips by default
`;

const exitCodes = `Exit codes:
${EXIT_CODES.map(([code, meaning]) => `  ${String(code).padEnd(4)} ${meaning}`).join('\n')}
`;

export const HELP = `orbit-ls — finds security vulnerabilities in JavaScript and TypeScript web backends.

Usage:
  orbit-ls [--stdio]                 run the language server over stdio (the default)
  orbit-ls --node-ipc | --socket=N   run the language server over Node IPC or a TCP port
  orbit-ls check [paths…] [options]  analyse files and directories and print the findings
  orbit-ls doctor [options]          show the resolved settings and the health of each component
  orbit-ls orbit …                   orbit analysis tools
  orbit-ls --version | --help
  orbit-ls <command> --help          the options of one command

check options:
${checkOptions}
${exitCodes}`;

export const CHECK_HELP = `orbit-ls check [paths…] [options]

Analyses files and directories (default: the current directory) and prints the findings.
Directories are walked recursively for .js .jsx .mjs .cjs .ts .tsx .mts .cts files; .gitignore
files are respected, and node_modules and .git are skipped, as are vendored, minified and
bundled files (see --include-vendored).

${checkOptions}  -h, --help                         this text

${exitCodes}`;

export const DOCTOR_HELP = `orbit-ls doctor [options]

Prints the resolved settings and checks each component (worker pool, parser and rules, sandbox,
model), with a fix for each problem found.

  --config FILE   JSON file holding the "orbit" settings object (see docs/configuration.md)
  --json          machine-readable output
  -h, --help      this text

${exitCodes}`;
