// Real-editor tests for Neovim: headless nvim with only the shipped client from clients/neovim
// finds the SQL injection in the example app, applies orbit-ls's quick fix and sees it go away;
// and the 0.11 lsp/ config loads as the table vim.lsp.config expects.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { REPO, requireEditor, nvimSandbox, runNvim } = require('./editor-support.js');

const SCRIPTS = path.join(__dirname, 'nvim');
// Neovim waits at most this long for each of its four waiting steps, which together stay under
// the limit for the whole process, so a silent server fails one named step.
const STEP_WAIT_MS = 10_000;

/** The end of Neovim's LSP log, which holds the JSON-RPC exchange and the server's stderr. */
function logTail(sandbox) {
  const log = path.join(sandbox.env.XDG_CACHE_HOME, 'nvim', 'lsp.log');
  if (!fs.existsSync(log)) return '(no lsp.log)';
  return fs.readFileSync(log, 'utf8').slice(-8000);
}

/**
 * Runs the quick-fix scenario in nvim on `file` (relative to the example app); `settings` are the
 * "orbit" settings given to setup().
 * @param {import('node:test').TestContext} t
 * @param {{ file?: string, settings?: object }} [options]
 */
async function runScenario(t, { file: relative = 'app.js', settings } = {}) {
  requireEditor('nvim', 'apt-get install neovim');
  const sandbox = nvimSandbox();
  const file = path.join(sandbox.app, relative);
  const original = fs.readFileSync(file, 'utf8').split('\n');
  const resultPath = path.join(sandbox.dir, 'result.json');
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...sandbox.env, ORBIT_FILE: file, ORBIT_RESULT: resultPath, ORBIT_WAIT_MS: String(STEP_WAIT_MS) };
  if (settings) env.ORBIT_SETTINGS = JSON.stringify(settings);

  const started = Date.now();
  const run = await runNvim(['-u', path.join(SCRIPTS, 'init.lua'), '-c', `luafile ${path.join(SCRIPTS, 'quickfix.lua')}`], env);
  t.diagnostic(`nvim scenario took ${Date.now() - started} ms`);

  const explain = () => `\nnvim: ${run.error ? run.error.message : 'exited'}\n${run.stderr}\n--- lsp.log ---\n${logTail(sandbox)}`;
  assert.ok(fs.existsSync(resultPath), `nvim left no result${explain()}`);
  const result = JSON.parse(fs.readFileSync(resultPath, 'utf8'));
  const context = () => `\n${JSON.stringify(result, null, 2)}${explain()}`;
  assert.equal(result.error, undefined, `scenario failed after steps [${result.steps}]: ${result.error}${context()}`);
  return { sandbox, file, original, result, context };
}

test('Neovim 0.7+ with the legacy setup shows the CWE-89 diagnostic and applies the quick fix', { timeout: 60_000 }, async (t) => {
  const { sandbox, file, original, result, context } = await runScenario(t);

  // The shipped setup attached the server for a .js file, with the documented command.
  assert.equal(result.filetype, 'javascript');
  assert.equal(result.client_name, 'orbit_ls');
  assert.deepEqual(result.cmd, ['orbit-ls', '--stdio']);

  // The diagnostic a user sees: on the line that builds SQL from request data, naming the CWE.
  const first = result.before[0];
  assert.match(first.message, /\(CWE-89\)/, context());
  assert.equal(first.source, 'orbit-ls');
  assert.ok(typeof first.code === 'string' && first.code.length > 0, `diagnostic has no rule id${context()}`);
  assert.equal(first.severity, 1, `expected the rule's default severity, error${context()}`);
  const requestValue = /req\.[\w.]+/.exec(result.line_before);
  assert.ok(requestValue && /SELECT/.test(result.line_before), `diagnostic is not on the vulnerable query${context()}`);

  // The quick fix is offered as the preferred action and rewrites the query with a placeholder,
  // passing the request value as a parameter instead of splicing it into the SQL text.
  assert.ok(result.actions.some((a) => /^quickfix/.test(a.kind) && a.isPreferred), context());
  assert.ok(!result.line_after.includes(`+ ${requestValue[0]}`), `request data is still concatenated${context()}`);
  assert.match(result.line_after, /(['"`])SELECT[^'"`]*\?[^'"`]*\1/, context());
  assert.match(result.line_after, new RegExp(`\\[\\s*${requestValue[0].replace(/\./g, '\\.')}\\s*\\]`), context());

  // The diagnostic went away and the other findings stayed.
  assert.equal(result.after.length, result.before.length - 1, context());
  assert.ok(result.after.every((d) => d.lnum !== first.lnum), context());

  // The saved file still parses and nothing but the fixed line changed.
  const saved = fs.readFileSync(file, 'utf8').split('\n');
  execFileSync(process.execPath, ['--check', file]);
  assert.deepEqual(saved.slice(0, first.lnum), original.slice(0, first.lnum));
  assert.deepEqual(saved.slice(first.lnum + 1), original.slice(first.lnum + 1));
  fs.rmSync(sandbox.dir, { recursive: true, force: true });
});

test('Neovim 0.7+ legacy setup passes its settings to the server: a rule lowered to warning shows as one', { timeout: 60_000 }, async (t) => {
  const { sandbox, result, context } = await runScenario(t, { settings: { rules: { 'sql-injection': 'warning' } } });
  assert.ok(result.before.length > 0, context());
  for (const d of result.before) assert.equal(d.severity, 2, `expected a warning${context()}`);
  fs.rmSync(sandbox.dir, { recursive: true, force: true });
});

test('Neovim 0.7+ fixes a template-literal mysql2 query in a TypeScript route file', { timeout: 60_000 }, async (t) => {
  const { sandbox, file, original, result, context } = await runScenario(t, { file: path.join('routes', 'users.ts') });
  assert.equal(result.filetype, 'typescript');

  const first = result.before[0];
  assert.match(first.message, /\(CWE-89\)/, context());
  const interpolated = /`SELECT[^`]*\$\{(\w+)\}/.exec(result.line_before);
  assert.ok(interpolated, `diagnostic is not on the template-literal query${context()}`);

  // The value leaves the SQL text (and its quotes) for a placeholder and the parameter array.
  assert.ok(!result.line_after.includes('${'), `the query still interpolates${context()}`);
  assert.ok(!/'\?'/.test(result.line_after), `the placeholder is still quoted${context()}`);
  assert.match(result.line_after, /SELECT[^'"`]*= \?/, context());
  assert.match(result.line_after, new RegExp(`\\[\\s*${interpolated[1]}\\s*\\]`), context());
  assert.equal(result.after.length, result.before.length - 1, context());

  // The saved file is still valid TypeScript and only the fixed line changed.
  const ts = require('typescript');
  const text = fs.readFileSync(file, 'utf8');
  const out = ts.transpileModule(text, { reportDiagnostics: true, fileName: file });
  assert.deepEqual(out.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), []);
  const saved = text.split('\n');
  assert.deepEqual(saved.slice(0, first.lnum), original.slice(0, first.lnum));
  assert.deepEqual(saved.slice(first.lnum + 1), original.slice(first.lnum + 1));
  fs.rmSync(sandbox.dir, { recursive: true, force: true });
});

test('Neovim 0.11 lsp/orbit_ls.lua is a config table with the command, filetypes and root markers', { timeout: 30_000 }, async () => {
  requireEditor('nvim', 'apt-get install neovim');
  const sandbox = nvimSandbox();
  const config = path.join(REPO, 'clients', 'neovim', 'lsp', 'orbit_ls.lua');
  // vim.lsp.enable is not in Debian's 0.7, but the file must load there as the same plain table
  // Neovim 0.11 reads from lsp/; vim.g.orbit_ls_cmd must replace the command.
  const dump = (out, cmd) =>
    `lua ${cmd ? `vim.g.orbit_ls_cmd = ${cmd}; ` : ''}` +
    `local f = io.open('${out}', 'w'); f:write(vim.json.encode(dofile('${config}'))); f:close()`;
  const plain = path.join(sandbox.dir, 'plain.json');
  const custom = path.join(sandbox.dir, 'custom.json');
  const run = await runNvim(
    ['-u', 'NONE', '-c', dump(plain), '-c', dump(custom, "{ 'node', '/opt/orbit-ls/server/bin/orbit-ls.js', '--stdio' }"), '-c', 'qall!'],
    sandbox.env,
  );
  assert.ok(fs.existsSync(plain) && fs.existsSync(custom), `the config did not load: ${run.stderr}`);

  const loaded = JSON.parse(fs.readFileSync(plain, 'utf8'));
  assert.deepEqual(loaded.cmd, ['orbit-ls', '--stdio']);
  assert.deepEqual(
    [...loaded.filetypes].sort(),
    ['ejs', 'handlebars', 'javascript', 'javascriptreact', 'json', 'pug', 'typescript', 'typescriptreact'],
  );
  assert.ok(loaded.root_markers.includes('package.json'));
  // Settings answer workspace/configuration for "orbit" with an object the server accepts.
  assert.deepEqual(loaded.settings, { orbit: {} });

  const overridden = JSON.parse(fs.readFileSync(custom, 'utf8'));
  assert.deepEqual(overridden.cmd, ['node', '/opt/orbit-ls/server/bin/orbit-ls.js', '--stdio']);
  fs.rmSync(sandbox.dir, { recursive: true, force: true });
});
