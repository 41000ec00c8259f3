// The text of `orbit-ls --help`.
export const HELP = `orbit-ls — finds security vulnerabilities in JavaScript and TypeScript web backends.

Usage:
  orbit-ls [--stdio]                 run the language server over stdio (the default)
  orbit-ls --node-ipc | --socket=N   run the language server over Node IPC or a TCP port
  orbit-ls check [paths…] [options]  analyse files and directories and print the findings
  orbit-ls doctor [--json]           show the resolved settings and the health of each component
  orbit-ls orbit …                   orbit analysis tools (see \`orbit-ls orbit --help\`)
  orbit-ls --version | --help

check options:
  --format text|json|sarif           output format (default text; sarif is SARIF 2.1.0)
  --fail-on error|warning|information|hint|never
                                     lowest severity that makes the exit code 1 (default error)
  --config FILE                      JSON file with the settings, { "orbit": { … } } or the bare
                                     object (see docs/configuration.md)
  --sandbox                          also run each function in the sandbox and report hidden
                                     triggers and magic values (backdoors); slower, no model needed
  --verify                           also verify every function with the model (Ollama or an
                                     OpenAI-compatible server); answers are cached on disk, so a
                                     re-run over unchanged functions makes no model calls
  --jobs N                           with --verify: files verified at once, across hosts (default 4)
  --shard i/n                        check only shard i of n, split by a hash of each path, for
                                     spreading a large tree over CI jobs

Directories are walked recursively; .gitignore files are respected and node_modules and .git
are skipped.

Exit codes:
  0  no findings at or above --fail-on (doctor: every component is healthy)
  1  findings at or above --fail-on (doctor: a component needs attention)
  2  usage error or internal error
  3  --verify: model verification was incomplete (the model was unavailable, or its answers
     failed for some functions) and no finding reached --fail-on
  130  interrupted (Ctrl-C) before the report was written
`;
