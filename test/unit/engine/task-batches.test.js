// Several files per worker task (check): each file keeps its own outcome, its own time-out and
// cancellation, and a file that hangs, throws or takes its thread down is reported alone while the
// files batched with it keep their results.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createPool } = require('../../../server/dist/engine/pool.js');
const { batchingPool } = require('../../../server/dist/engine/task-batches.js');
const { fakeWorker } = require('../../protocol/lsp-harness');

// The fake worker's analyzeStatic (HANG loops, THROW throws, EXIT ends the thread, SLOW takes
// 300 ms, each VULN is a finding), batched by the real batch task's wrapper.
const fake = fakeWorker();
const filename = path.join(os.tmpdir(), `orbit-fake-batch-worker-${process.pid}.js`);
fs.writeFileSync(
  filename,
  `'use strict';
const one = require(${JSON.stringify(fake)});
Object.assign(exports, one);
exports.analyzeStaticBatch = require(${JSON.stringify(path.join(__dirname, '..', '..', '..', 'server', 'dist', 'workers', 'batch-of.js'))}).batchOf(one.analyzeStatic);
`,
);

const input = (text, fileName = 'a.js') => ({ document: { fileName, text }, options: { rules: {}, extraSources: [], maxFileSize: 1e6 } });

/** Runs `texts` through a batching pool in one turn, so they share tasks; resolves every outcome. */
async function runAll(texts, { filesPerTask = 8, timeoutMs = 5000, signal = new AbortController().signal, size = 1 } = {}) {
  const pool = createPool({ size, filename, cancelGraceMs: 20 });
  const logged = [];
  const batched = batchingPool(pool, { filesPerTask, log: (m) => logged.push(m) });
  try {
    const outcomes = await Promise.all(texts.map((t, i) => batched.run('analyzeStatic', input(t, `f${i}.js`), { signal, timeoutMs })));
    return { outcomes, logged, completed: pool.stats().completed };
  } finally {
    await pool.close();
  }
}

const findings = (o) => (o.kind === 'done' ? o.value.findings.length : o.kind);

test('files batched into one task get the outcomes they get one task each', async () => {
  const texts = ['VULN', 'x', 'VULN VULN', 'y', 'VULN'];
  const alone = await runAll(texts, { filesPerTask: 1 });
  const together = await runAll(texts);
  assert.deepEqual(together.outcomes.map(findings), [1, 0, 2, 0, 1]);
  assert.deepEqual(together.outcomes.map((o) => o.value.findings), alone.outcomes.map((o) => o.value.findings));
  // Five files, one task.
  assert.equal(together.completed, 1);
  assert.equal(alone.completed, 5);
});

test('files that hang are reported alone with the time-out message; their batch-mates keep their findings', async () => {
  const { outcomes, completed } = await runAll(['VULN', 'x', 'HANG', 'VULN VULN', 'HANG', 'VULN'], { timeoutMs: 2000 });
  const timedOut = { kind: 'failed', reason: 'timeout', message: 'analysis took longer than 2000 ms' };
  assert.deepEqual([outcomes[2], outcomes[4]], [timedOut, timedOut]);
  assert.deepEqual(outcomes.map(findings), [1, 0, 'failed', 2, 'failed', 1]);
  // After each hang the others went again together: two stopped tasks, then one that completed.
  assert.equal(completed, 1);
});

test('the time-out is per file: a batch longer than the time-out whose files each finish in time is not cut', async () => {
  // Eight files of 300 ms each: 2.4 s in one task, against a 2 s time-out per file.
  const { outcomes } = await runAll(['SLOW VULN', 'SLOW', 'SLOW VULN', 'SLOW', 'SLOW', 'SLOW', 'SLOW', 'SLOW VULN'], { timeoutMs: 2000 });
  assert.deepEqual(outcomes.map(findings), [1, 0, 1, 0, 0, 0, 0, 1]);
});

test('a file that throws fails alone, inside the same task, and is logged as a failed task is', async () => {
  const { outcomes, logged, completed } = await runAll(['VULN', 'THROW', 'VULN']);
  assert.equal(outcomes[1].kind, 'failed');
  assert.equal(outcomes[1].reason, 'error');
  assert.match(outcomes[1].message, /fake worker failure/);
  assert.deepEqual([findings(outcomes[0]), findings(outcomes[2])], [1, 1]);
  assert.equal(completed, 1);
  assert.ok(logged.some((m) => /worker task analyzeStatic failed: fake worker failure/.test(m)));
});

test('a file that ends its thread fails alone; the files batched with it are analysed again and keep their findings', async () => {
  const { outcomes } = await runAll(['VULN', 'EXIT', 'VULN VULN']);
  assert.equal(outcomes[1].kind, 'failed');
  assert.deepEqual([findings(outcomes[0]), findings(outcomes[2])], [1, 2]);
});

test('aborting the run cancels every file of a running batch, and the pool goes on', async () => {
  const controller = new AbortController();
  const pool = createPool({ size: 1, filename, cancelGraceMs: 20 });
  const batched = batchingPool(pool, { filesPerTask: 8 });
  try {
    const running = ['VULN', 'HANG', 'VULN'].map((t) => batched.run('analyzeStatic', input(t), { signal: controller.signal, timeoutMs: 60_000 }));
    setTimeout(() => controller.abort(), 100);
    assert.deepEqual(await Promise.all(running), [{ kind: 'cancelled' }, { kind: 'cancelled' }, { kind: 'cancelled' }]);
    const after = await batched.run('analyzeStatic', input('VULN'), { signal: new AbortController().signal, timeoutMs: 60_000 });
    assert.equal(findings(after), 1);
  } finally {
    await pool.close();
  }
});
