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
  --config FILE                      JSON file with "orbit" settings (see docs/configuration.md)
  --sandbox                          also run each function in the sandbox and report hidden
                                     triggers and magic values (backdoors); slower, no model needed

Directories are walked recursively; .gitignore files are respected and node_modules and .git
are skipped.

Exit codes:
  0  no findings at or above --fail-on (doctor: every component is healthy)
  1  findings at or above --fail-on (doctor: a component needs attention)
  2  usage error or internal error
  130  interrupted (Ctrl-C) before the report was written
`;
