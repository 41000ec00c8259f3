// Real-editor test for Emacs: eglot in batch mode, set up only by clients/emacs/orbit-ls.el,
// finds the SQL injection in the example app, applies orbit-ls's quick fix and sees it go away.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { REPO, requireEditor, emacsSandbox, runEmacs } = require('./editor-support.js');

const SCENARIO = path.join(__dirname, 'emacs', 'quickfix.el');
const CLIENT = path.join(REPO, 'clients', 'emacs', 'orbit-ls.el');
// Emacs waits at most this long for each step, and gives up on the whole scenario after three
// times that, before the limit for the process, so a silent server fails one named step.
const STEP_WAIT_SECONDS = 10;

/**
 * Runs the quick-fix scenario in Emacs. `init` is Lisp a user would add after (require 'orbit-ls);
 * `dirLocals` is the text of a .dir-locals.el in the project; `cwe` is the finding to fix (CWE-89).
 * @param {import('node:test').TestContext} t
 * @param {{ init?: string, dirLocals?: string, cwe?: string }} [options]
 */
async function runScenario(t, { init, dirLocals, cwe } = {}) {
  requireEditor('emacs', 'apt-get install emacs-nox elpa-eglot');
  const sandbox = emacsSandbox();
  const file = path.join(sandbox.app, 'app.js');
  const original = fs.readFileSync(file, 'utf8').split('\n');
  const resultPath = path.join(sandbox.dir, 'result.json');
  if (dirLocals) fs.writeFileSync(path.join(sandbox.app, '.dir-locals.el'), dirLocals);
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...sandbox.env, ORBIT_FILE: file, ORBIT_RESULT: resultPath, ORBIT_WAIT_SECONDS: String(STEP_WAIT_SECONDS) };
  if (init) env.ORBIT_INIT = init;
  if (cwe) env.ORBIT_CWE = cwe;

  const started = Date.now();
  const run = await runEmacs(['-l', SCENARIO], env);
  t.diagnostic(`emacs scenario took ${Date.now() - started} ms`);

  const explain = () => `\nemacs: ${run.error ? run.error.message : 'exited'}\n${run.stderr.slice(-8000)}`;
  assert.ok(fs.existsSync(resultPath), `emacs left no result${explain()}`);
  const result = JSON.parse(fs.readFileSync(resultPath, 'utf8'));
  const context = () => `\n${JSON.stringify({ ...result, events: undefined }, null, 2)}${explain()}\n--- eglot events ---\n${result.events ?? ''}`;
  assert.equal(result.error, undefined, `scenario failed after steps [${result.steps}]: ${result.error}${context()}`);
  return { sandbox, file, original, result, context };
}

test('Emacs eglot shows the CWE-89 diagnostic in flymake and applies the quick fix', { timeout: 60_000 }, async (t) => {
  const { sandbox, file, original, result, context } = await runScenario(t);

  // eglot picked the shipped entry for js-mode: the documented command and language id.
  assert.equal(result.major_mode, 'js-mode');
  assert.deepEqual(result.command, ['orbit-ls', '--stdio']);
  assert.equal(result.language_id, 'javascript');

  // What the user sees in flymake: the source, the rule id and the CWE in the text, on the line
  // that builds SQL from request data.
  const first = result.before[0];
  assert.match(first.text, /\(CWE-89\)/, context());
  assert.match(first.text, /orbit-ls/, context());
  assert.equal(first.type, 'eglot-error', context());
  const requestValue = /req\.[\w.]+/.exec(result.line_before);
  assert.ok(requestValue && /SELECT/.test(result.line_before), `diagnostic is not on the vulnerable query${context()}`);

  // The preferred quick fix passed the request value as a query parameter.
  assert.ok(!result.line_after.includes(`+ ${requestValue[0]}`), `request data is still concatenated${context()}`);
  assert.match(result.line_after, /(['"`])SELECT[^'"`]*\?[^'"`]*\1/, context());
  assert.match(result.line_after, new RegExp(`\\[\\s*${requestValue[0].replace(/\./g, '\\.')}\\s*\\]`), context());

  // The diagnostic went away, the other findings stayed.
  assert.equal(result.after.length, result.before.length - 1, context());
  assert.ok(result.after.every((d) => d.line !== first.line), context());

  // The saved file still parses and nothing but the fixed line changed.
  const saved = fs.readFileSync(file, 'utf8').split('\n');
  execFileSync(process.execPath, ['--check', file]);
  assert.deepEqual(saved.slice(0, first.line - 1), original.slice(0, first.line - 1));
  assert.deepEqual(saved.slice(first.line), original.slice(first.line));
  fs.rmSync(sandbox.dir, { recursive: true, force: true });
});

test('Emacs eglot fixes the CWE-78 command injection with execFile and an argument array', { timeout: 60_000 }, async (t) => {
  const { sandbox, file, original, result, context } = await runScenario(t, { cwe: 'CWE-78' });

  const first = result.before[0];
  assert.match(first.text, /\(CWE-78\)/, context());
  const spliced = /exec\(`[^`]*\$\{(req\.[\w.]+)\}/.exec(result.line_before);
  assert.ok(spliced, `diagnostic is not on the exec() of a command built from request data${context()}`);

  // No shell any more: the program by name, the request value as one argument of the array.
  assert.match(result.line_after, /execFile\((['"])\w+\1,\s*\[/, context());
  assert.ok(!result.line_after.includes('${'), `the command is still a template${context()}`);
  assert.match(result.line_after, new RegExp(`\\[[^\\]]*${spliced[1].replace(/\./g, '\\.')}\\s*\\]`), context());
  assert.equal(result.after.length, result.before.length - 1, context());

  // execFile must be in scope, or the fixed route would throw at its first request: the fix adds
  // it to the existing child_process import, and changes nothing else.
  const text = fs.readFileSync(file, 'utf8');
  execFileSync(process.execPath, ['--check', file]);
  assert.match(text, /const \{[^}]*\bexecFile\b[^}]*\} = require\('child_process'\)/);
  const saved = text.split('\n');
  assert.equal(saved.length, original.length);
  const changed = saved.map((l, i) => (l === original[i] ? null : i + 1)).filter((n) => n !== null);
  const importLine = original.findIndex((l) => l.includes("require('child_process')")) + 1;
  assert.deepEqual(changed, [importLine, first.line].sort((a, b) => a - b), context());
  fs.rmSync(sandbox.dir, { recursive: true, force: true });
});

test('Emacs: orbit-ls-initialization-options reach the server (a rule lowered to warning)', { timeout: 60_000 }, async (t) => {
  const { sandbox, result, context } = await runScenario(t, {
    init: `(setq orbit-ls-initialization-options '(:rules (:sql-injection "warning")))`,
  });
  assert.ok(result.before.length > 0, context());
  for (const d of result.before) assert.equal(d.type, 'eglot-warning', context());
  fs.rmSync(sandbox.dir, { recursive: true, force: true });
});

test('Emacs: eglot-workspace-configuration in .dir-locals.el reaches the server (section orbit)', { timeout: 60_000 }, async (t) => {
  const { sandbox, result, context } = await runScenario(t, {
    dirLocals: `((nil . ((eglot-workspace-configuration . (:orbit (:rules (:sql-injection "warning")))))))\n`,
  });
  assert.ok(result.before.length > 0, context());
  for (const d of result.before) assert.equal(d.type, 'eglot-warning', context());
  fs.rmSync(sandbox.dir, { recursive: true, force: true });
});

test('orbit-ls.el loads and byte-compiles cleanly without lsp-mode installed', { timeout: 30_000 }, async () => {
  requireEditor('emacs', 'apt-get install emacs-nox elpa-eglot');
  const sandbox = emacsSandbox();
  const copy = path.join(sandbox.dir, 'orbit-ls.el');
  fs.copyFileSync(CLIENT, copy);
  // Warnings are errors here: a user byte-compiling the file (package.el does) would see them.
  const run = await runEmacs([
    '--eval', '(setq byte-compile-error-on-warn t)',
    '--eval', `(unless (byte-compile-file ${JSON.stringify(copy)}) (kill-emacs 1))`,
    '--eval', `(load ${JSON.stringify(copy.replace(/\.el$/, '.elc'))} nil t)`,
    '--eval', "(princ (format \"%S %S\" (featurep 'orbit-ls) orbit-ls-command))",
  ], sandbox.env);
  assert.equal(run.error, null, `byte-compiling orbit-ls.el failed:\n${run.stderr}`);
  assert.equal(run.stdout, 't ("orbit-ls" "--stdio")');
  fs.rmSync(sandbox.dir, { recursive: true, force: true });
});
