// Real-editor test: "Regenerate securely (orbit-ls)" in Debian's Emacs eglot 1.9, which has no
// codeAction/resolve, so the action carries orbit.regenerate and the edit arrives through
// workspace/applyEdit. The test Ollama's host reaches the server in initializationOptions.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { emacsSandbox, runEmacs } = require('./editor-support.js');
const { startCodeOllama } = require('./regenerate-support.js');

test('Emacs eglot regenerates the injectable route through orbit.regenerate and applyEdit', { timeout: 60_000 }, async (t) => {
  execFileSync('emacs', ['--version'], { stdio: 'ignore' });
  const { dir, app, env: boxEnv } = emacsSandbox('orbit-emacs-regen-');
  const file = path.join(app, 'app.js');
  const original = fs.readFileSync(file, 'utf8');
  const { fake, settings } = await startCodeOllama(file);
  const resultPath = path.join(dir, 'result.json');
  const init = `(setq orbit-ls-initialization-options '(:ollama (:host "${settings.ollama.host}" :model "${settings.ollama.model}") :verify (:trigger "manual")))`;
  const env = { ...boxEnv, ORBIT_FILE: file, ORBIT_RESULT: resultPath, ORBIT_WAIT_SECONDS: '10', ORBIT_INIT: init };
  try {
    const run = await runEmacs(['-l', path.join(__dirname, 'emacs', 'regenerate.el')], env);
    assert.ok(fs.existsSync(resultPath), `emacs left no result\n${run.stderr.slice(-6000)}`);
    const result = JSON.parse(fs.readFileSync(resultPath, 'utf8'));
    const context = () => `\n${JSON.stringify({ ...result, events: undefined }, null, 2)}\n${run.stderr.slice(-4000)}\n--- eglot events ---\n${result.events ?? ''}`;
    assert.equal(result.error, undefined, `failed after [${result.steps}]: ${result.error}${context()}`);

    // eglot 1.9 cannot resolve: the action is a command, and the edit came through applyEdit.
    assert.equal(result.resolve_provider, false, context());
    assert.equal(result.has_edit, false, context());
    assert.equal(result.command, 'orbit.regenerate', context());
    assert.ok(result.titles.findIndex((x) => /^Regenerate/.test(x)) > 0, `the deterministic fix comes first${context()}`);

    assert.match(result.confirmed ?? '', /Server wants to edit/, context());
    assert.equal(fake.generations().length, 2, 'one cut, one resume');
    const saved = fs.readFileSync(file, 'utf8');
    assert.match(saved, /WHERE id = \?', \[req\.params\.id\]/);
    const head = original.indexOf("app.get('/products/:id'");
    assert.equal(saved.slice(0, head), original.slice(0, head));
    assert.equal(saved.slice(saved.indexOf('// Search products by name')), original.slice(original.indexOf('// Search products by name')));
    execFileSync(process.execPath, ['--check', file]);
  } finally {
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
