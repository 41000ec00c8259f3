// The CLI explains itself: every command answers --help, the exit codes follow the one table in
// README.md, messages list what they mean (every checked extension, the fix for a bad setting).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'server', 'bin', 'orbit-ls.js');
const FIXTURES = path.join(__dirname, 'fixtures');
const { EXIT_CODES } = require('../../../server/dist/cli/help.js');
const run = (args, cwd = FIXTURES) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd, timeout: 60_000 });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-cli-'));

for (const [command, usage] of /** @type {Array<[string, RegExp]>} */ ([['check', /^orbit-ls check \[paths…\]/], ['doctor', /^orbit-ls doctor \[options\]/], ['orbit', /^orbit-ls orbit <file> --function <name>/]])) {
  for (const flag of ['--help', '-h']) {
    test(`${command} ${flag} prints its usage and exits 0`, () => {
      const r = run([command, flag]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, usage);
      assert.equal(r.stderr, '');
    });
  }
}

test("check --help names every option check accepts, and the exit codes", () => {
  const { stdout } = run(['check', '--help']);
  for (const option of ['--format', '--fail-on error|warning|information|hint|never', '--config', '--sandbox', 'Exit codes:']) assert.ok(stdout.includes(option), option);
});

test('README has one exit-code table and it is the one --help prints', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = /<!-- exit-codes:start[^>]*-->\n([\s\S]*?)<!-- exit-codes:end -->/.exec(readme);
  assert.ok(table, 'README has the exit-code table');
  const rows = table[1].split('\n').filter((l) => /^\| \d+ \|/.test(l)).map((l) => l.split('|').slice(1, 3).map((c) => c.trim()));
  assert.deepEqual(rows, EXIT_CODES.map(([code, meaning]) => [String(code), meaning]));
  const help = run(['--help']).stdout;
  for (const [code, meaning] of EXIT_CODES) assert.ok(help.includes(`${String(code).padEnd(4)} ${meaning}`), `--help lists ${code}`);
  for (const doc of fs.readdirSync(path.join(ROOT, 'docs'))) {
    assert.doesNotMatch(fs.readFileSync(path.join(ROOT, 'docs', doc), 'utf8'), /^#+ Exit codes/m, `${doc} keeps no second table`);
  }
});

test('the CLI follows the table: 0 clean, 1 findings, 2 for usage errors and every missing file or function', () => {
  const clean = run(['check', 'clean']);
  assert.equal(clean.status, 0, clean.stderr);
  assert.equal(run(['check', 'app']).status, 1);
  for (const args of [['check', 'no-such-dir'], ['check', 'app/no-such-file.js'], ['orbit', 'no-such-file.js', '-f', 'x'], ['check', '--fail-on', 'sometimes'], ['check', '--config', 'missing.json'], ['doctor', '--colour'], ['lint']]) {
    const r = run(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^orbit-ls: \S/, `${args.join(' ')} says why`);
  }
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'routes.js'), 'function listOrders(db) { return db.all("SELECT * FROM orders"); }\n');
  const noFunction = run(['orbit', 'routes.js', '-f', 'missing'], dir);
  assert.equal(noFunction.status, 2);
  assert.match(noFunction.stderr, /no function named "missing" in routes\.js; functions there: listOrders/);
});

test('"no files found" lists every extension check reads, and each of them is read', () => {
  const empty = tmp();
  fs.writeFileSync(path.join(empty, 'notes.txt'), 'nothing to check\n');
  const none = run(['check', '.'], empty);
  assert.equal(none.status, 0);
  const { SOURCE_EXTENSIONS } = require('../../../server/dist/core/types.js');
  for (const ext of ['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts']) {
    assert.ok(SOURCE_EXTENSIONS.includes(ext), ext);
    assert.ok(none.stderr.includes(` ${ext}`), `the message lists ${ext}: ${none.stderr}`);
  }
  const dir = tmp();
  for (const ext of SOURCE_EXTENSIONS) fs.writeFileSync(path.join(dir, `f${ext}`), 'export const x = 1;\n');
  const report = JSON.parse(run(['check', '--format', 'json', '.'], dir).stdout);
  assert.equal(report.summary.filesChecked, SOURCE_EXTENSIONS.length, 'every listed extension is checked');
});

test('doctor with only a bad setting says so, gives the fix, and exits 1', () => {
  const config = path.join(tmp(), 'settings.json');
  fs.writeFileSync(config, JSON.stringify({ debounceMs: 'soon' }));
  const r = run(['doctor', '--config', config]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /! orbit\.debounceMs: .*"soon"; using the default 200\n +fix: correct or remove orbit\.debounceMs in .*settings\.json/);
  assert.match(r.stdout, /Every component is working, but 1 setting is invalid and falls back to its default; see the fix under each setting above\.\n$/);
  assert.doesNotMatch(r.stdout, /Some components need attention/);
});

test('editors.md documents every transport the server accepts', () => {
  const editors = fs.readFileSync(path.join(ROOT, 'docs', 'editors.md'), 'utf8');
  for (const flag of ['--stdio', '--node-ipc', '--socket=', '--pipe=']) assert.ok(editors.includes(`orbit-ls ${flag}`), flag);
});

test('editors.md names every major mode the Emacs client registers', () => {
  const el = fs.readFileSync(path.join(ROOT, 'clients', 'emacs', 'orbit-ls.el'), 'utf8');
  const modes = /\(defconst orbit-ls-eglot-modes\s*'\(([\s\S]*?)\)\)\s*"/.exec(el)[1].match(/\((\S+-mode)/g).map((m) => m.slice(1));
  assert.ok(modes.length >= 8, modes.join(' '));
  const editors = fs.readFileSync(path.join(ROOT, 'docs', 'editors.md'), 'utf8');
  for (const mode of modes) assert.ok(editors.includes(`\`${mode}\``), mode);
});
