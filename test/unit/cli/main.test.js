// The orbit-ls command as a user runs it: --version, --help, exit codes, doctor.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const BIN = path.join(__dirname, '..', '..', '..', 'server', 'bin', 'orbit-ls.js');
const FIXTURES = path.join(__dirname, 'fixtures');
const run = (...args) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: FIXTURES, timeout: 30_000 });

/** Settings with only the two rules the fixtures are about, so new rules do not move the exit codes. */
function twoRules() {
  const fs = require('node:fs');
  const os = require('node:os');
  const { allRules } = require('../../../server/dist/core/security/registry.js');
  const rules = Object.fromEntries(allRules().map((r) => [r.id, ['sql-injection', 'command-injection'].includes(r.id) ? 'error' : 'off']));
  const file = path.join(os.tmpdir(), `orbit-two-rules-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify({ rules }));
  return file;
}

test('--version prints the package version', () => {
  const { status, stdout } = run('--version');
  assert.equal(status, 0);
  assert.equal(stdout.trim(), require('../../../package.json').version);
});

test('--help lists the commands and documents the exit codes', () => {
  const { status, stdout } = run('--help');
  assert.equal(status, 0);
  for (const word of ['--stdio', 'check', 'doctor', '--format text|json|sarif', '--fail-on', '--sandbox', 'Exit codes:']) assert.ok(stdout.includes(word), word);
});

test('check exits 1 on findings and 0 on a clean directory; a usage error exits 2 with a message', () => {
  const config = twoRules();
  assert.equal(run('check', '--config', config, 'app').status, 1);
  assert.equal(run('check', '--config', config, 'clean').status, 0);
  const bad = run('check', '--format', 'xml');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^orbit-ls: unknown --format "xml"/);
  const unknownOption = run('check', '--colour');
  assert.equal(unknownOption.status, 2);
  assert.match(unknownOption.stderr, /^orbit-ls: Unknown option '--colour'/);
});

test('an unknown command exits 2 and points at --help', () => {
  const { status, stderr } = run('scan');
  assert.equal(status, 2);
  assert.match(stderr, /unknown command "scan"; run `orbit-ls --help`/);
});

test('doctor prints the resolved settings and healthy components (pool, parser, sandbox), exit 0', () => {
  const { status, stdout } = run('doctor');
  assert.equal(status, 0, stdout);
  assert.match(stdout, /orbit\.debounceMs = 200/);
  assert.match(stdout, /ok {3}worker pool: /);
  assert.match(stdout, /ok {3}parser and rules: /);
  assert.match(stdout, /ok {3}sandbox: QuickJS ready \(.*ran a test function.* in \d+ ms\)\n/);
  assert.match(stdout, /orbit\.sandbox\.enabled = true/);
});

test('doctor --json names an invalid setting and its fallback, and exits 1', () => {
  const fs = require('node:fs');
  const os = require('node:os');
  const config = path.join(os.tmpdir(), `orbit-doctor-${process.pid}.json`);
  fs.writeFileSync(config, JSON.stringify({ debounceMs: 'soon' }));
  const { status, stdout } = run('doctor', '--json', '--config', config);
  assert.equal(status, 1);
  const report = JSON.parse(stdout);
  assert.equal(report.settings.debounceMs, 200);
  assert.match(report.problems[0].message, /orbit\.debounceMs: .*"soon"; using the default 200/);
  assert.ok(report.checks.length >= 3, 'pool, parser and sandbox were checked');
  assert.ok(report.checks.every((c) => c.ok));
});
