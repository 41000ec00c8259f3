// `orbit-ls orbit`: prints the variants and the transforms behind each, as text or JSON, for
// JavaScript and TypeScript, through the real binary and in-process.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { runOrbitCommand } = require('../../../server/dist/cli/orbit.js');

const ROOT = path.join(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'server', 'bin', 'orbit-ls.js');
const ROUTES = path.join(ROOT, 'test', 'fixtures', 'orbit', 'cli', 'routes.ts');

function capture() {
  const io = { out: '', err: '', color: false, progress: false };
  return { io: { ...io, out: (t) => (io.out += t), err: (t) => (io.err += t) }, text: io };
}

test('the binary prints k variants of a TypeScript function with their transforms', () => {
  const r = spawnSync(process.execPath, [BIN, 'orbit', ROUTES, '--function', 'listOrders', '-k', '3', '--seed', '4'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Orbit of listOrders \(.*routes\.ts:9\): 3 of 3 variants/);
  const headers = r.stdout.split('\n').filter((l) => l.startsWith('── variant '));
  assert.equal(headers.length, 3);
  for (const h of headers) assert.match(h, /^── variant \d · [a-z-]+(, [a-z-]+)* · distance \d+/);
  assert.ok(!r.stdout.includes(': Options'), 'TypeScript types are transpiled away');
});

test('--json gives the variants with line and rename maps, and the same seed gives the same orbit', () => {
  const run = () => spawnSync(process.execPath, [BIN, 'orbit', ROUTES, '-f', 'listOrders', '-k', '4', '--seed', '9', '--json'], { encoding: 'utf8' });
  const a = run();
  assert.equal(a.status, 0, a.stderr);
  const out = JSON.parse(a.stdout);
  assert.equal(out.unit.name, 'listOrders');
  assert.equal(out.variants.length, 4);
  for (const v of out.variants) {
    assert.ok(v.transforms.length > 0);
    assert.equal(v.lineMap.length, v.code.split('\n').length);
    assert.ok(v.distance >= out.minDistance);
  }
  assert.equal(run().stdout, a.stdout);
});

test('methods are rewritten inside a class wrapper', async () => {
  const { io, text } = capture();
  const code = await runOrbitCommand([ROUTES, '-f', 'summary', '-k', '2', '--json'], io);
  assert.equal(code, 0, text.err);
  assert.match(JSON.parse(text.out).original.code, /^class Unit \{\n\s+summary\(items\) \{/);
});

test('--transforms limits the rewrites used', async () => {
  const { io, text } = capture();
  await runOrbitCommand([ROUTES, '-f', 'listOrders', '-k', '3', '--transforms', 'rename-locals,format', '--json'], io);
  for (const v of JSON.parse(text.out).variants) for (const t of v.transforms) assert.ok(['rename-locals', 'format'].includes(t));
});

test('a missing function is a usage error (exit 2) that names the functions that exist', () => {
  const r = spawnSync(process.execPath, [BIN, 'orbit', ROUTES, '-f', 'nope'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no function named "nope" .*functions there: listOrders, summary/);
});

test('usage mistakes exit 2 through the binary with a message that says what to do', () => {
  const r = spawnSync(process.execPath, [BIN, 'orbit', ROUTES, '-f', 'listOrders', '-k', 'many'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /-k must be an integer from 1 to 100, got "many"/);
  const r2 = spawnSync(process.execPath, [BIN, 'orbit', ROUTES], { encoding: 'utf8' });
  assert.equal(r2.status, 2);
  assert.match(r2.stderr, /--function is required/);
});

test('--help lists the options and every transform', async () => {
  const { io, text } = capture();
  assert.equal(await runOrbitCommand(['--help'], io), 0);
  assert.match(text.out, /--delta-min D/);
  assert.match(text.out, /concat-template/);
});
