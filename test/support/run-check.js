// `orbit-ls check` run in-process the way a user runs it: from inside a project directory, with
// stdout and stderr captured. Shared by the CLI tests.
'use strict';
const { runCheck } = require('../../server/dist/cli/check.js');

/**
 * Runs check with `args` inside `cwd` (restored afterwards, even when check throws).
 * @param {string} cwd
 * @param {string[]} args
 * @param {{ progress?: boolean }} [options] progress: behave as on a terminal
 * @returns {Promise<{ code: number, out: string, err: string }>}
 */
async function checkIn(cwd, args, { progress = false } = {}) {
  const previous = process.cwd();
  process.chdir(cwd);
  let out = '';
  let err = '';
  try {
    const code = await runCheck(args, { out: (t) => (out += t), err: (t) => (err += t), color: false, progress }, new AbortController().signal);
    return { code, out, err };
  } finally {
    process.chdir(previous);
  }
}

module.exports = { checkIn };
