// Test support (not a test) for the real-editor tests: a throw-away directory per editor run with
// a copy of the example app and an `orbit-ls` on PATH that runs this checkout's build, and the
// editors started in batch mode under a hard time limit.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile, execFileSync } = require('node:child_process');

const REPO = path.resolve(__dirname, '..', '..');
/** The limit for one editor process; each scenario's own waits stay under it. */
const RUN_LIMIT_MS = 50_000;

/** Fails with what to install when the editor or the server build is missing. */
function requireEditor(command, install) {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
  } catch {
    assert.fail(`${command} is not installed: run .ci/run, or ${install}`);
  }
  assert.ok(
    fs.existsSync(path.join(REPO, 'server', 'dist', 'cli', 'main.js')),
    'the server is not built: run npm run build',
  );
}

/** For Emacs: a copy of the example app, an orbit-ls on PATH and a fresh HOME (no user init). */
function emacsSandbox(prefix = 'orbit-emacs-') {
  const box = makeSandbox(prefix);
  fs.mkdirSync(path.join(box.dir, 'home'));
  box.env.HOME = path.join(box.dir, 'home');
  return box;
}

/** For Neovim: a copy of the example app, an orbit-ls on PATH and fresh XDG directories. */
function nvimSandbox(prefix = 'orbit-nvim-') {
  const box = makeSandbox(prefix);
  Object.assign(box.env, {
    XDG_CONFIG_HOME: path.join(box.dir, 'config'),
    XDG_DATA_HOME: path.join(box.dir, 'data'),
    XDG_STATE_HOME: path.join(box.dir, 'state'),
    XDG_CACHE_HOME: path.join(box.dir, 'cache'),
  });
  return box;
}

function runEmacs(args, env) {
  return runEditor('emacs', ['--batch', '-Q', ...args], env);
}

function runNvim(args, env) {
  return runEditor('nvim', ['--headless', '--noplugin', '-i', 'NONE', '-n', ...args], env);
}

function makeSandbox(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const app = path.join(dir, 'vulnerable-express');
  fs.cpSync(path.join(REPO, 'examples', 'vulnerable-express'), app, { recursive: true });
  // The shipped clients run `orbit-ls --stdio` from PATH, as after `npm link`; this stands in for
  // the linked command and runs this checkout's build.
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, 'orbit-ls'),
    `#!/bin/sh\nexec "${process.execPath}" "${path.join(REPO, 'server', 'bin', 'orbit-ls.js')}" "$@"\n`,
    { mode: 0o755 },
  );
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, ORBIT_REPO: REPO };
  return { dir, app, env };
}

function runEditor(command, args, env) {
  return new Promise((resolve) => {
    execFile(command, args, {
      env,
      timeout: RUN_LIMIT_MS,
      killSignal: 'SIGKILL',
      maxBuffer: 10 * 1024 * 1024,
    }, (error, stdout, stderr) => resolve({ error, stdout, stderr }));
  });
}

module.exports = { REPO, RUN_LIMIT_MS, requireEditor, emacsSandbox, nvimSandbox, runEmacs, runNvim };
