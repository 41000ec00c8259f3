// The document scheduler with a stub analysis: debounce, abort of the previous run, stale results
// dropped, close, re-analysis and waiting for a version.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createScheduler } = require('../../../server/dist/engine/scheduler.js');
const { defaultSettings } = require('../../../server/dist/config/validate.js');

function harness({ debounceMs = 20, analysisMs = 0 } = {}) {
  const published = [];
  const started = [];
  const aborted = [];
  const settings = { ...defaultSettings(), debounceMs };
  const scheduler = createScheduler({
    settingsFor: async () => settings,
    analyze: (doc, _settings, signal) =>
      new Promise((resolve) => {
        started.push(doc.version);
        signal.addEventListener('abort', () => aborted.push(doc.version));
        setTimeout(() => resolve({ uri: doc.uri, version: doc.version, findings: [], notices: [], errors: [], elapsedMs: analysisMs }), analysisMs);
      }),
    publish: (report) => published.push(report),
    log: () => undefined,
  });
  /** @type {(version: number, uri?: string) => import('../../../server/dist/engine/document-analysis').DocumentSnapshot} */
  const doc = (version, uri = 'file:///a.js') => ({ uri, version, text: `v${version}`, language: 'js' });
  return { scheduler, published, started, aborted, doc };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('open analyses at once; changes wait for the debounce', async () => {
  const h = harness({ debounceMs: 60 });
  h.scheduler.open(h.doc(1));
  await h.scheduler.whenAnalysed('file:///a.js', 1);
  h.scheduler.change(h.doc(2));
  await sleep(20);
  assert.deepEqual(h.started, [1], 'the change is still waiting for its debounce');
  assert.equal((await h.scheduler.whenAnalysed('file:///a.js', 2)).version, 2);
});

test('rapid changes analyse only the last version', async () => {
  const h = harness({ debounceMs: 30 });
  h.scheduler.open(h.doc(1));
  for (let v = 2; v <= 10; v++) h.scheduler.change(h.doc(v));
  await h.scheduler.whenAnalysed('file:///a.js', 10);
  // Version 1 was superseded before its run could publish, and 2–9 never started.
  assert.deepEqual(h.published.map((r) => r.version), [10]);
  assert.deepEqual(h.started.filter((v) => v > 1), [10]);
});

test('an edit aborts the running analysis of the previous version, whose result is dropped', async () => {
  const h = harness({ debounceMs: 0, analysisMs: 50 });
  h.scheduler.open(h.doc(1));
  await sleep(10);
  h.scheduler.change(h.doc(2));
  await h.scheduler.whenAnalysed('file:///a.js', 2);
  await sleep(60);
  assert.deepEqual(h.aborted, [1]);
  assert.deepEqual(h.published.map((r) => r.version), [2]);
});

test('close aborts the run, publishes nothing more and resolves waiters with undefined', async () => {
  const h = harness({ debounceMs: 0, analysisMs: 40 });
  h.scheduler.open(h.doc(1));
  const waiting = h.scheduler.whenAnalysed('file:///a.js', 1);
  h.scheduler.close('file:///a.js');
  assert.equal(await waiting, undefined);
  await sleep(60);
  assert.deepEqual(h.published, []);
  assert.deepEqual(h.scheduler.openDocuments(), []);
});

test('documents are scheduled independently', async () => {
  const h = harness({ debounceMs: 10 });
  h.scheduler.open(h.doc(1, 'file:///a.js'));
  h.scheduler.open(h.doc(1, 'file:///b.js'));
  h.scheduler.change(h.doc(2, 'file:///a.js'));
  await Promise.all([h.scheduler.whenAnalysed('file:///a.js', 2), h.scheduler.whenAnalysed('file:///b.js', 1)]);
  assert.deepEqual(h.published.filter((r) => r.uri === 'file:///b.js').map((r) => r.version), [1], 'editing a.js did not disturb b.js');
  assert.equal(h.scheduler.latest('file:///a.js').version, 2);
});

test('reanalyzeAll runs every open document again and resolves when they are done', async () => {
  const h = harness({ debounceMs: 0 });
  h.scheduler.open(h.doc(1, 'file:///a.js'));
  h.scheduler.open(h.doc(1, 'file:///b.js'));
  await Promise.all([h.scheduler.whenAnalysed('file:///a.js', 1), h.scheduler.whenAnalysed('file:///b.js', 1)]);
  await h.scheduler.reanalyzeAll();
  assert.equal(h.published.length, 4);
  assert.equal(h.scheduler.latest('file:///b.js').version, 1);
});

test('whenAnalysed gives up when its signal aborts', async () => {
  const h = harness({ debounceMs: 5000 });
  h.scheduler.open(h.doc(1));
  await h.scheduler.whenAnalysed('file:///a.js', 1);
  h.scheduler.change(h.doc(2));
  const controller = new AbortController();
  const waiting = h.scheduler.whenAnalysed('file:///a.js', 2, controller.signal);
  controller.abort();
  assert.equal(await waiting, undefined);
  h.scheduler.dispose();
});

test('when settings cannot be had, the failure is logged and waiters are released', async () => {
  const logs = [];
  const scheduler = createScheduler({
    settingsFor: async () => {
      throw new Error('no settings');
    },
    analyze: async () => assert.fail('must not analyse without settings'),
    publish: () => assert.fail('must not publish'),
    log: (m) => logs.push(m),
  });
  scheduler.open({ uri: 'file:///a.js', version: 1, text: '', language: 'js' });
  assert.equal(await scheduler.whenAnalysed('file:///a.js', 1), undefined);
  assert.match(logs[0], /analysis of file:\/\/\/a\.js failed unexpectedly: Error: no settings/);
});
