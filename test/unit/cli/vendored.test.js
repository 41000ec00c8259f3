// A directory walk leaves out code the project did not write — vendor/, bower_components/, dist/,
// *.min.js and files made mostly of very long lines — says so on stderr, and checks it with
// --include-vendored; a file named on the command line is always checked.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { checkIn } = require('../../support/run-check');

// A catastrophic regex matched against request data: a finding wherever it is checked.
const REDOS = "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => res.send(/^(a+)+$/.test(req.query.q)));\n";

function project() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orbit-vendored-'));
  for (const sub of ['src', 'vendor', 'public/js', 'bower_components/lib', 'dist']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  fs.writeFileSync(path.join(dir, 'src', 'app.js'), REDOS);
  fs.writeFileSync(path.join(dir, 'vendor', 'lib.js'), REDOS);
  fs.writeFileSync(path.join(dir, 'bower_components', 'lib', 'index.js'), REDOS);
  fs.writeFileSync(path.join(dir, 'dist', 'server.js'), REDOS);
  fs.writeFileSync(path.join(dir, 'public', 'js', 'jquery.min.js'), REDOS);
  // A bundle: one statement per very long line.
  const line = `${REDOS.replace(/\n/g, ' ')}${' '.repeat(1200)}`;
  fs.writeFileSync(path.join(dir, 'public', 'js', 'app.js'), `${Array.from({ length: 12 }, () => line).join('\n')}\n`);
  // Ordinary code with one long line stays checked.
  fs.writeFileSync(path.join(dir, 'src', 'data.js'), `${REDOS}const table = '${'x'.repeat(1500)}';\n${'// filler\n'.repeat(900)}`);
  return dir;
}

async function check(dir, args) {
  const { out, err } = await checkIn(dir, ['--format', 'json', '--fail-on', 'never', '--no-cache', ...args]);
  return { files: [...new Set(JSON.parse(out).findings.map((f) => f.file))].sort(), err };
}

test('vendored, minified and bundled files are skipped by default and named on stderr', async () => {
  const dir = project();
  try {
    const { files, err } = await check(dir, []);
    assert.deepEqual(files, ['src/app.js', 'src/data.js']);
    assert.match(err, /skipped 5 vendored, minified or bundled paths .*--include-vendored checks them/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--include-vendored checks them, and a file named on the command line is always checked', async () => {
  const dir = project();
  try {
    const all = await check(dir, ['--include-vendored']);
    assert.deepEqual(all.files, ['bower_components/lib/index.js', 'dist/server.js', 'public/js/app.js', 'public/js/jquery.min.js', 'src/app.js', 'src/data.js', 'vendor/lib.js']);
    assert.doesNotMatch(all.err, /skipped/);
    const named = await check(dir, ['public/js/jquery.min.js']);
    assert.deepEqual(named.files, ['public/js/jquery.min.js']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
