// `orbit-ls check <package>` and `check --dependencies`: install scripts and load runs of a package
// directory (one under node_modules/ too, when named), every installed dependency with a progress
// bar on stderr and a summary per package.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { checkIn } = require('../../support/run-check');

const CORPUS = path.join(__dirname, '..', '..', 'fixtures', 'supply-chain');

function project() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-deps-'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "app", "version": "1.0.0" }\n');
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n');
  fs.mkdirSync(path.join(dir, '.git'));
  const nm = path.join(dir, 'node_modules');
  fs.cpSync(path.join(CORPUS, 'malicious', 'env-beacon-helper'), path.join(nm, 'express-helper'), { recursive: true });
  fs.cpSync(path.join(CORPUS, 'benign', 'native-addon-gyp'), path.join(nm, 'fast-hash-native'), { recursive: true });
  fs.cpSync(path.join(CORPUS, 'benign', 'file-logger'), path.join(nm, '@acme', 'logger'), { recursive: true });
  return dir;
}

function check(cwd, args, progress = false) {
  return checkIn(cwd, args, { progress });
}

const dir = project();
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('check names a package under node_modules explicitly: its install script and its load-time exfiltration are reported', async () => {
  const { code, out } = await check(dir, ['--sandbox', 'node_modules/express-helper']);
  assert.equal(code, 1);
  assert.match(out, /^node_modules\/express-helper\/package\.json\n\s+2:\d+ +error +The postinstall script .*pipes a download into a shell.* +install-script$/m);
  assert.match(out, /node_modules\/express-helper\/index\.js\n[\s\S]*When loaded, this module sends .*environment variables.* +load-exfiltration/);
  assert.match(out, /flow: reads process\.env/);
});

test('check of a package without --sandbox still reads its install scripts, and runs nothing', async () => {
  const { out } = await check(dir, ['node_modules/express-helper']);
  assert.match(out, /install-script/);
  assert.doesNotMatch(out, /load-exfiltration/);
});

test('a package with only a native build at install is clean', async () => {
  const { code, out } = await check(dir, ['--sandbox', 'node_modules/fast-hash-native']);
  assert.equal(code, 0, out);
  assert.match(out, /No findings/);
});

test('check --dependencies checks every installed package, draws a progress bar and prints a summary per package', async () => {
  const { code, out, err } = await check(dir, ['--dependencies'], true);
  assert.equal(code, 1);
  assert.match(err, /\[#+-*\] \d\/3 packages/);
  assert.match(err, /\[#{30}\] 3\/3 packages/);
  assert.match(out, /Dependencies: 3 packages checked in [\d.]+ s; 1 flagged\./);
  assert.match(out, /^ {2}express-helper-lookalike +\d+ findings \(.*install-script.*\)$/m);
  assert.doesNotMatch(out, /tiny-file-logger|fast-hash-native/, 'clean packages are not listed as flagged');
});

test('check --dependencies as JSON carries the findings with their package paths', async () => {
  const { out } = await check(dir, ['--dependencies', '--format', 'json']);
  const files = new Set(JSON.parse(out).findings.map((f) => f.file));
  assert.ok([...files].every((f) => f.startsWith('node_modules/express-helper/')), [...files].join(', '));
});

test('check --dependencies without node_modules says what to do', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-empty-'));
  await assert.rejects(check(empty, ['--dependencies']), /no installed packages under .*node_modules; run npm install first/);
});
