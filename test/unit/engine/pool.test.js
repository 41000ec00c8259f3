// The worker pool: typed tasks, cancellation of queued and running tasks, time-outs and crashes
// turned into outcomes.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createPool } = require('../../../server/dist/engine/pool.js');
const { fakeWorker } = require('../../protocol/lsp-harness');

const filename = fakeWorker();
const input = (text) => ({ document: { fileName: 'a.js', text }, options: { rules: {}, extraSources: [], maxFileSize: 1e6 } });
const run = (pool, text, extra = {}) => pool.run('analyzeStatic', input(text), { signal: new AbortController().signal, timeoutMs: 5000, ...extra });

test('the real worker runs analyzeStatic and finds the canonical SQL injection', async () => {
  const pool = createPool({ size: 1 });
  const { VULNERABLE } = require('../../protocol/lsp-harness');
  const outcome = await pool.run('analyzeStatic', { document: { fileName: 'app.js', text: VULNERABLE }, options: { rules: {}, extraSources: [], maxFileSize: 1e6 } }, { signal: new AbortController().signal, timeoutMs: 10_000 });
  assert.equal(outcome.kind, 'done');
  assert.deepEqual(outcome.value.findings.map((f) => f.cwe[0]), ['CWE-89']);
  await pool.close();
});

test('a queued task cancelled before it starts never runs', async () => {
  const pool = createPool({ size: 1, filename });
  const first = run(pool, 'SLOW');
  const controller = new AbortController();
  const second = run(pool, 'VULN', { signal: controller.signal });
  controller.abort();
  assert.deepEqual(await second, { kind: 'cancelled' });
  assert.equal((await first).kind, 'done');
  assert.equal(pool.stats().completed, 1);
  await pool.close();
});

test('a running task cancelled resolves at once; its thread is freed after the grace period', async () => {
  const pool = createPool({ size: 1, filename, cancelGraceMs: 20 });
  const controller = new AbortController();
  const hanging = run(pool, 'HANG', { signal: controller.signal });
  await new Promise((resolve) => setTimeout(resolve, 50));
  controller.abort();
  assert.deepEqual(await hanging, { kind: 'cancelled' });
  const next = await run(pool, 'VULN');
  assert.equal(next.kind, 'done');
  assert.equal(next.value.findings.length, 1);
  await pool.close();
});

test('time-out, throw and thread exit become failed outcomes and the pool keeps working', async () => {
  const pool = createPool({ size: 1, filename });
  assert.deepEqual(await run(pool, 'HANG', { timeoutMs: 100 }), { kind: 'failed', reason: 'timeout', message: 'analysis took longer than 100 ms' });
  const thrown = await run(pool, 'THROW');
  assert.equal(thrown.kind, 'failed');
  assert.match(thrown.message, /fake worker failure/);
  assert.equal((await run(pool, 'EXIT')).kind, 'failed');
  assert.equal((await run(pool, 'VULN')).kind, 'done');
  assert.equal(pool.stats().failed, 3);
  await pool.close();
});

test('whatever a task prints goes to stderr, never to stdout (the LSP transport)', () => {
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  const { spawnSync } = require('node:child_process');
  const dist = path.join(__dirname, '..', '..', '..', 'server', 'dist');
  const chatty = path.join(os.tmpdir(), `orbit-chatty-worker-${process.pid}.js`);
  fs.writeFileSync(chatty, `require(${JSON.stringify(path.join(dist, 'workers', 'worker.js'))});
exports.analyzeStatic = () => { console.log('printed by a library'); process.stdout.write('written by a library\\n'); return { findings: [], errors: [] }; };\n`);
  const script = `const { createPool } = require(${JSON.stringify(path.join(dist, 'engine', 'pool.js'))});
const pool = createPool({ size: 1, filename: ${JSON.stringify(chatty)} });
pool.run('analyzeStatic', {}, { signal: new AbortController().signal, timeoutMs: 60000 }).then((o) => { process.stderr.write(o.kind); return pool.close(); });`;
  // The task's time limit covers starting the thread, which a machine with both cores busy can
  // stretch past seconds; what this test asserts is where the output goes, not how fast.
  const { stdout, stderr } = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(stdout, '');
  assert.match(stderr, /printed by a library/);
  assert.match(stderr, /written by a library/);
  assert.match(stderr, /done/);
});
