#!/usr/bin/env node
// The orbit-ls command: the language server (--stdio) and the check/doctor tools.
require('../dist/cli/main.js').main(process.argv.slice(2));
