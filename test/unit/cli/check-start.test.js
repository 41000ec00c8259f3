// A check that will analyse every file (--no-cache, or an empty findings cache) starts its worker
// threads before walking the tree. Those threads must end with the run whatever happens: a usage
// error found by the walk still exits at once, and the files the early threads analysed are
// cached for the next run.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const BIN = path.join(__dirname, '..', '..', '..', 'server', 'bin', 'orbit-ls.js');
const VULNERABLE = path.join(__dirname, '..', '..', '..', 'examples', 'vulnerable-express');

// The time-out only keeps a hung process from hanging the suite: a run whose threads were left
// running would never exit, and spawnSync would report the signal instead of a status.
const cli = (args, cwd) => spawnSync(process.execPath, [BIN, 'check', ...args], { cwd, encoding: 'utf8', timeout: 120_000 });

test('a path that does not exist ends the run with exit code 2, with threads already started for an empty cache', () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-early-cache-'));
  try {
    for (const flags of [['--no-cache'], ['--cache-dir', cache]]) {
      const r = cli([...flags, 'no-such-dir'], os.tmpdir());
      assert.equal(r.signal, null, `${flags.join(' ')}: the process ended by itself`);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /no such file or directory: no-such-dir/);
    }
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('a cold run over an empty cache reports what --no-cache reports, and its entries serve the next run', () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-early-cache-'));
  try {
    const json = (args) => {
      const r = cli(['--format', 'json', '--fail-on', 'never', ...args, '.'], VULNERABLE);
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const cold = json(['--cache-dir', cache]);
    const uncached = json(['--no-cache']);
    const again = json(['--cache-dir', cache]);
    assert.ok(cold.findings.length > 0);
    assert.deepEqual(cold.findings, uncached.findings);
    assert.deepEqual(again.findings, cold.findings);
    assert.equal(again.summary.fromCache, again.summary.filesChecked);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
