// Real-editor test: "Regenerate securely (orbit-ls)" in Debian's Neovim 0.7.2, which supports
// codeAction/resolve with `edit`, so the menu lists the action at once and the model runs in
// resolve. The server talks to the test Ollama, given to the shipped setup as settings.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFile, execFileSync } = require('node:child_process');
const { nvimSandbox } = require('./editor-support.js');
const { startCodeOllama } = require('./regenerate-support.js');

const SCRIPTS = path.join(__dirname, 'nvim');

function sandbox() {
  execFileSync('nvim', ['--version'], { stdio: 'ignore' });
  return nvimSandbox('orbit-nvim-regen-');
}

test('Neovim 0.7.2 regenerates the injectable route through codeAction/resolve', { timeout: 180_000 }, async (t) => {
  const box = sandbox();
  const file = path.join(box.app, 'app.js');
  const original = fs.readFileSync(file, 'utf8');
  const { fake, settings } = await startCodeOllama(file);
  const resultPath = path.join(box.dir, 'result.json');
  const env = { ...box.env, ORBIT_FILE: file, ORBIT_RESULT: resultPath, ORBIT_WAIT_MS: '30000', ORBIT_SETTINGS: JSON.stringify(settings) };
  try {
    const run = await new Promise((resolve) =>
      execFile('nvim', ['--headless', '--noplugin', '-i', 'NONE', '-n', '-u', path.join(SCRIPTS, 'init.lua'), '-c', `luafile ${path.join(SCRIPTS, 'regenerate.lua')}`],
        { env, timeout: 150_000, killSignal: 'SIGKILL' }, (error, stdout, stderr) => resolve({ error, stderr })));
    const log = path.join(box.env.XDG_CACHE_HOME, 'nvim', 'lsp.log');
    const explain = () => `\n${run.stderr}\n--- lsp.log ---\n${fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-6000) : ''}`;
    assert.ok(fs.existsSync(resultPath), `nvim left no result${explain()}`);
    const result = JSON.parse(fs.readFileSync(resultPath, 'utf8'));
    const context = () => `\n${JSON.stringify({ ...result, text_after: undefined }, null, 2)}${explain()}`;
    assert.equal(result.error, undefined, `failed after [${result.steps}]: ${result.error}${context()}`);

    // 0.7.2 advertises resolveSupport for `edit`: the action came without an edit and was resolved.
    assert.equal(result.resolve_provider, true, context());
    assert.deepEqual([result.picked.has_edit, result.picked.has_command], [false, false], context());
    assert.match(result.picked.title, /rewrite the body of app\.get \/products\/:id to remove sql-injection/);
    // Deterministic quick fixes come first in the menu; regeneration is the fallback.
    assert.ok(result.titles.findIndex((x) => /^Regenerate/.test(x)) > 0, context());

    // The model wrote the injectable query first and was cut; the query that landed is parameterised.
    const gens = fake.generations();
    assert.equal(gens.length, 2, 'one cut, one resume');
    const saved = fs.readFileSync(file, 'utf8');
    assert.match(saved, /WHERE id = \?', \[req\.params\.id\]/);
    assert.doesNotMatch(saved, /WHERE id = ' \+ req\.params\.id/);
    // Only the route's body changed, and the file still parses.
    const head = original.indexOf("app.get('/products/:id'");
    assert.equal(saved.slice(0, head), original.slice(0, head));
    const tail = original.indexOf('// Search products by name');
    assert.equal(saved.slice(saved.indexOf('// Search products by name')), original.slice(tail));
    execFileSync(process.execPath, ['--check', file]);
  } finally {
    await fake.close();
    fs.rmSync(box.dir, { recursive: true, force: true });
  }
});
